"""Pipeline rules as plain Python, one module per area (leads, opportunities, quotes, ...)."""
