"""The roster workbook and its zip (gateway.roster_workbook, pure): the template,
reading it back with openpyxl, each row's faults with rule ID and cell."""
import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from kernel.testing import sample_id_number, sample_photo, sample_scan

from gateway import roster_workbook as rw

PROJECT = "私域流量运营"
CODE = "private-domain-traffic-operation"


def context(**kw):
    base = dict(batch_code="2026-12", exam_date=date(2026, 12, 12),
                projects={PROJECT: CODE, CODE: CODE, "大数据分析": "bigdata-analysis"},
                authorised={CODE}, conditions={CODE: ["education", "occupation"]},
                condition_ids={CODE: "E8"}, photo_max=rw.files.PHOTO_MAX,
                first_review={"reviewer": "张老师", "reviewed_on": "2026-11-01",
                              "opinion": "pass", "pledge": True})
    base.update(kw)
    return rw.Context(**base)


def row(**over):
    values = {"seq": "1", "name": "王小明", "id_number": sample_id_number(seq=1),
              "project": PROJECT, "education": "本科", "major": "市场营销", "occupation": "",
              "work_unit": "成都某公司", "phone": "13800138000", "alternative": "学历条件",
              "computer_skills": "是", "current_graduate": "否", "skills": "",
              "proof_kind": "学信网在线学籍证明报告"}
    values.update(over)
    return values


def workbook(rows, title=False, numeric_id=False):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["考核人员花名册"])
    ws.append([c.header for c in rw.COLUMNS])
    for r in rows:
        line = [r.get(c.key, "") for c in rw.COLUMNS]
        if numeric_id:
            line[2] = int(r["id_number"][:15])
        ws.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def archive(numbers, skip=(), photo=None, scan=None, gbk=False):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in sorted(set(numbers)):
            if "photo" not in skip:
                z.writestr(f"photos/{n}.jpg", photo or sample_photo(1))
            for slot in rw.SCAN_ZH:
                if slot not in skip:
                    z.writestr(f"{n}-{rw.FILE_SLOTS[slot][0]}.jpg", scan or sample_scan(1))
        z.writestr("readme.txt", b"x")
    return out.getvalue()


def check(values_list, zipped=None, ctx=None):
    _, rows = rw.read_workbook(workbook(values_list))
    data = zipped if zipped is not None else archive([v["id_number"] for v in values_list])
    arch, found, ignored = rw.read_zip(data)
    for entries in found.values():
        for slot, entry in entries.items():
            entry.fault = rw.check_file(arch.read(entry.name_in_zip),
                                        "photo" if slot == "photo" else "scan", rw.files.PHOTO_MAX)
    return rw.check_rows(rows, ctx or context(), found), ignored


def codes(entry):
    return [(f["code"], f["rule"], f["cell"]) for f in entry["faults"]]


def test_the_template_has_the_chinese_headers_and_reads_back_with_openpyxl():
    data = rw.template([PROJECT, "大数据分析"], "四川某培训学校", "2026-12")
    wb = load_workbook(io.BytesIO(data))
    ws = wb["考核人员花名册"]
    assert [c.value for c in ws[1]] == [c.header for c in rw.COLUMNS]
    assert ws["C2"].number_format == "@"          # 身份证号 as text
    notes = [str(c.value) for r in wb["填写说明"].iter_rows() for c in r if c.value]
    assert PROJECT in notes and any("个人申报表" in n for n in notes)
    positions, rows = rw.read_workbook(data)
    assert rows == [] and positions["id_number"] == 2


def test_a_valid_row_becomes_the_services_request():
    [entry], ignored = check([row()])
    assert entry["faults"] == []
    request = entry["request"]
    assert request["project_code"] == CODE and request["person"]["education"] == "bachelor"
    assert request["claim"] == {"alternative": "education", "computer_skills": True,
                                "current_graduate": False, "skills": []}
    assert set(request["materials"]) == set(rw.FILE_SLOTS) | {"education_proof_kind"}
    assert request["materials"]["education_proof_kind"] == "chsi_report"
    assert request["first_review"]["pledge"] is True
    assert ignored == ["readme.txt"]


def test_a_title_row_above_the_headers_and_empty_rows_are_skipped():
    data = workbook([row(), {}, row(id_number=sample_id_number(seq=2))], title=True)
    _, rows = rw.read_workbook(data)
    assert [r.number for r in rows] == [3, 5]


def test_R2_an_id_number_that_is_wrong_points_at_its_cell():
    good = sample_id_number(seq=1)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    [entry], _ = check([row(id_number=bad)])
    assert ("ID_NUMBER_INVALID", "R2", "C2") in codes(entry)
    assert "身份证号" in entry["faults"][0]["message"]


def test_R2_an_id_number_excel_stored_as_a_number_is_refused():
    _, rows = rw.read_workbook(workbook([row()], numeric_id=True))
    [entry] = rw.check_rows(rows, context(), {})
    assert codes(entry)[0] == ("ID_NUMBER_INVALID", "R2", "C2")
    assert "文本" in entry["faults"][0]["message"]


def test_R2_under_16_on_the_exam_date():
    [entry], _ = check([row(id_number=sample_id_number(birth="20110101"))])
    assert ("UNDER_AGE", "R2", "C2") in codes(entry)


def test_R3_the_same_person_and_project_twice_in_the_workbook():
    first, second = check([row(), row(seq="2")])[0]
    assert first["faults"] == [] and second["request"] is None
    assert codes(second) == [("ROSTER_DUPLICATE_ROW", "R3", "C3")]
    assert "第 2 行" in second["faults"][0]["message"]


def test_R3_already_registered_in_the_batch():
    number = sample_id_number(seq=1)
    [entry], _ = check([row()], ctx=context(registered={(number, CODE)}))
    assert codes(entry) == [("DUPLICATE_APPLICATION", "R3", "C2")]


def test_I1_a_project_the_institution_is_not_authorised_for():
    [entry], _ = check([row(project="大数据分析")])
    assert ("INSTITUTION_NOT_AUTHORISED", "I1", "D2") in codes(entry)


def test_I1_an_unknown_project():
    [entry], _ = check([row(project="烹饪")])
    assert ("ROSTER_PROJECT_UNKNOWN", "I1", "D2") in codes(entry)


def test_E8_an_alternative_the_projects_condition_lacks():
    [entry], _ = check([row(alternative="具有相关专业技能")])
    assert ("ROSTER_ELIGIBILITY_MISMATCH", "E8", "J2") in codes(entry)


def test_M1_a_missing_photo_names_the_file_expected():
    number = sample_id_number(seq=1)
    [entry], _ = check([row()], zipped=archive([number], skip=("photo",)))
    [f] = entry["faults"]
    assert (f["code"], f["rule"], f["cell"]) == ("ROSTER_FILE_MISSING", "M1", "C2")
    assert f"{number}.jpg" in f["message"]


def test_M1_a_photo_over_50_kb():
    number = sample_id_number(seq=1)
    [entry], _ = check([row()], zipped=archive([number], photo=sample_scan(2)))
    assert codes(entry) == [("FILE_SIZE", "M1", "C2")]
    assert "50KB" in entry["faults"][0]["message"]


def test_M2_a_missing_and_a_too_small_scan():
    number = sample_id_number(seq=1)
    [entry], _ = check([row()], zipped=archive([number], skip=("id_card_back",)))
    assert codes(entry) == [("ROSTER_FILE_MISSING", "M2", "C2")]
    assert "身份证反面" in entry["faults"][0]["message"]
    [entry], _ = check([row()], zipped=archive([number], scan=sample_photo(3)))
    assert {c for c in codes(entry)} == {("FILE_SIZE", "M2", "C2")}
    assert len(entry["faults"]) == 5


def test_required_and_invalid_cells_each_point_at_their_column():
    [entry], _ = check([row(name="", phone="12345", education="小学", computer_skills="会")])
    got = {(f["code"], f["cell"]) for f in entry["faults"]}
    assert ("ROSTER_CELL_REQUIRED", "B2") in got
    assert ("ROSTER_CELL_INVALID", "I2") in got
    assert ("ROSTER_CELL_INVALID", "E2") in got
    assert ("ROSTER_CELL_INVALID", "K2") in got


def test_a_zip_made_on_chinese_windows_has_gbk_names():
    number = sample_id_number(seq=1)
    out = io.BytesIO()
    name = f"{number}-身份证正面.jpg"

    class GbkInfo(zipfile.ZipInfo):          # as Windows' own zip tool writes it: no UTF-8 flag
        def _encodeFilenameFlags(self):
            return name.encode("gbk"), self.flag_bits & ~0x800

    with zipfile.ZipFile(out, "w") as z:
        z.writestr(GbkInfo(name), b"x")
    _, found, ignored = rw.read_zip(out.getvalue())
    assert list(found[number]) == ["id_card_front"] and ignored == []


def test_not_a_workbook_and_not_a_zip_are_refused_whole():
    with pytest.raises(rw.RosterError) as err:
        rw.read_workbook(b"not a workbook")
    assert err.value.code == "ROSTER_UNREADABLE"
    with pytest.raises(rw.RosterError) as err:
        rw.read_zip(b"not a zip")
    assert err.value.code == "ROSTER_ZIP_UNREADABLE"


def test_a_service_refusal_points_at_the_rows_cell():
    f = rw.service_fault({"code": "INVALID", "field": "person.phone", "rule": None,
                          "message": "x"}, 7)
    assert f["cell"] == "I7" and f["column"] == "联系电话"
    f = rw.service_fault({"code": "REGISTRATION_WINDOW_CLOSED", "field": "batch_code",
                          "rule": "R1", "message": "closed"}, 7)
    assert f["cell"] is None and f["message"] == "不在本批次的报名时间内"
