from kernel.migrate import run_env

from registration.models import Base

run_env(Base.metadata)
