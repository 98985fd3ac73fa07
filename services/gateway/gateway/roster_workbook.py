"""考核人员花名册: the bulk-registration workbook and its zip of files. Pure.

An institution fills the roster template (``template()``), one candidate a
row, and zips each candidate's photo and five scans named by ID number
(``FILE_SLOTS``). ``read_workbook`` reads the workbook with openpyxl (never a
hand-written parser), ``read_zip`` lists the zip's files by ID number and slot,
and ``check_rows`` turns each row into the registration service's
``submit_application`` request or into its faults: each fault in Chinese with
its rule ID (R2, R3, I1, M1, M2, E…) and the cell it points at. Nothing here
writes anything: the gateway's handler (gateway.handlers.roster) uploads the
files of the valid rows and submits those rows in one bulk call.

Codes and rules of a row's faults:
  ROSTER_CELL_REQUIRED   a required cell is empty
  ROSTER_CELL_INVALID    a value the service would refuse (phone, 文化程度 …)
  ID_NUMBER_INVALID  R2  not a valid resident ID (kernel.idnumber)
  UNDER_AGE          R2  under 16 on the exam date
  ROSTER_DUPLICATE_ROW R3  the same person and project twice in the workbook
  DUPLICATE_APPLICATION R3  already registered for the project in this batch
  ROSTER_PROJECT_UNKNOWN I1  no project of that name in the batch's year
  INSTITUTION_NOT_AUTHORISED I1  a project the institution is not authorised for
  ROSTER_FILE_MISSING   M1/M2  no photo / scan of that ID number in the zip
  FILE_TYPE, FILE_SIZE, FILE_CORRUPT, FILE_PIXELS  M1/M2 (kernel.files)
  ROSTER_ELIGIBILITY_MISMATCH E…  符合的条件 that the project's condition lacks
"""
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from kernel import exports, files, idnumber
from kernel.errors import DomainError, ValidationFailed
from marshmallow import ValidationError

from registration.schemas import PersonSchema
from registration.vocabulary import EDUCATION_LEVELS, EDUCATION_PROOF_KINDS

MAX_ROWS = 5000
MAX_ENTRY_BYTES = 4 * 1024 * 1024     # a zip entry read at most (photos < 50 KB, scans ≤ 300 KB)
MAX_ZIP_ENTRIES = 6 * MAX_ROWS + 100
MIN_AGE = 16

# the notice's words for the codes (apply.ts shows the same)
EDUCATION_ZH = {"junior_high": "初中", "high_school": "高中/中专", "junior_college": "大专",
                "bachelor": "本科", "master": "硕士研究生", "doctor": "博士研究生"}
ALTERNATIVE_ZH = {"education": "学历条件", "education_major": "相关专业学历",
                  "occupation": "相关职业从业人员", "skills": "具有相关专业技能"}
PROOF_ZH = {"chsi_report": "学信网在线学籍证明报告", "school_status_card": "学籍卡",
            "diploma": "学历证书", "diploma_certificate": "学历证明",
            "statement": "情况说明"}
SCAN_ZH = {"application_form": "个人申报表", "integrity_pledge": "个人诚信承诺书",
           "education_proof": "学历或学籍证明", "id_card_front": "身份证正面",
           "id_card_back": "身份证反面"}
STATUS_ZH = {"submitted": "审核中", "returned": "退回修改", "approved": "审核通过",
             "rejected": "审核不通过", "withdrawn": "已撤回", "not_accepted": "不予受理",
             "paid": "确认收费", "abandoned": "视为放弃", "cancelled": "批次取消",
             "passed": "考核合格", "failed": "考核不合格", "certified": "已发证",
             "certificate_revoked": "证书已撤销"}
assert set(EDUCATION_ZH) == set(EDUCATION_LEVELS) and set(PROOF_ZH) == set(EDUCATION_PROOF_KINDS)

# other spellings people type for 文化程度
EDUCATION_ALIASES = {"高中": "high_school", "中专": "high_school", "中职": "high_school",
                     "技校": "high_school", "专科": "junior_college", "大学专科": "junior_college",
                     "大学本科": "bachelor", "硕士": "master", "研究生": "master",
                     "博士": "doctor"}
YES, NO = ("是", "有", "y", "yes", "true", "1", "√"), ("否", "无", "n", "no", "false", "0", "")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 14
    field: str = ""          # the submit_application field the column fills
    hint: str = ""


COLUMNS = (
    Column("seq", "序号", width=6),
    Column("name", "姓名", True, 10, "person.name"),
    Column("id_number", "身份证号", True, 22, "person.id_number",
           "18 位，按文本填写（末位 X 大写）"),
    Column("project", "考核项目", True, 26, "project_code", "考核项目名称，须为本机构获授权的项目"),
    Column("education", "文化程度", True, 12, "person.education", "、".join(EDUCATION_ZH.values())),
    Column("major", "所学专业", False, 16, "person.major"),
    Column("occupation", "职业（工种）", False, 16, "person.occupation"),
    Column("work_unit", "工作单位", False, 24, "person.work_unit"),
    Column("phone", "联系电话", True, 14, "person.phone", "11 位手机号或固定电话"),
    Column("alternative", "符合的条件", True, 16, "claim.alternative",
           "、".join(ALTERNATIVE_ZH.values())),
    Column("computer_skills", "具有计算机操作能力", False, 10, "claim.computer_skills", "是/否"),
    Column("current_graduate", "本年度应届毕业生", False, 10, "claim.current_graduate", "是/否"),
    Column("skills", "相关专业技能", False, 20, "claim.skills", "多项用顿号或逗号分开"),
    Column("proof_kind", "学历或学籍证明类型", True, 20, "materials.education_proof_kind",
           "、".join(PROOF_ZH.values())),
)
BY_KEY = {c.key: c for c in COLUMNS}
BY_FIELD = {c.field: c for c in COLUMNS if c.field}

# the zip: <身份证号>.jpg (or -照片) for the photo, <身份证号>-<slot>.<ext> for each scan
FILE_SLOTS = {
    "photo": ("照片", "photo"),
    "application_form": ("个人申报表", "申报表", "form"),
    "integrity_pledge": ("个人诚信承诺书", "诚信承诺书", "pledge"),
    "education_proof": ("学历或学籍证明", "学历证明", "学籍证明", "education"),
    "id_card_front": ("身份证正面", "id-front"),
    "id_card_back": ("身份证反面", "id-back"),
}
SLOT_OF = {alias.lower(): slot for slot, aliases in FILE_SLOTS.items() for alias in aliases}
FILE_NAME = re.compile(r"^(?P<id>\d{17}[\dXx])(?:[-_ ](?P<slot>[^.]+))?\.(?P<ext>[A-Za-z]+)$")
EXTENSIONS = {"jpg", "jpeg", "png", "pdf"}


class RosterError(ValidationFailed):
    """The workbook or the zip as a whole cannot be read (nothing is imported)."""


def fault(code, message, column=None, row=None, rule=None, field_=None):
    cell = f"{column_letter(column)}{row}" if column is not None and row is not None else None
    col = COLUMNS[column] if column is not None and column < len(COLUMNS) else None
    return {"code": code, "rule": rule, "cell": cell, "column": col.header if col else None,
            "field": field_ or (col.field if col else None), "message": message}


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


# --- the template --------------------------------------------------------------------------

def template(projects, institution_name="", batch=None):
    """The roster template (.xlsx bytes): the 花名册 sheet with the headers and
    a 填写说明 sheet (the columns, their allowed values, the zip's naming).
    ``projects``: the Chinese names the institution may register for."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "考核人员花名册"
    ws.append([c.header for c in COLUMNS])
    for i, c in enumerate(COLUMNS):
        cell = ws.cell(row=1, column=i + 1)
        cell.font = Font(bold=True, color="C00000" if c.required else "000000")
        cell.fill = PatternFill("solid", fgColor="EEF3FA")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[column_letter(i)].width = c.width
        # 身份证号 and 联系电话 as text: Excel would turn 18 digits into 5.1E+17
        if c.key in ("id_number", "phone"):
            for row in range(2, MAX_ROWS + 2):
                ws.cell(row=row, column=i + 1).number_format = "@"
    ws.freeze_panes = "A2"
    lists = {"education": list(EDUCATION_ZH.values()),
             "alternative": list(ALTERNATIVE_ZH.values()),
             "computer_skills": ["是", "否"], "current_graduate": ["是", "否"],
             "proof_kind": list(PROOF_ZH.values())}
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70
    title = "考核人员花名册填写说明" + (f"（{institution_name}）" if institution_name else "")
    notes.append(exports.xlsx_row([title]))
    notes["A1"].font = Font(bold=True, size=13)
    if batch:
        notes.append(exports.xlsx_row([f"考核批次：{batch}"]))
    notes.append(exports.xlsx_row(["列", "必填", "说明"]))
    for c in COLUMNS:
        notes.append(exports.xlsx_row([c.header, "是" if c.required else "", c.hint]))
    notes.append([])
    notes.append(exports.xlsx_row(["本机构可报考核项目"]))
    for name in projects:
        notes.append(exports.xlsx_row(["", "", name]))
    notes.append([])
    notes.append(exports.xlsx_row(["照片和扫描件（一个 .zip 压缩包）"]))
    notes.append(exports.xlsx_row(["", "", "以身份证号命名，可放在任意文件夹内："]))
    notes.append(exports.xlsx_row(["本人照片", "", "<身份证号>.jpg（jpg、jpeg、png，小于 50KB）"]))
    for slot, label in SCAN_ZH.items():
        notes.append(exports.xlsx_row([label, "", f"<身份证号>-{FILE_SLOTS[slot][0]}.pdf"
                                       "（jpg、jpeg、png、pdf，200KB≤大小≤300KB）"]))
    # the lists of allowed values, for the drop-downs
    ref = wb.create_sheet("选项")
    ref.sheet_state = "hidden"
    lists["project"] = list(projects) or [""]
    for j, (key, values) in enumerate(lists.items()):
        for r, v in enumerate(values, 1):
            ref.cell(row=r, column=j + 1, value=exports.cell(v))
        letter = column_letter(j)
        dv = DataValidation(type="list", formula1=f"='选项'!${letter}$1:${letter}${len(values)}",
                            allow_blank=True, showErrorMessage=False)
        col = column_letter(list(BY_KEY).index(key))
        dv.add(f"{col}2:{col}{MAX_ROWS + 1}")
        ws.add_data_validation(dv)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading the workbook -------------------------------------------------------------------

@dataclass
class Row:
    number: int                      # the spreadsheet's row number (1-based)
    values: dict                     # column key -> text ("" when empty)
    raw: dict = field(default_factory=dict)   # column key -> the cell's value as read


def _header_key(text):
    text = re.sub(r"[\s*＊]", "", str(text or ""))
    text = text.replace("(", "（").replace(")", "）")
    for c in COLUMNS:
        if text == c.header or text == c.header.replace("（", "").replace("）", ""):
            return c.key
    return {"职业": "occupation", "工种": "occupation", "身份证号码": "id_number",
            "公民身份号码": "id_number", "手机号": "phone", "电话": "phone",
            "学历": "education", "报考项目": "project", "考核项目名称": "project",
            "申报条件": "alternative", "单位": "work_unit"}.get(text)


def read_workbook(data):
    """(column positions, rows) of the roster's first sheet that has the
    headers 姓名 and 身份证号 in one of its first 10 rows. RosterError when the
    file is not a workbook, has no such sheet or more than MAX_ROWS rows."""
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise RosterError("ROSTER_UNREADABLE", "花名册无法读取：请上传由模板填写的 .xlsx 文件",
                          field="workbook") from None
    try:
        for ws in wb.worksheets:
            positions, rows = _read_sheet(ws)
            if positions is not None:
                return positions, rows
    finally:
        wb.close()
    raise RosterError("ROSTER_NO_HEADER", "花名册中找不到表头（须有“姓名”“身份证号”等列，"
                      "请使用下载的模板）", field="workbook")


def _read_sheet(ws):
    positions, rows, header_row = None, [], None
    for r, values in enumerate(ws.iter_rows(values_only=True), 1):
        if positions is None:
            if r > 10:
                return None, []
            keys = {}
            for i, v in enumerate(values):
                key = _header_key(v)
                if key and key not in keys:
                    keys[key] = i
            if {"name", "id_number"} <= set(keys):
                positions, header_row = keys, r
            continue
        raw = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        text = {key: _text(v) for key, v in raw.items()}
        if not any(v for k, v in text.items() if k != "seq"):
            continue                                   # an empty row
        if len(rows) >= MAX_ROWS:
            raise RosterError("ROSTER_TOO_MANY_ROWS", f"花名册最多 {MAX_ROWS} 行，请分成几个文件",
                              field="workbook", details={"max_rows": MAX_ROWS})
        rows.append(Row(r, text, raw))
    if positions is None:
        return None, []
    return positions, rows


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


# --- reading the zip ---------------------------------------------------------------------------

@dataclass
class ZipEntry:
    name: str                # as the person named it (GBK names decoded)
    name_in_zip: str         # zipfile's name, to read it
    size: int
    hash: str = None
    kind: str = None
    fault: dict = None       # kernel.files' refusal of its content, once checked


def read_zip(data_or_file):
    """{id_number: {slot: ZipFile}} and the names not following the scheme.
    Entries are hashed here (sha256: the key the registration service stores
    a file by); their content is checked later (``check_files``)."""
    try:
        archive = zipfile.ZipFile(data_or_file if hasattr(data_or_file, "read")
                                  else io.BytesIO(data_or_file))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RosterError("ROSTER_ZIP_UNREADABLE", "照片和扫描件压缩包无法读取：请上传 .zip 文件",
                          field="materials") from None
    found, ignored = {}, []
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > MAX_ZIP_ENTRIES:
        raise RosterError("ROSTER_ZIP_TOO_MANY", f"压缩包最多 {MAX_ZIP_ENTRIES} 个文件",
                          field="materials")
    for info in entries:
        name = entry_name(info)
        base = name.rsplit("/", 1)[-1]
        if not base or base.startswith(".") or name.startswith("__MACOSX/"):
            continue
        slot, id_number = classify(base)
        if slot is None:
            ignored.append(name)
            continue
        entry = ZipEntry(name, info.filename, info.file_size)
        if info.file_size <= MAX_ENTRY_BYTES:
            try:
                entry.hash = hashlib.sha256(archive.read(info)).hexdigest()
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
                entry.fault = {"code": "FILE_CORRUPT", "message": "压缩包中的文件无法解压"}
        found.setdefault(id_number, {})
        if slot in found[id_number]:
            ignored.append(name)           # a second file for the same slot: the first counts
            continue
        found[id_number][slot] = entry
    return archive, found, ignored


def entry_name(info):
    """The entry's name: zips made on Chinese Windows store GBK without the
    UTF-8 flag, which zipfile decodes as CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def classify(base):
    """(slot, ID number) of a file name of the scheme, or (None, None)."""
    m = FILE_NAME.match(base.strip())
    if not m or m.group("ext").lower() not in EXTENSIONS:
        return None, None
    label = (m.group("slot") or "照片").strip().lower()
    slot = SLOT_OF.get(label)
    if slot is None:
        return None, None
    return slot, m.group("id").upper()


FILE_FAULTS_ZH = {
    "FILE_TYPE": {"photo": "照片须为 jpg、jpeg 或 png 格式的图片（按文件内容判断）",
                  "scan": "扫描件须为 jpg、jpeg、png 或 pdf 格式（按文件内容判断）"},
    "FILE_SIZE": {"photo": "照片须小于 50KB", "scan": "扫描件大小须为 200KB 至 300KB"},
    "FILE_CORRUPT": {"photo": "照片文件已损坏，无法打开", "scan": "扫描件已损坏，无法打开"},
    "FILE_PIXELS": {"photo": "照片像素过大", "scan": "扫描件像素过大"},
    "FILE_EMPTY": {"photo": "照片文件是空的", "scan": "扫描件是空的"},
}


def check_file(content, purpose, photo_max):
    """kernel.files' verdict on one file as a Chinese fault, or None."""
    try:
        files.check(content, purpose, photo_max=photo_max)
    except DomainError as err:
        words = FILE_FAULTS_ZH.get(err.code, {}).get(purpose, err.message)
        return {"code": err.code, "message": words}
    return None


# --- checking the rows ----------------------------------------------------------------------------

@dataclass
class Context:
    batch_code: str
    exam_date: object                       # datetime.date
    projects: dict                          # every project of the year: name and code -> code
    authorised: set                         # the codes the institution may register for (I1)
    conditions: dict = field(default_factory=dict)   # code -> allowed alternatives (E…)
    condition_ids: dict = field(default_factory=dict)  # code -> condition id (E1 …)
    registered: set = field(default_factory=set)     # (ID number, project code) live already
    first_review: dict = None
    photo_max: int = None


def _choice(text, table, aliases=None):
    t = re.sub(r"\s", "", text)
    for code, words in table.items():
        if t in (words, code) or t == re.sub(r"^[①②③④⑤]\s*", "", words):
            return code
    return (aliases or {}).get(t)


def _flag(text):
    t = text.strip().lower()
    if t in YES:
        return True
    if t in NO:
        return False
    return None


def check_row(row, ctx, zipped):
    """(request, faults) of one row: the submit_application request when there
    is no fault."""
    v, out = row.values, []
    pos = {c.key: i for i, c in enumerate(COLUMNS)}

    def bad(key, code, message, rule=None):
        out.append(fault(code, message, pos[key], row.number, rule))

    for c in COLUMNS:
        if c.required and not v.get(c.key):
            bad(c.key, "ROSTER_CELL_REQUIRED", f"请填写{c.header}",
                {"id_number": "R2", "project": "I1", "proof_kind": "M2"}.get(c.key))
    id_number = None
    raw_id = row.raw.get("id_number")
    if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
        bad("id_number", "ID_NUMBER_INVALID", "身份证号须按文本填写（该单元格是数字，"
            "末几位可能已被 Excel 改成 0），请将单元格设为文本后重新填写", "R2")
    elif v.get("id_number"):
        try:
            rid = idnumber.parse(v["id_number"])
            id_number = rid.number
            age = idnumber.age_on(rid.birth_date, ctx.exam_date)
            if age < MIN_AGE:
                bad("id_number", "UNDER_AGE", f"考生在考核日期（{ctx.exam_date}）为 {age} 周岁，"
                    f"须年满 {MIN_AGE} 周岁", "R2")
        except DomainError:
            bad("id_number", "ID_NUMBER_INVALID", "身份证号无效：请核对位数、出生日期和末位校验码", "R2")
    project = None
    if v.get("project"):
        project = ctx.projects.get(v["project"]) or ctx.projects.get(re.sub(r"\s", "",
                                                                              v["project"]))
        if project is None:
            bad("project", "ROSTER_PROJECT_UNKNOWN", f"本批次没有考核项目“{v['project']}”，"
                "请按填写说明中的项目名称填写", "I1")
        elif project not in ctx.authorised:
            bad("project", "INSTITUTION_NOT_AUTHORISED", f"本机构未获授权报名“{v['project']}”",
                "I1")
            project = None
    education = _choice(v.get("education", ""), EDUCATION_ZH, EDUCATION_ALIASES)
    if v.get("education") and education is None:
        bad("education", "ROSTER_CELL_INVALID", "文化程度须为：" + "、".join(EDUCATION_ZH.values()))
    alternative = _choice(v.get("alternative", ""), ALTERNATIVE_ZH)
    if v.get("alternative") and alternative is None:
        bad("alternative", "ROSTER_CELL_INVALID", "符合的条件须为：" +
            "、".join(ALTERNATIVE_ZH.values()), "E1")
    elif alternative and project and project in ctx.conditions and \
            alternative not in ctx.conditions[project]:
        allowed = "、".join(ALTERNATIVE_ZH[a] for a in ctx.conditions[project])
        bad("alternative", "ROSTER_ELIGIBILITY_MISMATCH", f"该项目的申报条件没有“{v['alternative']}”"
            f"一项，可选：{allowed}", ctx.condition_ids.get(project, "E1"))
    proof = _choice(v.get("proof_kind", ""), PROOF_ZH)
    if v.get("proof_kind") and proof is None:
        bad("proof_kind", "ROSTER_CELL_INVALID", "学历或学籍证明类型须为：" +
            "、".join(PROOF_ZH.values()), "M2")
    flags = {}
    for key in ("computer_skills", "current_graduate"):
        flags[key] = _flag(v.get(key, ""))
        if flags[key] is None:
            bad(key, "ROSTER_CELL_INVALID", f"{BY_KEY[key].header}请填“是”或“否”")
    person = {"name": v.get("name", ""), "id_number": id_number or v.get("id_number", ""),
              "education": education or "junior_high", "major": v.get("major", ""),
              "occupation": v.get("occupation", ""), "phone": v.get("phone", ""),
              "work_unit": v.get("work_unit", "")}
    try:
        PersonSchema().load(person)
    except ValidationError as exc:
        words = {"name": "姓名无效（须为身份证上的姓名，不含数字和符号）",
                 "phone": "联系电话须为 11 位手机号或固定电话（如 028-12345678）",
                 "major": "所学专业最多 100 字", "occupation": "职业（工种）最多 100 字",
                 "work_unit": "工作单位最多 200 字"}
        for name in exc.messages:
            if name in words and v.get(name):
                bad(name, "ROSTER_CELL_INVALID", words[name])
    skills = [s.strip() for s in re.split(r"[、,，;；/]", v.get("skills", "")) if s.strip()]
    if len(skills) > 10 or any(len(s) > 50 for s in skills):
        bad("skills", "ROSTER_CELL_INVALID", "相关专业技能最多 10 项，每项最多 50 字")
    materials = {}
    mine = zipped.get(id_number or "", {})
    for slot in FILE_SLOTS:
        purpose = "photo" if slot == "photo" else "scan"
        rule = "M1" if purpose == "photo" else "M2"
        label = "本人照片" if slot == "photo" else SCAN_ZH[slot]
        entry = mine.get(slot)
        if id_number is None:
            continue
        if entry is None:
            name = f"{id_number}.jpg" if slot == "photo" else f"{id_number}-{FILE_SLOTS[slot][0]}.pdf"
            bad("id_number", "ROSTER_FILE_MISSING", f"压缩包中没有{label}（应命名为 {name}）", rule)
        elif entry.fault is not None or entry.hash is None:
            f = entry.fault or {"code": "FILE_SIZE", "message": FILE_FAULTS_ZH["FILE_SIZE"][purpose]}
            bad("id_number", f["code"], f"{label}（{entry.name}）：{f['message']}", rule)
        else:
            materials[slot] = entry.hash
    if out:
        return None, out
    materials["education_proof_kind"] = proof
    request = {"batch_code": ctx.batch_code, "project_code": project, "person": person,
               "claim": {"alternative": alternative, "computer_skills": flags["computer_skills"],
                         "current_graduate": flags["current_graduate"], "skills": skills},
               "materials": materials,
               # the signed 个人诚信承诺书 is one of the row's five scans (M2)
               "candidate_pledge": True}
    if ctx.first_review:
        request["first_review"] = ctx.first_review
    return request, []


def check_rows(rows, ctx, zipped):
    """One entry per row: {row, name, id_number, project, request, faults}."""
    out, seen = [], {}
    pos_id = list(BY_KEY).index("id_number")
    for row in rows:
        request, faults = check_row(row, ctx, zipped)
        entry = {"row": row.number, "name": row.values.get("name", ""),
                 "id_number": row.values.get("id_number", ""),
                 "project": row.values.get("project", ""), "request": request,
                 "faults": faults}
        if request is not None:
            key = (request["person"]["id_number"], request["project_code"])
            if key in seen:
                entry["faults"] = [fault("ROSTER_DUPLICATE_ROW", f"与第 {seen[key]} 行是同一考生、"
                                         "同一考核项目", pos_id, row.number, "R3")]
                entry["request"] = None
            elif key in ctx.registered:
                entry["faults"] = [fault("DUPLICATE_APPLICATION", "该考生已报名本批次的这个"
                                         "考核项目", pos_id, row.number, "R3")]
                entry["request"] = None
            else:
                seen[key] = row.number
        out.append(entry)
    return out


def service_fault(error, row_number):
    """A registration service's refusal of a submitted row, pointed at the
    row's cell by its field (person.phone -> 联系电话)."""
    name = error.get("field") or ""
    column = BY_FIELD.get(name)
    if column is None and name.startswith("materials."):
        column = BY_KEY["id_number"]
    if column is None:
        column = BY_KEY["id_number"] if name.startswith("person") else None
    index = list(BY_KEY).index(column.key) if column else None
    return fault(error.get("code"), SERVICE_ZH.get(error.get("code"), error.get("message", "")),
                 index, row_number if index is not None else None, error.get("rule"),
                 name or None)


SERVICE_ZH = {
    "DUPLICATE_APPLICATION": "该考生已报名本批次的这个考核项目",
    "REGISTRATION_WINDOW_CLOSED": "不在本批次的报名时间内",
    "BATCH_CANCELLED": "该批次已取消",
    "INSTITUTION_NOT_AUTHORISED": "本机构未获授权报名该考核项目",
    "INSTITUTION_UNKNOWN": "本机构不是省职鉴中心的报名机构",
    "UNDER_AGE": "考生在考核日期未满 16 周岁",
    "ID_NUMBER_INVALID": "身份证号无效",
    "MATERIAL_NOT_FOUND": "照片或扫描件未上传",
    "FILE_SIZE": "照片或扫描件大小不符合要求",
    "FIRST_REVIEW_MISSING": "须填写机构初审意见",
    "PROJECT_NOT_OFFERED": "该考核项目本年度不开考",
}
