from kernel.migrate import run_env

from assessor_training.models import Base

run_env(Base.metadata)
