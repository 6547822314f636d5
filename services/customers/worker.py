"""The customers worker: the handler mixins of services/customers/handlers, and the outbox relay."""

from __future__ import annotations

from services.customers import handlers
from services.kit.worker import ServiceWorker, compose_worker

Worker: type[ServiceWorker] = compose_worker("customers", handlers)
