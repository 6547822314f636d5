"""Training rules as plain Python, one module per area."""
