"""The eligibility pre-check of every condition of the notices' 附件1 (E1-E10):
each check and the verdict are met, not met or needs a reviewer's judgement
(needs_review, 需人工审核). Unit tests: no broker, no database."""
import pytest

from registration import domain

MET, NOT_MET, REVIEW = "met", "not_met", "needs_review"


def verdict(condition, claim, person):
    out = domain.precheck(condition, claim, person)
    assert {c["state"] for c in out["checks"]} <= {MET, NOT_MET, REVIEW}
    assert all(c["ok"] == (c["state"] != NOT_MET) for c in out["checks"])
    return out


def states(out):
    return {c["check"]: c["state"] for c in out["checks"]}


@pytest.mark.parametrize("condition", ["E1", "E2"])
def test_E1_E2_education_met_and_declared_computer_skills_need_the_reviewer(condition):
    need = "high_school" if condition == "E1" else "junior_college"
    out = verdict(condition, {"alternative": "education", "computer_skills": True},
                  {"education": need})
    assert states(out) == {"education": MET, "computer_skills": REVIEW}
    assert out["outcome"] == REVIEW
    no_computer = verdict(condition, {"alternative": "education"}, {"education": need})
    assert no_computer["outcome"] == NOT_MET


def test_E1_this_years_graduate_without_the_diploma_needs_the_reviewer():
    out = verdict("E1", {"alternative": "education", "computer_skills": True,
                         "current_graduate": True}, {"education": "junior_high"})
    assert states(out)["education"] == REVIEW and out["outcome"] == REVIEW
    low = verdict("E1", {"alternative": "education", "computer_skills": True},
                  {"education": "junior_high"})
    assert states(low)["education"] == NOT_MET and low["outcome"] == NOT_MET


def test_E2_high_school_is_not_met():
    out = verdict("E2", {"alternative": "education", "computer_skills": True},
                  {"education": "high_school"})
    assert out["outcome"] == NOT_MET


def test_E3_education_or_listed_skills_or_an_unlisted_skill_for_the_reviewer():
    by_school = verdict("E3", {"alternative": "education"}, {"education": "high_school"})
    assert by_school["outcome"] == MET
    listed = verdict("E3", {"alternative": "skills", "skills": ["电子商务运营"]},
                     {"education": "junior_high"})
    assert listed["outcome"] == REVIEW and "电子商务" in listed["checks"][0]["detail"]
    # "等相关专业技能": an open list, a skill it does not name is not "not met"
    unlisted = verdict("E3", {"alternative": "skills", "skills": ["直播带货"]},
                       {"education": "junior_high"})
    assert unlisted["outcome"] == REVIEW
    none = verdict("E3", {"alternative": "skills", "skills": []}, {"education": "junior_high"})
    assert none["outcome"] == NOT_MET


def test_E4_junior_college_and_declared_skills():
    out = verdict("E4", {"alternative": "education", "skills": ["在线教学"]},
                  {"education": "junior_college"})
    assert states(out) == {"education": MET, "skills": REVIEW}
    assert verdict("E4", {"alternative": "education"},
                   {"education": "bachelor"})["outcome"] == NOT_MET       # no skills
    assert verdict("E4", {"alternative": "education", "skills": ["在线教学"]},
                   {"education": "high_school"})["outcome"] == NOT_MET


def test_E5_high_school_and_basic_computer_operation():
    out = verdict("E5", {"alternative": "education", "computer_skills": True},
                  {"education": "high_school"})
    assert states(out) == {"education": MET, "computer_skills": REVIEW}
    assert verdict("E5", {"alternative": "education", "computer_skills": True},
                   {"education": "junior_high"})["outcome"] == NOT_MET


def test_E6_secondary_vocational_or_accounting_skills():
    assert verdict("E6", {"alternative": "education"},
                   {"education": "high_school"})["outcome"] == MET
    accounting = verdict("E6", {"alternative": "skills", "skills": ["会计核算"]},
                         {"education": "junior_high"})
    assert accounting["outcome"] == REVIEW
    assert verdict("E6", {"alternative": "skills", "skills": []},
                   {"education": "junior_high"})["outcome"] == NOT_MET


def test_E7_corresponding_skills_only_for_the_reviewer():
    out = verdict("E7", {"alternative": "skills", "skills": ["导游"]},
                  {"education": "junior_high"})
    assert out["outcome"] == REVIEW
    assert verdict("E7", {"alternative": "skills"},
                   {"education": "junior_high"})["outcome"] == NOT_MET


def test_E8_high_school_or_above_is_met():
    assert verdict("E8", {"alternative": "education"},
                   {"education": "bachelor"})["outcome"] == MET
    assert verdict("E8", {"alternative": "education"},
                   {"education": "junior_high"})["outcome"] == NOT_MET


@pytest.mark.parametrize("education,major,expected", [
    ("master", "心理学", MET),                   # 心理学类（0402）, by name
    ("master", "心理学类（0402）", MET),          # as the notice writes it
    ("doctor", "0402", MET),                     # by code
    ("master", "公共管理类(1204)", MET),
    ("master", "公共卫生与预防医学", MET),
    ("master", "应用心理学", REVIEW),             # contains 心理学: the reviewer judges
    ("master", "学", NOT_MET),                   # a fragment is no match
    ("master", "心理", NOT_MET),
    ("master", "0812", NOT_MET),                 # another code
    ("master", "计算机科学与技术", NOT_MET),
    ("bachelor", "心理学", MET),
    ("bachelor", "护理学类", MET),
    ("bachelor", "学", NOT_MET),
    ("bachelor", "土木工程", NOT_MET),
    ("junior_college", "医药卫生类", MET),
    ("junior_college", "医药卫生", MET),
    ("junior_college", "", NOT_MET),
])
def test_E9_major_by_name_or_code_never_by_a_fragment(education, major, expected):
    out = verdict("E9", {"alternative": "education_major"},
                  {"education": education, "major": major})
    assert states(out)["major"] == expected
    assert states(out)["education"] == MET
    assert out["outcome"] == expected


def test_E9_high_school_is_below_the_junior_college_required():
    out = verdict("E9", {"alternative": "education_major"},
                  {"education": "high_school", "major": "心理学"})
    assert out["outcome"] == NOT_MET


@pytest.mark.parametrize("occupation,expected", [
    ("社会工作者", MET), ("执业医师", MET), ("教学人员", MET), ("师", NOT_MET),
    ("程序员", NOT_MET), ("", NOT_MET),
    ("辅导员", NOT_MET),        # E9 lists 教学人员 only
])
def test_E9_related_occupation(occupation, expected):
    out = verdict("E9", {"alternative": "occupation"},
                  {"education": "high_school", "occupation": occupation})
    assert out["outcome"] == expected


@pytest.mark.parametrize("occupation,expected", [
    ("教学人员", MET), ("辅导员", MET), ("高校辅导员", MET),   # 教学人员（辅导员）: either
    ("教学人员（辅导员）", MET), ("生殖健康咨询师", MET), ("育婴师", MET),
    ("医师", NOT_MET),          # E10 says 医生
    ("员", NOT_MET), ("厨师", NOT_MET),
])
def test_E10_teaching_staff_or_counsellor_and_the_other_occupations(occupation, expected):
    out = verdict("E10", {"alternative": "occupation"},
                  {"education": "junior_high", "occupation": occupation})
    assert out["outcome"] == expected


def test_E10_high_school_or_above():
    assert verdict("E10", {"alternative": "education"},
                   {"education": "high_school"})["outcome"] == MET
    assert verdict("E10", {"alternative": "education"},
                   {"education": "junior_high"})["outcome"] == NOT_MET
