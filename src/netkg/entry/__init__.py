"""Data entry without Turtle: the declared mapping, workbook reader, importer and template."""
