"""Units' and municipal centers' track record (A7), as the notice's 八 says:

(一) "因审核不细致、把关不严出现批量不符合申报条件人员的市（州），省职鉴中心将减少参培人员名额":
a municipal center whose review let through applications found ineligible
afterwards (``ineligible_passed`` events) is due for fewer places once a period
holds a batch of them (``Policy.ineligible_batch``); the provincial center
decides the cut (a municipal places row), which is then enforced.

(二) "对审核把关不严、个人信息填报不准确、多次推荐被退回的单位将予以通报，并不再接受参培人员推荐":
a unit's events are its returned recommendations (``returned``) and the
findings the centers record (``lax_review``, ``inaccurate_information``); past
``Policy.returns_for_notice`` returns or ``Policy.findings_for_notice`` findings
it is ``due_for_notice``; the provincial center names it (通报: who, when, why),
and from then on its recommendations are not accepted (``not_accepted``)."""
from kernel.errors import Conflict, Forbidden, RuleViolation

UNIT_EVENTS = ("returned", "lax_review", "inaccurate_information")
MUNICIPAL_EVENTS = ("ineligible_passed",)
FINDINGS = {"unit": ("lax_review", "inaccurate_information"),
            "municipal": MUNICIPAL_EVENTS}
STANDINGS = ("good", "due_for_notice", "not_accepted")


def returned_against(step, decision, chain):
    """The events a review decision records (A7): a municipal or provincial
    rejection returns the unit's recommendation (``returned`` against the unit);
    a provincial rejection after a municipal approval is an application the
    municipal center let through (``ineligible_passed`` against its region)."""
    if decision != "reject" or step == "unit":
        return []
    out = [("unit", "returned")]
    if step == "provincial" and "municipal" in chain:
        out.append(("municipal", "ineligible_passed"))
    return out


def unit_standing(counts, notices, policy):
    """A7 (二): a unit's record from its events (``counts``: {kind: n}) and its
    通报 (``notices``, oldest first)."""
    returns = counts.get("returned", 0)
    findings = sum(counts.get(k, 0) for k in FINDINGS["unit"])
    if notices:
        verdict = "not_accepted"
    elif returns >= policy.returns_for_notice or findings >= policy.findings_for_notice:
        verdict = "due_for_notice"
    else:
        verdict = "good"
    return {"returned": returns, "findings": findings, "notices": list(notices),
            "standing": verdict,
            "thresholds": {"returns_for_notice": policy.returns_for_notice,
                           "findings_for_notice": policy.findings_for_notice}}


def municipal_standing(region, ineligible, places, used, policy):
    """A7 (一): a municipal center in a period: the applications it let through
    that were found ineligible, whether that is a batch, and the places the
    provincial center left it (None: no cut)."""
    return {"region": region, "ineligible_passed": ineligible,
            "batch": policy.ineligible_batch, "due_for_cut": ineligible >= policy.ineligible_batch,
            "places": places, "used": used}


def check_finding(subject, kind):
    if kind not in FINDINGS.get(subject, ()):
        raise RuleViolation("FINDING_KIND_UNKNOWN", f"a finding against a {subject} is one of "
                            f"{', '.join(FINDINGS.get(subject, ()))}", field="kind", rule="A7",
                            details={"allowed": list(FINDINGS.get(subject, ()))})


def check_not_named(unit, record):
    if record["standing"] == "not_accepted":
        raise Conflict("UNIT_ALREADY_NAMED", f"{unit['name']} was already named (通报) on "
                       f"{record['notices'][0]['named_on']}", field="unit_code", rule="A7")


def check_not_barred(unit, record):
    """A7 (二) "不再接受参培人员推荐": a named unit recommends no one."""
    if record["standing"] == "not_accepted":
        notice = record["notices"][0]
        raise Forbidden("UNIT_BARRED", f"{unit['name']} was named (通报) on "
                        f"{notice['named_on']} and no longer recommends applicants",
                        field="unit.code", rule="A7", details={"notice": notice})


def check_places(unit, used, allowed, record):
    """The unit's places in a period (a setting; the notice has none per unit)."""
    if used >= allowed:
        raise RuleViolation("UNIT_PLACES_EXHAUSTED", f"{unit['name']} has used its {allowed} "
                            "places in this period", field="application_id", rule="A7",
                            details={"places": allowed, "used": used})


def check_municipal_places(region, used, places):
    """A7 (一): a municipal center whose places were cut approves at most that many."""
    if places is not None and used >= places:
        raise RuleViolation("MUNICIPAL_PLACES_EXHAUSTED", f"the municipal center {region} has "
                            f"used the {places} places the provincial center left it in this "
                            "period", field="application_id", rule="A7",
                            details={"places": places, "used": used})
