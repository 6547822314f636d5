"""The pipeline worker: relays the pipeline's outbox (no subscriptions yet)."""

from __future__ import annotations

from services.kit.worker import ServiceWorker


class Worker(ServiceWorker):
    """Pipeline's nameko service; handlers for planning and training events come later."""

    name = "pipeline"
