"""The pipeline database schema, one module per area.

Importing this package imports every module, so `Base.metadata` is complete
for migrations and tests.
"""

import importlib
import pkgutil

from services.pipeline.models.base import Base

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Base"]
