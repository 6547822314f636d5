"""Fixtures shared by every test in the repository live in services/kit/testing.py."""

pytest_plugins = ["services.kit.testing"]
