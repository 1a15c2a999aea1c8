"""What the build derives and checks: valid time, the dataset description, the evidence."""
