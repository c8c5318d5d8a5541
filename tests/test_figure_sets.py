"""The audio sets each figure plots: one sampling field varies, the others stay at main's values."""
from audiodear.config import compose
from audiodear.config.variants import student_setting, teacher_setting
from audiodear.report.figure_sets import figure_sets


def test_each_figure_varies_one_field_of_the_default_plan():
    plan = compose("default")
    teacher = {s: teacher_setting(plan, s) for s in plan.teacher.settings}
    student = {s: student_setting(plan, s) for s in plan.student.settings}
    available = {"student/main/main", "student/lambda0/main", "student/main/repr1.0", "student/main/iter4",
                 "student/main/const4.0", "student/main/temp0.7"}
    sets = figure_sets(teacher, student, available)
    # main takes 50 diffusion steps in the embedded default, steps100 the other count; students one step
    assert sets["steps"] == {"teacher/main/main": 50, "teacher/main/steps100": 100,
                             "student/lambda0/main": 1, "student/main/main": 1}
    assert list(sets["steps"])[2:] == ["student/lambda0/main", "student/main/main"]
    assert sets["iterations"] == {16: "teacher/main/main", 4: "teacher/main/iter4", 8: "teacher/main/iter8",
                                  32: "teacher/main/iter32"}
    assert sets["cfg"]["teacher, noise level"] == {5.0: "teacher/main/main", 1.0: "teacher/main/noise1"}
    assert sets["cfg"]["teacher, representation level"] == {
        s: f"teacher/main/repr{s}" for s in (1.1, 1.5, 2.0, 3.0, 4.0)}
    # only the student sets this experiment produces, at main's iterations, CFG schedule and
    # temperature (neither the constant-schedule w = 4.0 nor w = 4.0 at temperature 0.7 is the
    # ramp's point at 4.0)
    assert sets["cfg"]["student, representation level"] == {4.0: "student/main/main", 1.0: "student/main/repr1.0"}
