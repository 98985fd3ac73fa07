"""deploy/prometheus and deploy/grafana, checked without a running suite:
promtool on every configuration and on the alert rules (with their unit
tests), the target list the launcher writes, and the dashboard (built from
deploy/services.py, a row per service, every query valid PromQL, every metric
it or an alert names either the kernel's or in the business contract of
docs/operations.md)."""
import importlib
import json
import re
import subprocess
from types import SimpleNamespace

import pytest
import yaml

from deploy import prometheus
from deploy.grafana import dashboard
from deploy.k8s import manifests
from deploy.services import SERVICES
from opskit import ROOT

CONFIGS = [prometheus.CONFIG, prometheus.COMPOSE_CONFIG, prometheus.K8S_CONFIG]
NAMES = [s.name for s in SERVICES]


def promtool(tools, *args):
    done = subprocess.run([tools["promtool"], *map(str, args)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_every_prometheus_configuration_passes_promtool(prometheus_tools, config):
    out = promtool(prometheus_tools, "check", "config", config)
    assert "SUCCESS: 1 rule files found" in out


def test_alert_rules_pass_promtool_and_their_unit_tests(prometheus_tools):
    out = promtool(prometheus_tools, "check", "rules", prometheus.RULES)
    assert "SUCCESS" in out
    promtool(prometheus_tools, "test", "rules", prometheus.RULE_TESTS)
    rules = yaml.safe_load(prometheus.RULES.read_text())
    names = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    # the list: a service down, error rate, latency, outbox, dead letters, reviews
    assert {"SkillcertServiceDown", "SkillcertReplicaDown", "SkillcertErrorRateHigh",
            "SkillcertLatencyHigh", "SkillcertOutboxNotDraining", "SkillcertDeadLetters",
            "SkillcertReviewsOverdue"} <= names
    tested = {t["alertname"] for case in yaml.safe_load(prometheus.RULE_TESTS.read_text())
              ["tests"] for t in case["alert_rule_test"]}
    assert tested == names                      # every alert has a unit test
    runbooks = (ROOT / "docs" / "operations.md").read_text()
    for rule in (r for g in rules["groups"] for r in g["rules"]):
        anchor = rule["annotations"]["runbook"].split("#", 1)[1]
        assert anchor in github_anchors(runbooks), (rule["alert"], anchor)


def github_anchors(markdown):
    return {re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
            for line in markdown.splitlines() if line.startswith("#")}


def test_compose_and_kubernetes_configurations_have_a_job_per_service():
    compose = yaml.safe_load(prometheus.COMPOSE_CONFIG.read_text())
    assert [j["job_name"] for j in compose["scrape_configs"]] == NAMES
    for job, service in zip(compose["scrape_configs"], SERVICES):
        assert job["dns_sd_configs"][0]["names"] == [manifests.k8s_name(service)]
    k8s = yaml.safe_load(prometheus.K8S_CONFIG.read_text())
    assert [j["job_name"] for j in k8s["scrape_configs"]] == NAMES
    for job, service in zip(k8s["scrape_configs"], SERVICES):
        headless = manifests.metrics_service(service)["metadata"]["name"]
        assert job["dns_sd_configs"][0]["names"] == [f"{headless}.skillcert.svc.cluster.local"]
        assert job["dns_sd_configs"][0]["port"] == manifests.METRICS_PORT
    for config in (compose, k8s):
        assert all({"target_label": "suite", "replacement": "skillcert"} in
                   j["relabel_configs"] for j in config["scrape_configs"])


def test_the_launcher_writes_every_replica_as_a_target_and_a_usable_configuration(
        prometheus_tools, tmp_path):
    exam, registration = SERVICES[0], SERVICES[1]
    replicas = [SimpleNamespace(service=exam, number=1, port=9101),
                SimpleNamespace(service=registration, number=1, port=9111),
                SimpleNamespace(service=registration, number=2, port=9112)]
    config = prometheus.write(tmp_path, replicas)
    listed = json.loads((tmp_path / "prometheus" / "targets.json").read_text())
    assert listed == [
        {"targets": ["127.0.0.1:9101"],
         "labels": {"job": "exam", "replica": "exam-1", "suite": "skillcert"}},
        {"targets": ["127.0.0.1:9111"],
         "labels": {"job": "registration", "replica": "registration-1", "suite": "skillcert"}},
        {"targets": ["127.0.0.1:9112"],
         "labels": {"job": "registration", "replica": "registration-2", "suite": "skillcert"}}]
    out = promtool(prometheus_tools, "check", "config", config)
    assert "WARNING" not in out                 # the target list exists where it says
    prometheus.clear(tmp_path)
    assert json.loads((tmp_path / "prometheus" / "targets.json").read_text()) == []


def test_the_dashboard_is_built_from_the_services_with_a_row_per_service():
    built = dashboard.build()
    assert json.loads(dashboard.OUTPUT.read_text()) == built, \
        "deploy/grafana/skillcert.json is stale: python -m deploy.grafana.dashboard"
    rows = [p["title"] for p in built["panels"] if p["type"] == "row"]
    assert rows == ["Suite"] + NAMES
    ids = [p["id"] for p in built["panels"]]
    assert len(ids) == len(set(ids))
    for p in built["panels"]:
        grid = p["gridPos"]
        assert grid["x"] + grid["w"] <= 24
    titles = {t["title"] for t in built["panels"]}
    for needed in ("Calls /s by entrypoint and outcome", "Unexpected failures /s",
                   "RPC/HTTP latency", "Outbox backlog and events published /s",
                   "Dead letters and handler retries", "Applications by status",
                   "Review tasks past their deadline (V1)", "Payments awaiting confirmation",
                   "Certificates issued per hour", "Assessor cards expiring within 30 days"):
        assert needed in titles


def test_every_dashboard_query_is_valid_promql(prometheus_tools, tmp_path):
    # promtool parses rule expressions: each query becomes a recording rule
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query{n}", "expr": expr.replace("$__rate_interval", "5m")}
        for n, expr in enumerate(dashboard.queries(dashboard.build()))]}]}
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump(rules))
    promtool(prometheus_tools, "check", "rules", path)


def base_name(metric):
    """The family name: without _total, _bucket, _count, _sum."""
    return re.sub(r"_(total|bucket|count|sum)$", "", metric)


def contract():
    """{family name: (service, type, labels)} from the table in docs/operations.md."""
    text = (ROOT / "docs" / "operations.md").read_text()
    section = text.split("### Business figures", 1)[1].split("\n#", 1)[0]
    out = {}
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[1].startswith("skillcert_"):
            labels = tuple(x.strip(" `") for x in cells[3].split(",") if x.strip(" `–-"))
            family = base_name(cells[1])
            assert family not in out, f"two metrics of family {family}: Prometheus clash"
            out[family] = (cells[0], cells[2], labels)
    return out


def kernel_metric_names():
    from prometheus_client import Counter, Gauge, Histogram

    from kernel import metrics
    return {c._name for c in vars(metrics).values()
            if isinstance(c, (Counter, Gauge, Histogram))}


def test_every_metric_an_alert_or_the_dashboard_names_is_the_kernels_or_in_the_contract():
    known = kernel_metric_names() | set(contract())
    named = {base_name(m) for path in (prometheus.RULES, dashboard.OUTPUT)
             for m in re.findall(r"\bskillcert_[a-z0-9_]+", path.read_text())}
    assert named - known == set()
    # the business figures
    assert {"skillcert_registration_applications_by_status", "skillcert_review_overdue_tasks",
            "skillcert_payment_awaiting_confirmation", "skillcert_certificate_issued",
            "skillcert_assessor_cards_expiring_30d"} <= set(contract())


@pytest.mark.parametrize("service", sorted({v[0] for v in contract().values()}))
def test_each_service_registers_the_business_metrics_of_the_contract(service):
    from prometheus_client import REGISTRY
    from deploy.services import BY_NAME
    importlib.import_module(BY_NAME[service].module)        # metrics are made at import
    for name, (owner, kind, labels) in contract().items():
        if owner != service:
            continue
        collector = REGISTRY._names_to_collectors.get(name) or \
            REGISTRY._names_to_collectors.get(name + "_total")
        assert collector is not None, f"{service} does not expose {name}"
        assert collector._type == kind, (name, collector._type)
        assert tuple(collector._labelnames) == labels, (name, collector._labelnames)
