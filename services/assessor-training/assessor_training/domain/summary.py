"""The summary table (汇总表, 附件2): one row per person."""
from assessor_training.domain.applications import EDUCATION_ZH, QUALIFICATION_ZH, TITLE_ZH

SUMMARY_TITLE = "四川省技能人才评价考评员资格培训（复核）汇总表"
SUMMARY_COLUMNS = ("序号", "工作单位", "姓名", "性别", "身份证号码", "文化程度",
                   "现职业资格（专业技术职称）级别", "现职业资格（专业技术职称）工种/专业",
                   "申报考评职业（工种）/项目", "联系电话")


def summary_row(n, app, project_names):
    """One row of 附件2 for an application (the person's form data)."""
    person = app["person"]
    levels = [QUALIFICATION_ZH[q["level"]] for q in person["qualifications"]]
    trades = [q["occupation"] for q in person["qualifications"]]
    title = person.get("title")
    if title:
        levels.append(TITLE_ZH[title["level"]] + "职称")
        trades.append(title["specialty"])
    return [n, person["work_unit"], app["name"], "男" if app["sex"] == "M" else "女",
            app["id_number"], EDUCATION_ZH[person["education"]], "；".join(levels),
            "；".join(trades), "、".join(project_names), person["phone"]]
