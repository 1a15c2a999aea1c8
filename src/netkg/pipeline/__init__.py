"""The build pipeline: where inputs live, load, reason, validate, describe, build."""
