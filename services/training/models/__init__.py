"""The training database schema, one module per area.

Importing this package imports every module, so `Base.metadata` is complete
for migrations and tests.
"""

from services.kit.areas import area_modules
from services.training.models.base import Base

area_modules(__name__, __path__)

__all__ = ["Base"]
