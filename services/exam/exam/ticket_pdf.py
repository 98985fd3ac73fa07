"""The admission ticket (准考证) as an A4 page, drawn with kernel.documents
(an embedded CJK font, so any viewer shows the Chinese text; a QR code of the
ticket number for the check-in desk's scanner). Pure: the caller passes every
value, photo bytes included."""
from kernel.documents import Document

TITLE = "四川省专项职业能力考核"
PHOTO = (148, 56, 35, 45)          # x, y, width, height in mm (a 35 x 45 mm ID photo)


def render(tickets):
    """One page per ticket, in the order given; returns the PDF's bytes.

    A ticket is {ticket_number, name, sex, id_number, project_name, exam_date,
    session_label, starts, ends, room_name, location, seat, channel_label,
    photo (bytes), rules [str]}."""
    first = tickets[0]
    doc = Document(title=f"准考证 {first['ticket_number']}" if len(tickets) == 1 else
                   f"准考证 ({len(tickets)})", subject=TITLE + " 准考证",
                   keywords=" ".join(t["ticket_number"] for t in tickets[:50]),
                   author="四川省职业技能鉴定指导中心")
    for n, ticket in enumerate(tickets):
        if n:
            doc.next_page()
        _page(doc, ticket)
    return doc.finish()


def _page(doc, t):
    doc.frame(10)
    doc.text(105, 30, TITLE, size=18, align="center")
    doc.text(105, 43, "准  考  证", size=24, align="center")
    doc.line(20, 49, 190, 49, width=0.8)
    x, y, w, h = PHOTO
    doc.image(x, y, w, h, t["photo"])
    for x1, y1, x2, y2 in ((x, y, x + w, y), (x, y + h, x + w, y + h),
                           (x, y, x, y + h), (x + w, y, x + w, y + h)):
        doc.line(x1, y1, x2, y2, width=0.3, color=(0.5, 0.5, 0.5))
    rows = [
        ("准考证号", t["ticket_number"]),
        ("姓    名", t["name"]),
        ("性    别", t["sex"]),
        ("身份证号", t["id_number"]),
        ("考核项目", t["project_name"]),
        ("考核日期", t["exam_date"]),
        ("考核时间", f"{t['session_label']} {t['starts']}–{t['ends']}"),
        ("考    场", t["room_name"]),
        ("考场地点", t["location"]),
        ("座 位 号", t["seat"]),
        ("报名方式", t["channel_label"]),
    ]
    y = doc.fields(22, 62, rows, size=12, label_width=28, leading=9.5, max_width=122)
    doc.qr(x + 2.5, y - 40, 30, t["ticket_number"])
    doc.line(20, y + 2, 190, y + 2, width=0.4)
    doc.text(22, y + 12, "考生须知", size=14)
    y += 20
    for n, rule in enumerate(t["rules"], 1):
        y = doc.wrap(26, y, f"{n}. {rule}", width=160, size=10.5, leading=1.6) + 1.5
    doc.text(190, 282, "四川省职业技能鉴定指导中心", size=11, align="right")
