"""The Grafana dashboard of the suite, built from deploy/services.py:

    python -m deploy.grafana.dashboard      # rewrites deploy/grafana/skillcert.json

A "Suite" row (replicas up, calls and failures by service, firing alerts), then
one row per service: replicas up, calls by entrypoint and outcome, unexpected
failures, latency quantiles, outbox backlog and events published, dead letters
and handler retries, and the service's business figures (BUSINESS below: the
metric names every service exposes, listed in docs/operations.md).
tests/ops checks that skillcert.json is what this module builds and that every
query is valid PromQL (promtool) and evaluates on a real Prometheus.

Business gauges are counted from the service's database, so every replica
reports the same figure: they are aggregated with ``max``; counters are summed.
"""
import json
import sys
from pathlib import Path

from deploy.services import SERVICES

OUTPUT = Path(__file__).resolve().parent / "skillcert.json"
UID = "skillcert-suite"
RATE = "$__rate_interval"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}

# service -> [(panel title, unit, [(query, legend)])]
BUSINESS = {
    "registration": [
        ("Applications by status", "short",
         [("max by (status) (skillcert_registration_applications_by_status)", "{{status}}")]),
        ("Application events /s", "ops",
         [(f"sum by (event) (rate(skillcert_registration_applications_total[{RATE}]))",
           "{{event}}")]),
    ],
    "review": [
        ("Review tasks past their deadline (V1)", "short",
         [("max by (batch_code, stage) (skillcert_review_overdue_tasks)",
           "{{batch_code}} {{stage}}")]),
        ("Review decisions /s", "ops",
         [(f"sum by (outcome) (rate(skillcert_review_decisions_total[{RATE}]))",
           "{{outcome}}")]),
    ],
    "payment": [
        ("Payments awaiting confirmation", "short",
         [("max by (batch_code) (skillcert_payment_awaiting_confirmation)", "{{batch_code}}")]),
        ("Payment events /s", "ops",
         [(f"sum by (event) (rate(skillcert_payment_items_total[{RATE}]))", "{{event}}")]),
    ],
    "certificate": [
        ("Certificates issued per hour", "short",
         [("sum(increase(skillcert_certificate_issued_total[1h]))", "issued"),
          ("sum by (reason_code) (increase(skillcert_certificate_revoked_total[1h]))",
           "revoked {{reason_code}}")]),
        ("Verifications /s", "ops",
         [(f"sum by (method, result) (rate(skillcert_certificate_verifications_total[{RATE}]))",
           "{{method}} {{result}}")]),
    ],
    "assessor_training": [
        ("Assessor cards expiring within 30 days", "short",
         [("max(skillcert_assessor_cards_expiring_30d)", "expiring")]),
        ("Assessor card events /s", "ops",
         [(f"sum by (event) (rate(skillcert_assessor_cards_total[{RATE}]))", "{{event}}")]),
    ],
}


class Layout:
    """Grafana's 24-column grid: panels left to right, a new line when full."""

    def __init__(self):
        self.panels, self.x, self.y, self.next_id = [], 0, 0, 1

    def add(self, panel, width=8, height=7):
        if self.x + width > 24:
            self.x, self.y = 0, self.y + height
        panel.update(id=self.next_id, gridPos={"x": self.x, "y": self.y, "w": width,
                                               "h": height})
        self.next_id += 1
        self.x += width
        self.panels.append(panel)

    def row(self, title):
        if self.x:
            self.x, self.y = 0, self.y + 7
        self.add({"type": "row", "title": title, "collapsed": False, "panels": []},
                 width=24, height=1)
        self.x, self.y = 0, self.y + 1


def panel(title, queries, unit="short", kind="timeseries"):
    return {"type": kind, "title": title, "datasource": DATASOURCE,
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom"}}
            if kind == "timeseries" else {"reduceOptions": {"calcs": ["lastNotNull"]}},
            "targets": [{"refId": chr(ord("A") + n), "datasource": DATASOURCE,
                         "expr": expr, "legendFormat": legend}
                        for n, (expr, legend) in enumerate(queries)]}


def service_panels(name):
    s = f'service="{name}"'
    latency = f'sum by (le) (rate(skillcert_entrypoint_latency_seconds_bucket{{{s}, kind=~"rpc|http"}}[{RATE}]))'
    yield panel("Replicas up", [(f'sum(up{{suite="skillcert", job="{name}"}})', "up")],
                kind="stat"), 4
    yield panel("Calls /s by entrypoint and outcome",
                [(f"sum by (entrypoint, outcome) (rate(skillcert_entrypoint_calls_total{{{s}}}[{RATE}]))",
                  "{{entrypoint}} {{outcome}}")], "ops"), 10
    yield panel("Unexpected failures /s",
                [(f"sum by (entrypoint, error) (rate(skillcert_entrypoint_failures_total{{{s}}}[{RATE}]))",
                  "{{entrypoint}} {{error}}")], "ops"), 10
    yield panel("RPC/HTTP latency",
                [(f"histogram_quantile({q}, {latency})", f"p{int(q * 100)}")
                 for q in (0.5, 0.95, 0.99)], "s"), 8
    yield panel("Outbox backlog and events published /s",
                [(f"max(skillcert_outbox_backlog{{{s}}})", "backlog"),
                 (f"sum by (event) (rate(skillcert_events_published_total{{{s}}}[{RATE}]))",
                  "{{event}} /s")]), 8
    yield panel("Dead letters and handler retries",
                [(f"max by (queue) (skillcert_dead_letter_queue_depth{{{s}}})", "{{queue}}"),
                 (f"sum by (handler) (increase(skillcert_handler_retries_total{{{s}}}[{RATE}]))",
                  "retries {{handler}}")]), 8
    for title, unit, queries in BUSINESS.get(name, ()):
        yield panel(title, queries, unit), 12


def build():
    layout = Layout()
    layout.row("Suite")
    layout.add(panel("Replicas up by service",
                     [('sum by (job) (up{suite="skillcert"})', "{{job}}")], kind="stat"), 8)
    layout.add(panel("Calls /s by service",
                     [(f"sum by (service) (rate(skillcert_entrypoint_calls_total[{RATE}]))",
                       "{{service}}")], "ops"), 8)
    layout.add(panel("Unexpected failures /s by service",
                     [(f"sum by (service) (rate(skillcert_entrypoint_failures_total[{RATE}]))",
                       "{{service}}")], "ops"), 8)
    layout.add(panel("Firing alerts",
                     [('sum by (alertname) (ALERTS{alertstate="firing"})', "{{alertname}}")],
                     kind="stat"), 24)
    for service in SERVICES:
        layout.row(service.name)
        for item, width in service_panels(service.name):
            layout.add(item, width)
    return {
        "uid": UID, "title": "SkillCert", "tags": ["skillcert"], "timezone": "browser",
        "schemaVersion": 39, "version": 1, "editable": True, "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [{"name": "datasource", "type": "datasource",
                                 "query": "prometheus", "label": "Prometheus"}]},
        "annotations": {"list": []},
        "panels": layout.panels,
    }


def queries(dashboard):
    """Every PromQL expression of the dashboard, as written."""
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", ())]


def render(dashboard):
    return json.dumps(dashboard, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(render(build()))
    print(f"wrote {OUTPUT}", file=sys.stderr)
