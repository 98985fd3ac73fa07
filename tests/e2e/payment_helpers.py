"""Helpers for the payment end-to-end test: a registration application built
the way a candidate would (materials uploaded first), and the approval the
review service would publish for it."""
import base64

from kernel.testing import sample_id_number, sample_photo, sample_scan

SCANS = ("application_form", "integrity_pledge", "education_proof", "id_card_front",
         "id_card_back")


def upload_materials(rpc, seed):
    """The photo (M1) and the five scans (M2), uploaded to registration."""
    def up(purpose, content):
        return rpc.registration.upload_material({
            "purpose": purpose, "content_base64": base64.b64encode(content).decode()})["hash"]
    out = {"photo": up("photo", sample_photo(seed)), "education_proof_kind": "diploma"}
    for n, kind in enumerate(SCANS):
        out[kind] = up("scan", sample_scan(seed * 10 + n))
    return out


def application(materials, batch, project, name, seq, channel="individual",
                institution_code=None):
    payload = {
        "batch_code": batch, "project_code": project, "channel": channel,
        "person": {"name": name, "id_number": sample_id_number("19920520", seq),
                   "education": "high_school", "phone": "13800138000",
                   "work_unit": "成都某科技有限公司"},
        "claim": {"alternative": "education", "computer_skills": True},
        "materials": materials, "candidate_pledge": True,
    }
    if channel == "institution":
        payload.update(institution_code=institution_code, first_review={
            "reviewer": "机构初审员", "reviewed_on": "2026-10-30", "opinion": "pass",
            "pledge": True})
    return payload


def approved(app, actor="复审员A"):
    """review.application_approved for a registration application (the brief's contract)."""
    return {"application_id": app["id"], "batch_code": app["batch_code"],
            "project_code": app["project_code"], "channel": app["channel"],
            "institution_code": app["institution_code"], "id_number": app["id_number"],
            "name": app["name"], "actor": actor, "reason": None,
            "decided_at": "2026-11-10T02:00:00+00:00"}
