"""数据看板 and the console tables (#17) through the gateway, the whole suite
behind it: the dashboard's figures are the ones the business gauges are set
from (one source), each role sees its slice, and the administrator's and the
certificate office's tables page, sort and filter on the server."""
from prometheus_client import REGISTRY

from kernel.testing import wait_until

from gateway.handlers.dashboard import merge_stages, pass_rates

from .conftest import BATCH, application_body

PROJECT = "bigdata-platform-setup"


def gauge(name, **labels):
    return REGISTRY.get_sample_value(name, labels)


def test_the_dashboard_shows_the_figures_the_stage_gauge_reports(suite_gateway, accounts,
                                                                   upload):
    candidate = accounts("candidate")
    r = candidate.post("/applications", application_body(candidate.account, upload(candidate)))
    assert r.status_code == 201, r.text
    admin = accounts("provincial_center")
    board = admin.get("/dashboard", params={"batch_code": BATCH})
    assert board.status_code == 200, board.text
    body = board.json()
    assert set(body["sections"]) == {"stages", "pass_rates", "overdue_reviews",
                                     "awaiting_payments", "cards_expiring"}
    [row] = [s for s in body["stages"] if s["project_code"] == PROJECT]
    assert row["registered"] == 1 and row["approved"] == 0 and row["seated"] == 0
    assert all(s["batch_code"] == BATCH for s in body["stages"])
    assert body["cards_expiring_30d"] == 0 and body["awaiting_payments"] == []
    # the gauge Prometheus scrapes, set with the outbox sweep from the same function
    assert wait_until(lambda: gauge("skillcert_registration_stage", batch_code=BATCH,
                                    project_code=PROJECT, stage="registered") == 1, timeout=15)
    assert gauge("skillcert_registration_stage", batch_code=BATCH, project_code=PROJECT,
                 stage="approved") == 0
    [rate] = [p for p in body["pass_rates"] if p["project_code"] == PROJECT]
    assert rate == {"project_code": PROJECT, "passed": 0, "failed": 0, "rate": None}
    # another batch filtered out
    assert admin.get("/dashboard", params={"batch_code": "2026-10"}).json()["stages"] == []


def test_each_role_sees_its_slice_of_the_dashboard(suite_gateway, accounts):
    seen = {role: accounts(role).get("/dashboard").json() for role in (
        "reviewer", "finance", "exam_admin", "certificate_officer")}
    assert seen["reviewer"]["sections"] == ["stages", "overdue_reviews"]
    assert "overdue_reviews" in seen["reviewer"] and "awaiting_payments" not in seen["reviewer"]
    assert seen["finance"]["sections"] == ["stages", "awaiting_payments"]
    assert "overdue_reviews" not in seen["finance"]
    assert seen["exam_admin"]["sections"] == ["stages", "pass_rates"]
    assert "cards_expiring_30d" not in seen["certificate_officer"]
    for role in ("candidate", "institution_operator"):
        assert accounts(role).get("/dashboard").status_code == 403
    assert accounts("public").get("/dashboard").status_code == 401


def test_the_dashboard_merges_exam_stages_and_computes_the_pass_rate():
    rows = merge_stages(
        [{"batch_code": "2026-12", "project_code": "a", "registered": 5, "approved": 4,
          "paid": 4, "passed": 2, "failed": 1, "certified": 1}],
        [{"batch_code": "2026-12", "project_code": "a", "seated": 4, "present": 3},
         {"batch_code": "2026-12", "project_code": "b", "seated": 1, "present": 0}])
    assert rows[0] == {"batch_code": "2026-12", "project_code": "a", "registered": 5,
                       "approved": 4, "paid": 4, "seated": 4, "present": 3, "passed": 2,
                       "failed": 1, "certified": 1}
    assert rows[1]["registered"] == 0 and rows[1]["seated"] == 1
    assert pass_rates(rows) == [
        {"project_code": "a", "passed": 2, "failed": 1, "rate": 0.6667},
        {"project_code": "b", "passed": 0, "failed": 0, "rate": None}]


def test_the_accounts_table_pages_sorts_and_filters_on_the_server(suite_gateway, accounts):
    made = [accounts("reviewer") for _ in range(3)]
    admin = accounts("provincial_center")
    page = admin.get("/admin/accounts/page", params={"role": "reviewer", "size": 2,
                                                     "sort": "username"}).json()
    names = sorted(c.account["username"] for c in made)
    assert page["total"] == 3 and [a["username"] for a in page["items"]] == names[:2]
    second = admin.get("/admin/accounts/page", params={"role": "reviewer", "size": 2,
                                                       "page": 2, "sort": "username"}).json()
    assert [a["username"] for a in second["items"]] == names[2:]
    backwards = admin.get("/admin/accounts/page", params={"role": "reviewer",
                                                          "sort": "-username"}).json()
    assert [a["username"] for a in backwards["items"]] == names[::-1]
    one = admin.get("/admin/accounts/page", params={"q": names[1]}).json()
    assert [a["username"] for a in one["items"]] == [names[1]]
    candidate = accounts("candidate")
    everyone = admin.get("/admin/accounts/page", params={"size": 100}).json()
    assert candidate.account["username"] not in {a["username"] for a in everyone["items"]}
    theirs = admin.get("/admin/accounts/page", params={"role": "candidate"}).json()["items"]
    assert theirs and all("*" in a["id_number"] for a in theirs)
    r = admin.get("/admin/accounts/page", params={"sort": "password_hash"})
    assert r.status_code == 400 and "sort" in r.text
    assert accounts("reviewer").get("/admin/accounts/page").status_code == 403


def test_the_certificates_table_pages_on_the_server(suite_gateway, accounts):
    officer = accounts("certificate_officer")
    r = officer.get("/admin/certificates/page", params={"batch_code": BATCH, "size": 5})
    assert r.status_code == 200, r.text
    assert r.json() == {"total": 0, "page": 1, "size": 5, "items": []}
    bad = officer.get("/admin/certificates/page", params={"sort": "id_number"})
    assert bad.status_code == 400
    assert accounts("reviewer").get("/admin/certificates/page").status_code == 403
