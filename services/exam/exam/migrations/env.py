from kernel.migrate import run_env

from exam.models import Base

run_env(Base.metadata)
