"""Event handlers of the training worker, one mixin per source of events.

Each module defines a class of `@subscribe` methods (and timers); `worker.py`
composes them into the nameko service.
"""
