"""The performance worker: the handler mixins of services/performance/handlers, and the relay."""

from __future__ import annotations

from services.kit.worker import ServiceWorker, compose_worker
from services.performance import handlers

Worker: type[ServiceWorker] = compose_worker("performance", handlers)
