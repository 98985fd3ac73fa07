"""Text and money as people write them: names and notes normalised for
comparing, amounts in yuan (money is integer fen everywhere else), dates."""
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation


def normalize_text(text):
    """Read notes as people mean them: NFKC (full-width to half-width, so '，'
    is ','), no whitespace, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).upper()


def normalize(text):
    """A name for comparing: normalize_text without middle dots (阿依古丽·买买提)
    and without bracketed remarks banks add (张三(个人), 某公司(对公户))."""
    return re.sub(r"[·•・.]+|\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】", "", normalize_text(text))


def normalize_account(text):
    return re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", str(text or "")))


def yuan(fen):
    """300.00 for 30000 fen (for messages and notes)."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def parse_yuan(text):
    """'1,200.50' / '¥300' / '300' -> fen. ValueError with a reason otherwise."""
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    cleaned = raw.replace(",", "").replace("¥", "").replace("元", "").strip()
    if not cleaned:
        raise ValueError("the amount is empty")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not an amount in yuan")
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not an amount in yuan")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"'{raw}' has more than two decimals (fen)")
    return int(value * 100)


_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?"),
    re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"),
    re.compile(r"(?<!\d)(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?!\d)"),
)


def find_dates(text):
    """[(date or None, matched text, span)] for every date written in ``text``."""
    found = []
    taken = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                value = date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                value = None
            found.append((value, m.group(0), m.span()))
            taken.append(m.span())
    return sorted(found, key=lambda f: f[2])


def parse_date_text(text):
    """A date written as 2026年12月5日, 2026-12-05, 2026/12/05, 2026.12.5 or 20261205."""
    found = find_dates(text)
    if len(found) == 1 and found[0][2] == (0, len(text)):
        return found[0][0]
    return None


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"
