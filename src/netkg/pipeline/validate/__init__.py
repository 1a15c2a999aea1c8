"""SHACL validation: the compiled shapes (fast) and pyshacl (the reference)."""
