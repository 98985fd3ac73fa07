"""For console.institution.spec.ts: fill a downloaded 考核人员花名册 template with
rows and zip each row's photo and five scans named by ID number (the naming of
docs/bulk-registration.md). argv: template.xlsx rows.json out.xlsx out.zip
The photo and scans are real JPEGs (kernel.testing), unique per person."""
import io
import json
import sys
import zipfile

from openpyxl import load_workbook

from kernel.testing import sample_photo, sample_scan

SCANS = ("个人申报表", "个人诚信承诺书", "学历或学籍证明", "身份证正面", "身份证反面")


def main(template, rows_json, out_xlsx, out_zip):
    rows = json.load(open(rows_json, encoding="utf-8"))
    wb = load_workbook(template)
    ws = wb["考核人员花名册"]
    headers = [c.value for c in ws[1]]
    for n, row in enumerate(rows, 2):
        for i, header in enumerate(headers):
            ws.cell(row=n, column=i + 1, value=row.get(header, ""))
    wb.save(out_xlsx)
    with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as z:
        for k, row in enumerate(rows):
            number = row["身份证号"]
            if row.get("_no_files"):
                continue
            seed = int(number[-8:-1]) + k
            z.writestr(f"照片/{number}.jpg", sample_photo(seed))
            for j, label in enumerate(SCANS):
                z.writestr(f"扫描件/{number}-{label}.jpg", sample_scan(seed * 10 + j))


if __name__ == "__main__":
    main(*sys.argv[1:5])
