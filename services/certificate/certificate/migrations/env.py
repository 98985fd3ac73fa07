from kernel.migrate import run_env

from certificate.models import Base

run_env(Base.metadata)
