"""The training worker: the handler mixins of services/training/handlers, and the relay."""

from __future__ import annotations

from services.kit.worker import ServiceWorker, compose_worker
from services.training import handlers

Worker: type[ServiceWorker] = compose_worker("training", handlers)
