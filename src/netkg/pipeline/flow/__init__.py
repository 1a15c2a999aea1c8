"""The build flow: load, check the evidence, reason, derive, validate, write dist/."""
