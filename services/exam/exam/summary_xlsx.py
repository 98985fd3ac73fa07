"""The score summary sheet (成绩汇总表) of a session-room as an .xlsx template
(openpyxl): a title, the session's particulars, one row per candidate with
their scores and a column to sign, and the signature lines of the recorder
(记录员), the overseer (监督人员), the score checker (核分员) and the stamp."""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from kernel.exports import xlsx_row

from exam.domain.summary import COLUMNS, FOOTER, SIGNATURE_COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def render(head, rows, assessors):
    """head: {batch_code, exam_date, session, room, project, status, totalled};
    rows: exam.domain.summary.rows; assessors: the names of the room's three
    assessors when the project has a practical part (a column each), else []."""
    wb = Workbook()
    ws = wb.active
    ws.title = "成绩汇总表"
    columns = list(COLUMNS) + [f"实操评分（{a}）" for a in assessors] + ["最终成绩"] + \
        list(SIGNATURE_COLUMNS)
    ws.append(["四川省专项职业能力考核成绩汇总表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(xlsx_row([f"考核计划：{head['batch_code']}", f"考核日期：{head['exam_date']}",
                        f"场次：{head['session']}", f"考场：{head['room']}",
                        f"考核项目：{head['project']}", f"状态：{head['status'] or '未汇总'}"]))
    ws.append(xlsx_row(columns))      # the assessors' names are typed by people too
    for cell in ws[3]:
        cell.font, cell.border = Font(bold=True), BOX
    for r in rows:
        ws.append(xlsx_row([r["n"], r["ticket_number"], r["name"], r["id_number"],
                            r["project"], r["computer"]] + list(r["practical"])
                           + [r["final"], None]))
        for cell in ws[ws.max_row]:
            cell.border = BOX
    ws.append([])
    ws.append([f"应考 {len(rows)} 人", f"缺考 {sum(r['final'] == '缺考' for r in rows)} 人"])
    ws.append([])
    for label in FOOTER:
        ws.append([label, None, None, "日期："])
    for col, width in zip("ABCDEFGHIJ", (6, 16, 10, 20, 20, 12, 12, 12, 12, 12)):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

