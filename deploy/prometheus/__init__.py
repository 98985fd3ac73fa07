"""Prometheus for a suite started by the launcher (deploy/launch.py).

The launcher knows which replicas it started and on which metrics port, so it
writes them as a file_sd target list, ``<data dir>/prometheus/targets.json``
(one group per replica: ``job`` = the service, ``replica`` = ``<service>-<n>``,
``suite`` = ``skillcert``), and a ready-to-use configuration beside it,
``<data dir>/prometheus/prometheus.yml``: deploy/prometheus/prometheus.yml with
its two paths (the target list, the alert rules) made absolute. Prometheus
re-reads the target list when it changes, so a running Prometheus follows a
relaunch with other replica counts. On a clean stop the list is emptied
(nothing is expected to be up).

    prometheus --config.file=var/prometheus/prometheus.yml
"""
import json
import os
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "prometheus.yml"          # `make run` on one machine (file_sd)
COMPOSE_CONFIG = HERE / "prometheus-compose.yml"
K8S_CONFIG = HERE / "prometheus-k8s.yml"
RULES = HERE / "alerts.yml"
RULE_TESTS = HERE / "alerts.test.yml"
SUITE_LABEL = {"suite": "skillcert"}


def target_groups(replicas, host="127.0.0.1"):
    """file_sd groups for launcher replicas (objects with .service.name, .number, .port)."""
    return [{"targets": [f"{host}:{r.port}"],
             "labels": {"job": r.service.name, "replica": f"{r.service.name}-{r.number}",
                        **SUITE_LABEL}}
            for r in replicas]


def config_for(targets_file, rules=RULES):
    """deploy/prometheus/prometheus.yml with absolute paths."""
    config = yaml.safe_load(CONFIG.read_text())
    config["rule_files"] = [str(rules)]
    for job in config["scrape_configs"]:
        for sd in job.get("file_sd_configs", ()):
            sd["files"] = [str(targets_file)]
    return config


def _write(path, text):
    """Replace ``path`` atomically: Prometheus may be reading it."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write(data_dir, replicas):
    """Write targets.json and prometheus.yml under <data dir>/prometheus; returns the config."""
    folder = Path(data_dir) / "prometheus"
    folder.mkdir(parents=True, exist_ok=True)
    targets = folder / "targets.json"
    _write(targets, json.dumps(target_groups(replicas), indent=2) + "\n")
    config = folder / "prometheus.yml"
    _write(config, "# written by deploy/launch.py from deploy/prometheus/prometheus.yml\n"
           + yaml.safe_dump(config_for(targets), sort_keys=False))
    return config


def clear(data_dir):
    """An empty target list (after a clean stop)."""
    targets = Path(data_dir) / "prometheus" / "targets.json"
    if targets.exists():
        _write(targets, "[]\n")
