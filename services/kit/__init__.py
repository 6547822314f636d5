"""The service kit: what every salesops service stands on.

Configuration, the gRPC server, databases and migrations, the outbox and
inbox, the nameko worker base, metrics, the caller's identity, errors and the
fiscal calendar live here once, so a service holds only its own domain.
"""
