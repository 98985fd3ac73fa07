"""What the benchmarks that start services as processes share: a private
RabbitMQ vhost, and putting everything away afterwards."""
import os
import shutil
import subprocess
import uuid

BASE_AMQP = os.environ.get("AMQP_URI", "pyamqp://guest:guest@localhost:5672/")


def vhost():
    """(AMQP URI, vhost name or None): a vhost of its own when rabbitmqctl is here."""
    if shutil.which("rabbitmqctl") and os.geteuid() == 0:
        name = "skillcert_bench_" + uuid.uuid4().hex[:8]
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", name], check=True)
        subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", name, "guest", ".*", ".*",
                        ".*"], check=True)
        return BASE_AMQP.rstrip("/") + "/" + name, name
    return BASE_AMQP, None


def clean_up(procs, vhost_name, server_url, db_urls, tmp):
    """Stop the service processes, delete the vhost, drop the PostgreSQL
    databases (when ``server_url`` names a server) and the temporary folder."""
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    if vhost_name:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost_name])
    if server_url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url
        admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for url in db_urls:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" '
                                  'WITH (FORCE)'))
        admin.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
