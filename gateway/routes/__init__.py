"""HTTP routes, one module per service the gateway fronts."""
