"""Service tests over the real broker and database: admission tickets (T1) read
back from the PDF (text, embedded fonts, the rendered page and its QR code),
check-in (T2) and no-shows."""
import base64

import pytest

from kernel.documents import decode_qr, pdf_fonts, pdf_text, render_page
from kernel.errors import Forbidden, NotFound, RuleViolation

from exam import testing as t

INSTITUTION = "inst-02"          # 四川省科教兴川促进会 in registration's reference data


def pdf_of(answer):
    assert answer["media_type"] == "application/pdf"
    return base64.b64decode(answer["content_base64"])


def test_T1_tickets_for_individuals_in_the_window_and_institutions_all_at_once(
        exam, registration, play, rpc, start_exam):
    cands = play.seat(12, institution_of=lambda i: INSTITUTION if i >= 10 else None,
                      photo=play.photo(5))
    seats = play.seats()
    me = cands[0]
    with pytest.raises(RuleViolation) as err:              # 11-19: the window opens 11-30
        rpc.exam.download_ticket(me["id_number"], me["name"])
    assert (err.value.code, err.value.rule) == ("TICKET_WINDOW_CLOSED", "T1")

    start_exam(t.TICKET_DAY)
    with pytest.raises(NotFound) as err:                   # the name must match the ID number
        rpc.exam.download_ticket(me["id_number"], "别人")
    assert err.value.code == "TICKET_NOT_FOUND"
    with pytest.raises(Forbidden) as err:                  # the institution hands it out
        rpc.exam.download_ticket(cands[10]["id_number"], cands[10]["name"])
    assert (err.value.code, err.value.rule) == ("TICKET_VIA_INSTITUTION", "T1")

    answer = rpc.exam.download_ticket(me["id_number"].lower(), f" {me['name']} ")
    number = seats[me["application_id"]]["ticket_number"]
    assert answer["tickets"] == [number]
    pdf = pdf_of(answer)
    text = pdf_text(pdf)
    for expected in ("准", "考", "证", number, me["name"], me["id_number"], "大数据运行平台搭建",
                     "2026年12月5日", "上午 09:00–11:00", "第R1考场", "成都市青羊区鉴定考点3楼",
                     "考生须知", "第二代居民身份证", "个人报名"):
        assert expected in text, expected
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded for _, embedded in fonts)      # any viewer shows the text
    page = render_page(pdf, scale=3)
    assert page.size[0] < page.size[1]                           # A4 portrait
    assert decode_qr(page) == [number]
    px = page.size[0] / 210                                      # pixels per mm
    ink = page.convert("L").crop((int(60 * px), int(20 * px), int(150 * px), int(35 * px)))
    assert ink.getextrema()[0] < 80                              # the title was drawn
    photo = page.convert("RGB").getpixel((int(165 * px), int(78 * px)))
    assert photo != (255, 255, 255)                              # the photo is on the page

    printed = rpc.exam.institution_tickets({"institution_code": INSTITUTION,
                                            "batch_code": t.BATCH})
    assert (printed["count"], printed["late"], printed["hand_out_by"]) == (2, False,
                                                                           "2026-12-03")
    pages = pdf_text(pdf_of(printed)).split("\f")
    assert len(pages) == 2
    for page_text, c in zip(pages, sorted(cands[10:], key=lambda c: seats[
            c["application_id"]]["ticket_number"])):
        assert c["name"] in page_text and "四川省科教兴川促进会" in page_text

    start_exam("2026-12-04")                               # after the hand-out day: late
    assert rpc.exam.institution_tickets({"institution_code": INSTITUTION,
                                         "batch_code": t.BATCH})["late"] is True
    log = rpc.exam.ticket_prints(t.BATCH)
    assert [(p["channel"], p["tickets"], p["late"]) for p in log["prints"]] == [
        ("individual", 1, False), ("institution", 2, False), ("institution", 2, True)]
    status = rpc.exam.institution_ticket_status(t.BATCH, INSTITUTION)   # its console's line
    assert (status["hand_out_by"], status["candidates"], status["exam_date"]) == (
        "2026-12-03", 2, "2026-12-05")
    assert [p["late"] for p in status["prints"]] == [False, True]
    assert rpc.exam.institution_ticket_status(t.BATCH, "another")["prints"] == []


def test_T1_an_institutions_tickets_come_in_parts_of_at_most_TICKETS_PER_PDF(
        exam, registration, play, rpc, start_exam, monkeypatch):
    """Thousands of tickets are not one PDF: part n of the tickets in ticket-number
    order, the console told how many parts there are; a part past the last is a
    structured error."""
    from exam.domain import tickets
    monkeypatch.setattr(tickets, "TICKETS_PER_PDF", 5)
    play.seat(12, institution_of=lambda i: INSTITUTION, photo=play.photo(6))
    seats = play.seats()
    start_exam(t.TICKET_DAY)
    status = rpc.exam.institution_ticket_status(t.BATCH, INSTITUTION)
    assert (status["candidates"], status["per_pdf"], status["parts"]) == (12, 5, 3)
    got = []
    for part in (1, 2, 3):
        out = rpc.exam.institution_tickets({"institution_code": INSTITUTION,
                                            "batch_code": t.BATCH, "part": part})
        assert (out["part"], out["parts"], out["total"]) == (part, 3, 12)
        assert out["filename"].endswith(f"-{part}of3.pdf")
        assert len(pdf_text(pdf_of(out)).split("\f")) == out["count"] == (5 if part < 3 else 2)
        got += out["tickets"]
    assert got == sorted(s["ticket_number"] for s in seats.values())    # each once, in order
    with pytest.raises(NotFound) as err:
        rpc.exam.institution_tickets({"institution_code": INSTITUTION, "batch_code": t.BATCH,
                                      "part": 4})
    assert (err.value.code, err.value.rule, err.value.field) == ("TICKET_PART_NOT_FOUND", "T1",
                                                                 "part")
    assert err.value.details == {"parts": 3, "per_pdf": 5}
    assert [p["tickets"] for p in rpc.exam.institution_ticket_status(
        t.BATCH, INSTITUTION)["prints"]] == [5, 5, 2]


def test_T2_check_in_with_the_ticket_and_the_candidates_own_valid_id_card(
        exam, play, rpc, start_exam):
    cands = play.seat(10)
    seats = play.seats()
    me, other = cands[0], cands[1]
    ticket = seats[me["application_id"]]["ticket_number"]
    start_exam(t.EXAM_DAY)

    def check_in(**document):
        doc = {"type": "resident_id_card_2g", "number": me["id_number"],
               "expires_on": "2030-01-01"}
        doc.update(document)
        return rpc.exam.check_in({"ticket_number": ticket, "document": doc})

    with pytest.raises(Forbidden) as err:                  # someone else's ID card
        check_in(number=other["id_number"])
    assert (err.value.code, err.value.rule) == ("ID_MISMATCH", "T2")
    with pytest.raises(RuleViolation) as err:              # 2026: the ID card only
        check_in(type="social_security_card")
    assert (err.value.code, err.value.field) == ("ID_DOCUMENT_NOT_ACCEPTED", "document.type")
    with pytest.raises(RuleViolation) as err:
        check_in(expires_on="2026-12-01")
    assert err.value.code == "ID_DOCUMENT_EXPIRED"
    with pytest.raises(NotFound):
        rpc.exam.check_in({"ticket_number": "2612009999999", "document": {
            "type": "resident_id_card_2g", "number": me["id_number"]}})
    assert rpc.exam.get_candidate(me["application_id"])["attendance"] is None   # unchanged

    assert check_in()["attendance"] == "present"
    assert check_in()["attendance"] == "present"           # twice: the same answer
    assert rpc.exam.get_candidate(me["application_id"])["checked_in"]["document"] == \
        "resident_id_card_2g"

    assert rpc.exam.mark_no_shows(today=t.EXAM_DAY) == {"absent": {}}   # the day is not over
    assert rpc.exam.mark_no_shows(today="2026-12-06") == {"absent": {t.BATCH: 9}}
    assert rpc.exam.mark_no_shows(today="2026-12-06") == {"absent": {}}  # twice: no-op
    attendance = {c["application_id"]: c["attendance"]
                  for c in rpc.exam.get_roster(t.BATCH)["candidates"]}
    assert attendance[me["application_id"]] == "present"
    assert sorted(attendance.values()).count("absent") == 9
