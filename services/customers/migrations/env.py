from services.customers.models import Base
from services.kit.migrations import run_env
from services.kit.schema import kit_metadata

run_env([Base.metadata, kit_metadata])
