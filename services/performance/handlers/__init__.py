"""Event handlers of the performance worker, one mixin per source of events.

Each module defines a class of `@subscribe` methods (and timers); `worker.py`
composes them into the nameko service.
"""
