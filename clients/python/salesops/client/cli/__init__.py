"""`salesctl`, the command-line client for regional teams, built on the SDK."""
