"""The institution operator's and the municipal center's console routes (#16):
their tables page, sort and filter on the server; an operator never reaches
another institution's, a municipal center never another region's."""
import pytest

from kernel.errors import ValidationFailed

from gateway.handlers.instops import page_of
from gateway.routes_instops import ROUTES

from .conftest import BATCH, INSTITUTION

ROWS = [{"name": "王五", "status": "paid", "amount_fen": 30000},
        {"name": "张三", "status": "submitted", "amount_fen": None},
        {"name": "李四", "status": "paid", "amount_fen": 10000}]


def test_a_page_is_filtered_then_sorted_then_cut():
    out = page_of(ROWS, {"sort": "-amount_fen", "page": 1, "size": 2}, ("name", "amount_fen"))
    assert [r["name"] for r in out["items"]] == ["王五", "李四"]     # None last
    assert (out["total"], out["page"], out["size"]) == (3, 1, 2)
    second = page_of(ROWS, {"sort": "-amount_fen", "page": 2, "size": 2}, ("name", "amount_fen"))
    assert [r["name"] for r in second["items"]] == ["张三"]
    found = page_of(ROWS, {"q": "李", "page": 1, "size": 20}, ("name",), search=("name",))
    assert [r["name"] for r in found["items"]] == ["李四"] and found["total"] == 1
    with pytest.raises(ValidationFailed) as err:
        page_of(ROWS, {"sort": "id_number"}, ("name",))
    assert err.value.field == "sort"


def test_an_operator_is_refused_every_console_route_of_another_institution(suite_gateway,
                                                                            accounts):
    operator = accounts("institution_operator")
    params = {"batch_code": BATCH, "period_code": "2025-2"}
    routes = [r for r in ROUTES if "{institution_code}" in r.path]
    assert len(routes) >= 9
    for route in routes:
        path = route.path.replace("{certificate_number}", "51-2026-000001")
        taken = {k: v for k, v in params.items()
                 if route.query and k in route.query().fields}
        r = operator.get(path.replace("{institution_code}", "inst-02"), params=taken)
        assert (r.status_code, r.json()["code"]) == (403, "OTHER_INSTITUTION"), path
    mine = operator.get(f"/institutions/{INSTITUTION}/results",
                        params={"batch_code": BATCH, "size": 5})
    assert mine.status_code == 200, mine.text
    assert mine.json() == {"items": [], "total": 0, "page": 1, "size": 5}
    bad = operator.get(f"/institutions/{INSTITUTION}/payment-items",
                       params={"batch_code": BATCH, "sort": "id_number"})
    assert (bad.status_code, bad.json()["field"]) == (400, "sort")


def test_a_municipal_center_sees_only_its_own_region(suite_gateway, accounts):
    center = accounts("municipal_center", region="510600")
    for path in ("/municipal/assessor-applications", "/municipal/standing"):
        r = center.get(path, params={"period_code": "2025-2", "region": "510100"})
        assert (r.status_code, r.json()["code"]) == (403, "OTHER_REGION"), path
    admin = accounts("provincial_center")
    r = admin.get("/municipal/standing", params={"period_code": "2025-2"})
    assert (r.status_code, r.json()["field"]) == (400, "region")
