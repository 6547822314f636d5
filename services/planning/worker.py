"""The planning worker: the handler mixins of services/planning/handlers, and the outbox relay."""

from __future__ import annotations

from services.kit.worker import ServiceWorker, compose_worker
from services.planning import handlers

Worker: type[ServiceWorker] = compose_worker("planning", handlers)
