"""Sample data for tests and demos of the assessor-training service (used by its
service tests and by tests/e2e): a unit, uploaded files, a declaration form that
passes every rule, and the review chain walked step by step.

The dates are the 2025 second period of the notice (data/periods.json):
applications 05-07..05-13, reviews by 05-13 / 05-15 / 05-16, study 05-19..06-04,
exam 06-06.
"""
import base64
import uuid

from kernel.testing import sample_id_number, sample_photo, sample_scan

PERIOD = "2025-2"
APPLYING = "2025-05-12"        # inside the application window, before every deadline
EXAM_DAY = "2025-06-06"
STUDY_DAY = "2025-05-20"

# 工作简介: 30 characters a sentence, ten sentences: 300 characters, no whitespace
_SENTENCE = "本人长期从事大数据分析与数据治理工作，负责项目实施与人员培训考核。"


def work_summary(chars=300):
    """A work summary of exactly ``chars`` counted characters (plus some whitespace,
    which does not count)."""
    body = (_SENTENCE * (chars // len(_SENTENCE) + 1))[:chars]
    return "\n".join(body[i:i + 50] for i in range(0, len(body), 50)) + "  \u3000"


def sample_unit(code="unit-chengdu", region="510100", kind="filed", accepted=None, **extra):
    unit = {"code": code, "name": f"测试推荐单位{code}", "kind": kind, "region": region,
            "filing_accepted_on": accepted, "address": "成都市武侯区科园三路4号",
            "contact": "028-86136211"}
    unit.update(extra)
    return unit


def upload_files(rpc, seed=7):
    """Upload one photo and one scan; returns {"photo": hash, "scan": hash}."""
    def up(purpose, content):
        return rpc.assessor_training.upload_material({
            "purpose": purpose, "content_base64": base64.b64encode(content).decode()})["hash"]
    return {"photo": up("photo", sample_photo(seed)), "scan": up("scan", sample_scan(seed))}


def sample_application(files, seq=1, unit="unit-chengdu", unit_kind="filed", accepted=None,
                       projects=("bigdata-analysis", "bigdata-cleaning"), birth="19800101",
                       **overrides):
    """A declaration form (申报表) that passes every rule: condition (1) with a
    senior-level qualification, condition (4) with 12 years of related work."""
    scan = files["scan"]
    form = {
        "idempotency_key": uuid.uuid4().hex,
        "period_code": PERIOD,
        "filled_on": "2025-05-08",
        "person": {
            "name": "李考评", "id_number": sample_id_number(birth, seq),
            "phone": "13900139000", "education": "bachelor",
            "work_unit": "成都数据科技有限公司", "professional_years": 12,
            "address": "成都市高新区天府大道100号", "region": "成都市",
            "title": {"level": "intermediate", "specialty": "计算机应用", "certificate": scan},
            "qualifications": [{"kind": "skill_level", "level": "senior",
                                "occupation": "大数据工程技术人员", "certificate_number": "S0001",
                                "certificate": scan}],
        },
        "unit": {"code": unit, "kind": unit_kind, "filing_accepted_on": accepted},
        "projects": list(projects),
        "conditions": [{"condition": 1, "evidence": [scan]},
                       {"condition": 4, "evidence": [scan]}],
        "work_summary": work_summary(),
        "materials": {"photo": files["photo"], "declaration_form": scan, "id_card_copy": scan,
                      "social_insurance_proof": scan},
        "pledge": {"signed": True, "signed_on": "2025-05-08"},
    }
    form.update(overrides)
    return form


def review(application, step, authority, decision="approve", reason=None, **extra):
    out = {"idempotency_key": uuid.uuid4().hex, "application_id": application["id"],
           "step": step, "authority": authority, "reviewer": f"{step} reviewer",
           "decision": decision, "reason": reason}
    if reason is None:
        out["reason"] = "同意推荐" if decision == "approve" else "不符合申报条件"
    out.update(extra)
    return out


def walk_chain(rpc, application, until="provincial"):
    """Approve each step of the application's chain up to and including ``until``."""
    app = application
    for step in app["chain"]:
        authority = {"unit": app["unit_code"], "municipal": app["region"]}.get(step, step)
        app = rpc.assessor_training.review_application(review(app, step, authority))
        if step == until:
            break
    return app


def study(rpc, application, hours, day=STUDY_DAY):
    return rpc.assessor_training.record_study_hours({
        "idempotency_key": uuid.uuid4().hex, "application_id": application["id"],
        "studied_on": day, "hours": hours, "course": "考评员工作流程标准视频学习"})
