"""§ 8a services: the report and its due time, the four-eyes rule, the plan, the case's mark."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import protection, services
from cases.models import Case, ProtectionAssessment, ProtectionMeasure
from cases.protection import (
    MSG_CARE_NOTE_REQUIRED,
    MSG_FOUR_EYES,
    MSG_HOME_VISIT_BEFORE_REPORT,
    MSG_HOME_VISIT_DATE,
    MSG_NOT_TEAM_PROFESSIONAL,
    MSG_PLAN_REQUIRED,
    MSG_RECORDER_NOT_AMONG,
    MSG_ALREADY_RECORDED,
    MSG_MEASURE_INCOMPLETE,
    MeasureInput,
)
from cases.services import MSG_CASE_CLOSED
from tests.cases.protection.factories import assessment_values, make_report, plan, record


def _messages(error: ValidationError, field: str) -> list[str]:
    return error.value.message_dict[field]


# --- the report ---------------------------------------------------------------------------------


def test_report_opens_an_assessment_due_by_its_urgency_and_marks_the_case(case, users):
    version = case.version
    a = make_report(case, users.case_manager, urgency="72h", hours_ago=1)
    assert a.is_open
    assert a.due_at == a.received_at + dt.timedelta(hours=72)
    case.refresh_from_db()
    assert case.child_protection is True
    assert case.version == version + 1
    assert case.classification == ""  # nothing else recorded on the case


def test_report_received_in_the_future_is_refused(case, users):
    with pytest.raises(ValidationError) as error:
        make_report(case, users.case_manager, hours_ago=-1)
    assert "received_at" in error.value.message_dict
    assert not ProtectionAssessment.objects.exists()
    case.refresh_from_db()
    assert case.child_protection is False


def test_report_on_a_closed_case_is_refused(case, users):
    services.case_transition(case=case, user=users.case_manager, to_state="closed", reason="moved")
    with pytest.raises(ValidationError) as error:
        make_report(case, users.case_manager)
    assert error.value.messages == [str(MSG_CASE_CLOSED)]
    assert not ProtectionAssessment.objects.exists()


def test_second_report_keeps_the_version_when_the_mark_is_set_already(case, users):
    make_report(case, users.case_manager)
    case.refresh_from_db()
    version = case.version
    make_report(case, users.case_manager, urgency="immediate")
    case.refresh_from_db()
    assert case.version == version


# --- four-eyes ----------------------------------------------------------------------------------


def _refused(assessment, users, **overrides):
    with pytest.raises(ValidationError) as error:
        record(assessment, users.case_manager, users.colleague, **overrides)
    assessment.refresh_from_db()
    assert assessment.is_open and assessment.safety_scale is None and assessment.assessed_at is None
    assert not assessment.professionals.exists()
    assert not ProtectionMeasure.objects.exists()
    return error


def test_one_professional_is_refused_and_nothing_saved(case, users):
    a = make_report(case, users.case_manager)
    error = _refused(a, users, professionals=[users.case_manager])
    assert _messages(error, "professionals") == [str(MSG_FOUR_EYES)]
    case.refresh_from_db()
    assert case.child_protection is True


def test_the_same_person_twice_is_one_professional(case, users):
    a = make_report(case, users.case_manager)
    error = _refused(a, users, professionals=[users.case_manager, users.case_manager])
    assert _messages(error, "professionals") == [str(MSG_FOUR_EYES)]


def test_the_recording_user_must_be_among_the_professionals(case, users):
    a = make_report(case, users.case_manager)
    error = _refused(a, users, professionals=[users.colleague, users.team_lead])
    assert _messages(error, "professionals") == [str(MSG_RECORDER_NOT_AMONG)]


def test_professionals_of_another_team_or_role_do_not_count(case, users):
    a = make_report(case, users.case_manager)
    error = _refused(a, users, professionals=[users.case_manager, users.other_case_manager])
    assert _messages(error, "professionals") == [
        str(MSG_NOT_TEAM_PROFESSIONAL) % {"names": str(users.other_case_manager)}
    ]
    _refused(a, users, professionals=[users.case_manager, users.coordinator])


def test_two_professionals_of_the_team_record_the_result(case, users):
    a = make_report(case, users.case_manager)
    done = record(a, users.case_manager, users.team_lead)
    assert done.result == "none" and done.safety_scale == 7 and done.completed_by == users.case_manager
    assert set(done.professionals.all()) == {users.case_manager, users.team_lead}


# --- the other rules ----------------------------------------------------------------------------


def test_endangerment_without_a_protection_plan_is_refused(case, users):
    a = make_report(case, users.case_manager)
    error = _refused(a, users, result="endangerment", safety_scale=2)
    assert _messages(error, "measures") == [str(MSG_PLAN_REQUIRED)]


def test_incomplete_measure_is_refused(case, users):
    a = make_report(case, users.case_manager)
    error = _refused(a, users, result="endangerment", measures=[MeasureInput("Kontrolle", "", None)])
    assert _messages(error, "measures") == [str(MSG_MEASURE_INCOMPLETE)]


def test_home_visit_without_a_date_is_refused(case, users):
    a = make_report(case, users.case_manager)
    error = _refused(a, users, home_visit=True, home_visit_on=None)
    assert _messages(error, "home_visit_on") == [str(MSG_HOME_VISIT_DATE)]


def test_home_visit_before_the_report_or_in_the_future_is_refused(case, users):
    a = make_report(case, users.case_manager, hours_ago=2)
    error = _refused(a, users, home_visit_on=timezone.localdate() - dt.timedelta(days=3))
    assert "home_visit_on" in error.value.message_dict
    assert str(MSG_HOME_VISIT_BEFORE_REPORT).split("(")[0] in _messages(error, "home_visit_on")[0]
    _refused(a, users, home_visit_on=timezone.localdate() + dt.timedelta(days=1))


def test_no_home_visit_needs_no_date(case, users):
    a = make_report(case, users.case_manager)
    assert record(a, users.case_manager, users.colleague, home_visit=False, home_visit_on=None).home_visit is False


def test_taking_into_care_needs_a_note(case, users):
    a = make_report(case, users.case_manager)
    error = _refused(a, users, result="endangerment", measures=plan(), taken_into_care=True, taken_into_care_note=" ")
    assert _messages(error, "taken_into_care_note") == [str(MSG_CARE_NOTE_REQUIRED)]


@pytest.mark.parametrize("field,value", [("result", ""), ("safety_scale", None), ("safety_scale", 11), ("home_visit", None),
                                         ("assessed_at", None)])
def test_result_scale_home_visit_and_time_are_required(case, users, field, value):
    a = make_report(case, users.case_manager)
    error = _refused(a, users, **{field: value})
    assert field in error.value.message_dict


def test_assessment_before_the_report_is_refused(case, users):
    a = make_report(case, users.case_manager, hours_ago=2)
    error = _refused(a, users, assessed_at=timezone.now() - dt.timedelta(hours=3))
    assert "assessed_at" in error.value.message_dict


def test_a_recorded_result_is_final(case, users):
    a = make_report(case, users.case_manager)
    record(a, users.case_manager, users.colleague)
    with pytest.raises(ValidationError) as error:
        record(a, users.case_manager, users.colleague, result="endangerment", measures=plan())
    assert error.value.messages == [str(MSG_ALREADY_RECORDED)]
    a.refresh_from_db()
    assert a.result == "none"


def test_endangerment_with_a_plan_keeps_the_mark(case, users):
    a = make_report(case, users.case_manager)
    done = record(a, users.case_manager, users.colleague, result="endangerment", safety_scale=2, measures=plan(2),
                  family_court="Anrufung des Familiengerichts am 12.05.", taken_into_care=True,
                  taken_into_care_note="Inobhutnahme am Abend, Bereitschaftspflege.")
    assert done.measures.count() == 2
    case.refresh_from_db()
    assert case.child_protection is True


# --- the mark -----------------------------------------------------------------------------------


@pytest.mark.parametrize("result", ["none", "need_help"])
def test_no_endangerment_clears_the_mark(case, users, result):
    a = make_report(case, users.case_manager)
    record(a, users.case_manager, users.colleague, result=result)
    case.refresh_from_db()
    assert case.child_protection is False


def test_another_open_assessment_keeps_the_mark(case, users):
    first = make_report(case, users.case_manager, hours_ago=3)
    make_report(case, users.case_manager, hours_ago=1)
    record(first, users.case_manager, users.colleague)
    case.refresh_from_db()
    assert case.child_protection is True


def test_gefaehrdungsbereich_keeps_the_mark(case, users):
    services.case_classify(case=case, user=users.case_manager, classification="danger", reason="Polizeimeldung")
    a = make_report(case, users.case_manager)
    record(a, users.case_manager, users.colleague)
    assert Case.objects.get(pk=case.pk).child_protection is True


def test_open_assessment_of_a_closed_case_can_still_be_completed(case, users):
    a = make_report(case, users.case_manager)
    services.case_transition(case=case, user=users.case_manager, to_state="closed", reason="moved")
    record(a, users.case_manager, users.colleague)
    case.refresh_from_db()
    assert case.child_protection is False and case.state == "closed"


# --- measures -----------------------------------------------------------------------------------


def test_measure_done_once_not_in_the_future(case, users):
    a = make_report(case, users.case_manager)
    record(a, users.case_manager, users.colleague, result="endangerment", measures=plan())
    measure = a.measures.get()
    with pytest.raises(ValidationError):
        protection.measure_done(measure=measure, user=users.case_manager, done_on=timezone.localdate() + dt.timedelta(days=1))
    protection.measure_done(measure=measure, user=users.case_manager, done_on=timezone.localdate())
    with pytest.raises(ValidationError):
        protection.measure_done(measure=measure, user=users.case_manager, done_on=timezone.localdate())
    measure.refresh_from_db()
    assert measure.done_on == timezone.localdate()


def test_trend_is_the_series_of_scales(case, users):
    for scale in (2, 5, 8):
        a = make_report(case, users.case_manager)
        record(a, users.case_manager, users.colleague, safety_scale=scale)
    make_report(case, users.case_manager)  # open: no point yet
    points = protection.trend_points(protection.case_assessments(users.case_manager, case))
    assert [p.safety_scale for p in points] == [2, 5, 8]
    svg = str(protection.trend_svg(protection.case_assessments(users.case_manager, case)))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg and svg.count("<circle") == 3


def test_values_helper_is_valid(case, users):
    # The factory's defaults pass every rule (guards the tests above against false refusals).
    a = make_report(case, users.case_manager)
    assert protection.assessment_record(assessment=a, **assessment_values(users.case_manager, users.colleague)).result == "none"


def test_report_without_time_or_text_names_each_field(case, users):
    from cases.protection import MSG_RECEIVED_REQUIRED, MSG_REPORT_REQUIRED, MSG_REPORTED_BY_REQUIRED, MSG_URGENCY_REQUIRED

    with pytest.raises(ValidationError) as error:
        protection.report_record(case=case, user=users.case_manager, received_at=None, reported_by=" ", report="", urgency="")
    assert error.value.message_dict == {
        "received_at": [str(MSG_RECEIVED_REQUIRED)], "reported_by": [str(MSG_REPORTED_BY_REQUIRED)],
        "report": [str(MSG_REPORT_REQUIRED)], "urgency": [str(MSG_URGENCY_REQUIRED)],
    }
