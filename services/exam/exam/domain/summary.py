"""The score summary sheet (成绩汇总表) of a session-room (T4, 002 二(八)):
"考核结束后，由记录人员在监督人员的监督下进行成绩汇总、统计，通过四川省技能人才
管理系统导出“成绩汇总表”模板录入成绩，核分员核查无误后签字确认。考核组织机构将
成绩汇总表盖章扫描上传至四川省技能人才管理系统，并将纸质件存档保管。"

The sheet's life: the recorder (记录员) totals the scores under the overseer's
(监督人员) eye (``totalled``), the score checker (核分员, not one of the
session's assessors) checks it and the stamped, signed scan is uploaded
(``checked``: the room's results count), the paper is archived (``archived``).
"""
from kernel import files
from kernel.errors import Conflict, Forbidden, RuleViolation

TOTALLED, CHECKED, ARCHIVED = "totalled", "checked", "archived"
COUNTS = (CHECKED, ARCHIVED)             # a sheet whose results count (published, final)

# the columns of the exported template, in order (the signatures are left blank)
COLUMNS = ("序号", "准考证号", "姓名", "身份证号", "考核项目", "上机考核成绩")
SIGNATURE_COLUMNS = ("考生签名",)
FOOTER = ("记录员（签字）", "监督人员（签字）", "核分员（签字）", "考核组织机构（盖章）")


def check_totalling(status):
    """The recorder totals a sheet (again) until it is checked."""
    if status in COUNTS:
        raise Conflict("SCORES_VERIFIED", "the score summary of this session-room is checked: "
                       "its totals stand", field="room_code", rule="T4")


def check_checker(checker_id_number, session_assessors):
    """T4: the score checker (核分员) is not one of the session's assessors."""
    if checker_id_number.strip().upper() in {a.strip().upper() for a in session_assessors}:
        raise Forbidden("SCORE_CHECKER_IS_ASSESSOR", "the score checker (核分员) must not be "
                        "one of the assessors of this session", field="checker_id_number",
                        rule="T4")


def check_checkable(status):
    """T4: the checker checks a totalled sheet, once."""
    if status in COUNTS:
        raise Conflict("SCORES_VERIFIED", "this session-room is already checked",
                       field="room_code", rule="T4")
    if status != TOTALLED:
        raise RuleViolation("SUMMARY_NOT_TOTALLED", "the recorder has not totalled this "
                            "session-room's scores (成绩汇总) yet", field="room_code",
                            rule="T4")


def check_totals_stand(totals, finals):
    """T4: the checker checks the figures the recorder totalled; a score changed
    since means totalling again."""
    if {k: v for k, v in totals.items()} != finals:
        raise Conflict("SUMMARY_TOTALS_CHANGED", "the scores changed after the recorder "
                       "totalled them: total the session-room again", field="room_code",
                       rule="T4")


def check_scan(scan, known):
    """T4: approving needs the stamped, signed sheet's scan, uploaded first."""
    if not scan:
        raise RuleViolation("SUMMARY_SCAN_REQUIRED", "the checked score summary's stamped and "
                            "signed scan must be uploaded (upload_summary_scan) and named",
                            field="scan", rule="T4")
    if not known:
        raise RuleViolation("SUMMARY_SCAN_NOT_FOUND", "no scan with this reference was "
                            "uploaded", field="scan", rule="T4")


def check_archivable(status, archived):
    """T4: the paper sheet is archived after the check, once."""
    if status not in COUNTS:
        raise RuleViolation("SUMMARY_NOT_CHECKED", "the score summary is archived once it is "
                            "checked", field="room_code", rule="T4")
    if archived:
        raise Conflict("SUMMARY_ARCHIVED", "the paper score summary is already archived",
                       field="room_code", rule="T4")


def rows(candidates, project_name, finals):
    """The sheet's rows, in ticket order: candidates [{ticket_number, name,
    id_number, attendance, computer (tenths or None)}]; finals {ticket: tenths}
    once totalled. Absent candidates read 缺考."""
    out = []
    for n, c in enumerate(sorted(candidates, key=lambda c: c["ticket_number"]), start=1):
        absent = c["attendance"] != "present"
        final = finals.get(c["ticket_number"])
        out.append({"n": n, "ticket_number": c["ticket_number"], "name": c["name"],
                    "id_number": c["id_number"], "project": project_name,
                    "computer": None if c.get("computer") is None else c["computer"] / 10,
                    "practical": [None if p is None else p / 10 for p in c.get("practical", [])],
                    "final": "缺考" if absent else (None if final is None else final / 10)})
    return out


SCAN_KINDS = ("jpeg", "png", "pdf")


def check_scan_file(data, max_bytes, field="content_base64"):
    """T4: the scan of the stamped, signed sheet is an image (JPG, PNG) or a PDF
    that opens, of at most ``max_bytes`` (the setting EXAM_SUMMARY_SCAN_MAX_BYTES:
    the notice sets no size for it). Returns the kind."""
    if not data:
        raise RuleViolation("FILE_EMPTY", "the scan is empty", field=field, rule="T4")
    kind = files.sniff(data)
    if kind not in SCAN_KINDS:
        raise RuleViolation("FILE_TYPE", "the score summary's scan must be a JPG, PNG or PDF",
                            field=field, rule="T4", details={"detected": kind})
    if len(data) > max_bytes:
        raise RuleViolation("FILE_SIZE", f"the scan is {len(data):,} bytes, more than "
                            f"{max_bytes:,}", field=field, rule="T4",
                            details={"size": len(data), "max": max_bytes})
    if not files.check_pixels(kind, data, "receipt", field=field, rule="T4"):
        raise RuleViolation("FILE_CORRUPT", f"the scan looks like {kind.upper()} but does not "
                            "open", field=field, rule="T4")
    return kind
