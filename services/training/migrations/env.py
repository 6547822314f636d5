from services.kit.migrations import run_env
from services.kit.schema import kit_metadata
from services.training.models import Base

run_env([Base.metadata, kit_metadata])
