"""The pipeline worker: the handler mixins of services/pipeline/handlers, and the outbox relay."""

from __future__ import annotations

from services.kit.worker import ServiceWorker, compose_worker
from services.pipeline import handlers

Worker: type[ServiceWorker] = compose_worker("pipeline", handlers)
