"""Every cell of the state × state grid: allowed transitions pass and are recorded, others are refused."""

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.models import Case, CaseState, StateChange
from cases.services import MSG_GOALS_REQUIRED, MSG_WILL_REQUIRED
from tests.cases.factories import make_case, with_will_and_goals

S = CaseState
ALLOWED = {
    (S.INTAKE, S.COUNSELLING), (S.INTAKE, S.CLOSED),
    (S.COUNSELLING, S.CONFERENCE), (S.COUNSELLING, S.CLOSED),
    (S.CONFERENCE, S.HELP),
    (S.HELP, S.COUNSELLING), (S.HELP, S.CLOSED),
}
# How to bring a fresh case into each state through legal steps.
PATH = {
    S.INTAKE: [],
    S.COUNSELLING: [S.COUNSELLING],
    S.CONFERENCE: [S.COUNSELLING, S.CONFERENCE],
    S.HELP: [S.COUNSELLING, S.CONFERENCE, S.HELP],
    S.CLOSED: [S.CLOSED],
}


def bring_to(case, user, state):
    for step in PATH[state]:
        case = services.case_transition(case=case, user=user, to_state=step, reason="self_help" if step == S.CLOSED else "")
    return case


@pytest.mark.parametrize("from_state", list(S))
@pytest.mark.parametrize("to_state", list(S))
def test_transition_grid(users, org, from_state, to_state):
    user = users.case_manager
    case = with_will_and_goals(make_case(user, org.walle), user)
    case = bring_to(case, user, from_state)
    before = StateChange.objects.filter(case=case).count()
    reason = "moved" if to_state == S.CLOSED else ""
    if (from_state, to_state) in ALLOWED:
        case = services.case_transition(case=case, user=users.colleague, to_state=to_state, reason=reason)
        case.refresh_from_db()
        assert case.state == to_state
        change = StateChange.objects.filter(case=case).latest("id")
        assert (change.from_state, change.to_state, change.changed_by) == (from_state, to_state, users.colleague)
        assert change.changed_at is not None
    else:
        with pytest.raises(ValidationError) as exc:
            services.case_transition(case=case, user=user, to_state=to_state, reason=reason)
        assert exc.value.error_list[0].code == ("final" if from_state == S.CLOSED else "illegal")
        assert Case.objects.get(pk=case.pk).state == from_state
        assert StateChange.objects.filter(case=case).count() == before  # nothing half-written


def test_illegal_transition_message_is_german_and_names_allowed_steps(users, org, settings):
    case = make_case(users.case_manager, org.walle)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=case, user=users.case_manager, to_state=S.HELP)
    assert exc.value.messages == [
        "Ein Fall kann nicht von „Falleingang“ zu „Hilfe“ wechseln. Mögliche nächste Schritte: Beratung, abgeschlossen."
    ]


def test_closing_needs_a_reason_and_records_date_and_reason(users, org):
    case = make_case(users.case_manager, org.walle)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=case, user=users.case_manager, to_state=S.CLOSED)
    assert "reason" in exc.value.error_dict
    case = services.case_transition(case=case, user=users.case_manager, to_state=S.CLOSED, reason="district_help")
    case.refresh_from_db()
    assert case.closed_on is not None and case.close_reason == "district_help"


def test_leaving_intake_for_help_needs_will_and_goals(users, org):
    user = users.case_manager
    case = services.case_transition(case=make_case(user, org.walle), user=user, to_state=S.COUNSELLING)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=case, user=user, to_state=S.CONFERENCE)
    assert exc.value.message_dict == {"will": [str(MSG_WILL_REQUIRED)], "goals": [str(MSG_GOALS_REQUIRED)]}
    assert Case.objects.get(pk=case.pk).state == S.COUNSELLING


def test_transition_shows_in_history(users, org, as_user):
    user = users.case_manager
    case = services.case_transition(case=make_case(user, org.walle), user=user, to_state=S.COUNSELLING, note="Familie will Beratung")
    response = as_user(user).get(f"/faelle/{case.pk}/")
    assert "Falleingang → Beratung" in response.text
    assert "Familie will Beratung" in response.text
