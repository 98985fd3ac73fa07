"""Write a new Alembic revision for a service by comparing its models with its
migrations (developer tool): python -m deploy.new_migration exam "what changed"."""
import sys
import tempfile

from alembic import command

from kernel.migrate import alembic_config


def main(package, message):
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        cfg = alembic_config(package, url)
        command.upgrade(cfg, "head")
        command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
