"""Bank statements (K1): a statement line is a credit identified by its bank
serial; the CSV layout of docs/payment.md, or the same columns in the first
sheet of an .xlsx workbook (what the bank's online service exports)."""
import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from kernel import names
from kernel.errors import ValidationFailed

from payment.domain.wording import normalize, normalize_text, parse_date_text, parse_yuan

COLUMNS = {
    "bank_serial": ("bank_serial", "serial", "交易流水号", "流水号"),
    "value_date": ("value_date", "date", "交易日期", "记账日期"),
    "amount": ("amount", "credit", "金额", "贷方金额", "交易金额"),
    "direction": ("direction", "借贷标志", "借贷"),
    "payer_name": ("payer_name", "付款人名称", "对方户名", "付款人"),
    "payer_account": ("payer_account", "付款人账号", "对方账号"),
    "note": ("note", "附言", "摘要", "用途", "备注"),
}
REQUIRED_COLUMNS = ("bank_serial", "value_date", "amount", "payer_name")
CREDIT_WORDS = {"C", "CR", "CREDIT", "贷", "贷方", "收入", "+"}
DEBIT_WORDS = {"D", "DR", "DEBIT", "借", "借方", "支出", "-"}
STATEMENT_MAX = 20 * 1024 * 1024         # bytes of one statement file


def check_statement_size(size):
    """K1: a statement file is at most 20 MB (import a larger one in parts)."""
    if size > STATEMENT_MAX:
        raise ValidationFailed("STATEMENT_TOO_LARGE", "a statement file is at most 20 MB; "
                               "import it in parts", field="content_base64", rule="K1")


def decode_statement(raw):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("STATEMENT_ENCODING", "the statement is neither UTF-8 nor GB18030 "
                           "text", field="content_base64", rule="K1")


def _header(row):
    aliases = {normalize(a): key for key, names in COLUMNS.items() for a in names}
    index = {}
    for n, name in enumerate(row):
        key = aliases.get(normalize(name))
        if key and key not in index:
            index[key] = n
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        raise ValidationFailed("STATEMENT_HEADER", f"line 1 must name the columns; missing: "
                               f"{', '.join(missing)}", field="content_base64", rule="K1",
                               details={"missing": missing, "found": row})
    return index


XLSX_MAGIC = b"PK\x03\x04"             # an .xlsx file is a zip archive


def is_workbook(raw):
    return raw[:4] == XLSX_MAGIC


def parse_file(raw, line_offset=0):
    """A statement file as uploaded: an .xlsx workbook (by its bytes, never its
    name) or CSV text; ``line_offset`` is added to every line number (a long
    CSV imported in parts reports the lines of the whole file)."""
    if is_workbook(raw):
        return parse_rows(_workbook_rows(raw), line_offset)
    return parse_statement(decode_statement(raw), line_offset)


def _workbook_rows(raw):
    """The first sheet's rows as text cells, numbered from 1."""
    from openpyxl import load_workbook   # only when a workbook comes
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise ValidationFailed("STATEMENT_WORKBOOK", f"the .xlsx statement cannot be read "
                               f"({type(exc).__name__}); export it again from the bank",
                               field="content_base64", rule="K1") from exc
    return [(n, row) for n, row in enumerate(rows, start=1)]


def _cell_text(value):
    """A workbook cell as the CSV would hold it: dates ISO, numbers exact."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def _csv_rows(text):
    reader = csv.reader(io.StringIO(text))
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, exc
            continue
        yield start, row


def parse_statement(text, line_offset=0):
    """The CSV layout of docs/payment.md -> {"credits", "broken", "debits",
    "duplicates", "lines"}. A broken row is reported with its line number and
    the reason; the other rows are still read. A bank serial repeated in the
    file with the same content is a duplicate (ignored); with other content it
    is broken."""
    return parse_rows(_csv_rows(text), line_offset)


def parse_rows(numbered_rows, line_offset=0):
    """parse_statement over (line number, cells or a csv.Error) pairs."""
    credits, broken, debits, duplicates = [], [], 0, 0
    index = None
    seen = {}
    lines = 0
    for start, row in numbered_rows:
        start += line_offset
        if isinstance(row, csv.Error):
            lines += 1
            broken.append({"line": start, "error": f"not readable as CSV: {row}", "row": []})
            continue
        if not any(cell.strip() for cell in row):
            continue
        if index is None:
            index = _header(row)
            width = max(index.values()) + 1
            continue
        lines += 1
        if len(row) < width:
            broken.append({"line": start, "error": f"{len(row)} columns; the header has "
                           f"{width} or more", "row": row})
            continue
        cell = {k: row[i].strip() for k, i in index.items()}
        error, credit = _credit(cell)
        if error == "debit":
            debits += 1
            continue
        if error:
            broken.append({"line": start, "error": error, "row": row})
            continue
        credit["line"] = start
        earlier = seen.get(credit["bank_serial"])
        if earlier is not None:
            if same_credit(earlier, credit):
                duplicates += 1
            else:
                broken.append({"line": start, "error": f"bank serial {credit['bank_serial']} is "
                               f"already on line {earlier['line']} with other details",
                               "row": row})
            continue
        seen[credit["bank_serial"]] = credit
        credits.append(credit)
    if index is None:
        raise ValidationFailed("STATEMENT_EMPTY", "the statement has no header and no rows",
                               field="content_base64", rule="K1")
    return {"credits": credits, "broken": broken, "debits": debits,
            "duplicates": duplicates, "lines": lines}


def _credit(cell):
    direction = normalize_text(cell.get("direction", "")) or "C"
    if direction in DEBIT_WORDS:
        return "debit", None
    if direction not in CREDIT_WORDS:
        return f"direction '{cell['direction']}' is neither credit (C/贷) nor debit (D/借)", None
    serial = cell["bank_serial"]
    if not serial:
        return "bank_serial is empty", None
    if len(serial) > 64:
        return "bank_serial is longer than 64 characters", None
    day = parse_date_text(normalize_text(cell["value_date"]))
    if day is None:
        return f"value_date '{cell['value_date']}' is not a date (2026-11-16)", None
    try:
        amount = parse_yuan(cell["amount"])
    except ValueError as exc:
        return f"amount: {exc}", None
    if amount <= 0:
        return f"amount '{cell['amount']}' must be more than zero for a credit", None
    if not cell["payer_name"]:
        return "payer_name is empty", None
    return None, {"bank_serial": serial, "value_date": day, "amount_fen": amount,
                  "payer_name": names.normalize_lenient(cell["payer_name"])[:200],
                  "payer_account": cell.get("payer_account", "")[:64],
                  "note": cell.get("note", "")[:500]}


def same_credit(a, b):
    return all(a[k] == b[k] for k in ("value_date", "amount_fen", "payer_name"))
