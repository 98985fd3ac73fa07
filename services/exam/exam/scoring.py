"""The score summary sheet (成绩汇总表) of a session-room (T4, 002 二(八)), a
mixin of ExamService (exam.service), as exam.catalogue is: the recorder
totals under the overseer's eye (``total_scores``), the sheet is exported
as an .xlsx template (``export_score_summary``), the score checker checks it
and names the uploaded stamped scan (``upload_summary_scan``,
``verify_scores``: the room's results then count), the paper is archived
(``archive_score_summary``). The project's assessment (computer-based, or
with an on-site practical part) is the setting EXAM_PROJECT_ASSESSMENT."""
import base64

from kernel import files, settings, uploads
from kernel.commands import command
from kernel.entrypoints import rpc
from kernel.projects import catalogue
from kernel.schemas import load

from exam import schemas, store, summary_xlsx
from exam.domain import scores, summary
from exam.domain.checkin import Attendance

SCAN_MAX_BYTES = 5 * 1024 * 1024        # the default of EXAM_SUMMARY_SCAN_MAX_BYTES


def project_name(code):
    return next((p["name_zh"] for p in catalogue() if p["code"] == code), code)


class ScoreSummaryEntrypoints:

    def _assessment(self, project_code):
        """The project's assessment (T4): EXAM_PROJECT_ASSESSMENT, docs/exam.md."""
        return scores.assessment(settings.get(self.config, "EXAM_PROJECT_ASSESSMENT"),
                                 project_code)

    def _room(self, data):
        key = (self._batch(data["batch_code"]).code, data["session_code"], data["room_code"])
        seats = store.scores.session_seats(self.db, *key)
        scores.check_room_seated(seats)
        return key, seats

    def _finals(self, key, seats):
        present = [s["application_id"] for s in seats.values()
                   if s["attendance"] == Attendance.PRESENT]
        rule = self._assessment(store.summary.room_project(self.db, *key))
        return present, scores.room_results(
            present, store.dispatch.assessors(self.db, *key) if rule["practical_part"] else [],
            store.scores.parts(self.db, present), rule)

    @rpc
    @command(schemas.TotalSchema)
    def total_scores(self, data):
        """The recorder (记录员) totals the session-room's scores under the overseer's
        (监督人员) eye: every present candidate has what the project's assessment
        needs; the totals go on the score summary. Again until it is checked."""
        key, seats = self._room(data)
        row = store.summary.get(self.db, *key)
        summary.check_totalling(row and row.status)
        _, finals = self._finals(key, seats)
        row = store.summary.total(self.db, row, key, finals, data["recorder"], data["overseer"])
        return store.summary.view(row)

    @rpc
    def export_score_summary(self, batch_code, session_code, room_code):
        """The 成绩汇总表 of a session-room as an .xlsx template: candidates, their
        scores (the totals once the recorder has totalled), columns to sign."""
        key, seats = self._room({"batch_code": batch_code, "session_code": session_code,
                                 "room_code": room_code})
        batch, project = self._batch(batch_code), store.summary.room_project(self.db, *key)
        rule, row = self._assessment(project), store.summary.get(self.db, *key)
        assessors = store.dispatch.assessors(self.db, *key) if rule["practical_part"] else []
        names = {a: (store.dispatch.staff(self.db, *key, a).name) for a in assessors}
        parts = store.scores.parts(self.db, [s["application_id"] for s in seats.values()])
        totals = row.totals if row else {}
        cands = [dict(s, computer=parts.get(s["application_id"], {}).get((scores.COMPUTER, "")),
                      practical=[parts.get(s["application_id"], {}).get((scores.PRACTICAL, a))
                                 for a in assessors]) for s in seats.values()]
        rows = summary.rows(cands, project_name(project),
                            {t: totals[s["application_id"]] for t, s in seats.items()
                             if s["application_id"] in totals})
        content = summary_xlsx.render({"batch_code": batch.code, "exam_date": batch.exam_date,
                                       "session": session_code, "room": room_code,
                                       "project": project_name(project),
                                       "status": row and row.status}, rows,
                                      [names[a] for a in assessors])
        return {"filename": f"成绩汇总表-{batch.code}-{session_code}-{room_code}.xlsx",
                "media_type": summary_xlsx.XLSX,
                "content_base64": base64.b64encode(content).decode()}

    @rpc
    def upload_summary_scan(self, upload, uploader=None):
        """The scan of the stamped, signed score summary (JPG, PNG or PDF), checked
        by content and kept by hash; verify_scores names it."""
        data = load(schemas.SummaryScanSchema(), upload)
        content = uploads.decode_base64(data["content_base64"])
        kind = summary.check_scan_file(content, int(settings.get(
            self.config, "EXAM_SUMMARY_SCAN_MAX_BYTES", SCAN_MAX_BYTES)))
        key = self.blobs.put(content)
        media_type = files.MEDIA_TYPES[kind]
        store.summary.add_scan(self.db, key, media_type, len(content), uploader)
        return {"hash": key, "media_type": media_type, "size": len(content)}

    @rpc
    @command(schemas.VerifySchema)
    def verify_scores(self, data):
        """The score checker (核分员, not one of the session's assessors) checks the
        totalled summary and names its stamped, signed scan: the room's final
        scores then count. Rejecting clears the room's scores and its totals to be
        entered again."""
        key, seats = self._room(data)
        answer = {"batch_code": key[0], "session_code": key[1], "room_code": key[2]}
        summary.check_checker(data["checker_id_number"],
                              store.dispatch.session_assessors(self.db, key[0], key[1]))
        row = store.summary.get(self.db, *key)
        if row is not None and row.status in summary.COUNTS:
            summary.check_checkable(row.status)
        present = [s["application_id"] for s in seats.values()
                   if s["attendance"] == Attendance.PRESENT]
        if not data["approve"]:
            store.summary.clear(self.db, row)
            return dict(answer, status="rejected", cleared=store.scores.clear(self.db, present),
                        note=data["note"])
        summary.check_checkable(row and row.status)
        summary.check_scan(data["scan"], store.summary.scan_known(self.db, data["scan"]))
        _, finals = self._finals(key, seats)
        summary.check_totals_stand(row.totals, finals)
        store.scores.count_results(self.db, key[0], finals)
        store.summary.check(self.db, row, data)
        return dict(answer, status="verified", checker=data["checker"], results=len(finals),
                    passed=sum(scores.passed(f) for f in finals.values()))

    @rpc
    @command(schemas.ArchiveSchema)
    def archive_score_summary(self, data):
        """The checked paper sheet is archived (纸质件存档保管): who, where, when."""
        key = (self._batch(data["batch_code"]).code, data["session_code"], data["room_code"])
        row = store.summary.get(self.db, *key)
        summary.check_archivable(row and row.status, bool(row and row.archived))
        store.summary.archive(self.db, row, data["archived_by"], data["location"])
        return store.summary.view(row)

    @rpc
    def get_score_summary(self, batch_code, session_code, room_code):
        """A session-room's score summary: totalled, checked, archived (who, when)."""
        key = (self._batch(batch_code).code, session_code, room_code)
        return store.summary.view(store.summary.get(self.db, *key), key)
