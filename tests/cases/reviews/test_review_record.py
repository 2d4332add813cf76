"""Recording a review: every goal rated 0–10, the decision, and what follows (follow-up draft or end)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import reviews
from cases.models import CaseState, Contract, ContractState, GoalRating, Review, StateChange
from cases.reviews import review_record
from tests.cases.reviews.factories import make_contract

TODAY = dt.date.today


def _ratings(contract, **overrides):
    ratings = {g.pk: (7, f"Note {g.position}") for g in contract.goals.all()}
    ratings.update(overrides)
    return ratings


def _record(contract, user, **kwargs):
    args = {"held_on": timezone.localdate(), "ratings": _ratings(contract), "decision": "continue"}
    args.update(kwargs)
    return review_record(contract=contract, user=user, **args)


def _refused(contract, user, message, **kwargs):
    before = (Review.objects.count(), GoalRating.objects.count(), Contract.objects.count())
    with pytest.raises(ValidationError) as error:
        _record(contract, user, **kwargs)
    assert any(str(message).split("%")[0] in m for m in error.value.messages), error.value.messages
    assert (Review.objects.count(), GoalRating.objects.count(), Contract.objects.count()) == before


def test_missing_rating_is_refused(users, contract):
    first = contract.goals.get(position=1)
    ratings = _ratings(contract)
    del ratings[first.pk]
    _refused(contract, users.case_manager, reviews.MSG_RATING_MISSING, ratings=ratings)


@pytest.mark.parametrize("score", [11, -1, "7", None])
def test_score_outside_0_to_10_is_refused(users, contract, score):
    second = contract.goals.get(position=2)
    message = reviews.MSG_RATING_MISSING if score is None else reviews.MSG_RATING_RANGE
    _refused(contract, users.case_manager, message, ratings=_ratings(contract, **{}) | {second.pk: (score, "")})


def test_future_date_is_refused(users, contract):
    _refused(contract, users.case_manager, reviews.MSG_HELD_IN_FUTURE, held_on=timezone.localdate() + dt.timedelta(days=1))


def test_rating_for_a_foreign_goal_is_refused(users, contract, help_case, org):
    foreign = make_contract(help_case, provider=org.provider_b).goals.first()
    _refused(contract, users.case_manager, reviews.MSG_RATING_UNKNOWN_GOAL,
             ratings=_ratings(contract) | {foreign.pk: (5, "")})


def test_only_active_contracts_without_review(users, help_case, org, contract):
    signed = make_contract(help_case, provider=org.provider_a, state=ContractState.SIGNED)
    _refused(signed, users.case_manager, reviews.MSG_REVIEW_NOT_ACTIVE)
    _record(contract, users.case_manager)
    _refused(contract, users.case_manager, reviews.MSG_ALREADY_REVIEWED)


def test_other_team_and_provider_staff_cannot_record(users, contract):
    for user in (users.other_case_manager, users.provider_staff):
        with pytest.raises(ValidationError):
            _record(contract, user)
    assert not Review.objects.exists()


def test_continue_creates_a_prefilled_follow_up_draft(users, contract):
    held_on = timezone.localdate()
    follow = _record(contract, users.case_manager, held_on=held_on, note="Gute Fortschritte")
    review = contract.review
    assert (review.decision, review.held_on, review.note, review.created_by) == ("continue", held_on, "Gute Fortschritte", users.case_manager)
    assert sorted(review.ratings.values_list("goal__position", "score", "note")) == [(1, 7, "Note 1"), (2, 7, "Note 2")]
    assert follow.previous == contract and follow.state == ContractState.DRAFT
    assert (follow.help_type, follow.provider, follow.provider_wish, follow.hours_per_week, follow.monthly_cost) == (
        contract.help_type, contract.provider, contract.provider_wish, contract.hours_per_week, contract.monthly_cost)
    assert follow.talk_on == held_on
    assert follow.approved_from == contract.approved_until + dt.timedelta(days=1)
    assert follow.approved_until == _six_months_less_a_day(follow.approved_from)
    assert follow.internal_note == ""  # the office's note belongs to the old contract
    assert list(follow.goals.values_list("position", "text", "indicator")) == list(
        contract.goals.values_list("position", "text", "indicator"))
    assert list(follow.participants.values_list("name", "party")) == list(contract.participants.values_list("name", "party"))
    old_tasks = list(contract.tasks.order_by("position").values_list("party", "who", "what", "goal__position"))
    assert list(follow.tasks.order_by("position").values_list("party", "who", "what", "goal__position")) == old_tasks
    contract.refresh_from_db()
    assert contract.state == ContractState.ACTIVE  # until the follow-up is approved


def _six_months_less_a_day(start):
    month = start.month + 6
    year, month = start.year + (month - 1) // 12, (month - 1) % 12 + 1
    try:
        return dt.date(year, month, start.day) - dt.timedelta(days=1)
    except ValueError:  # no such day: the month's last day
        return dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(year, 12, 31)


def test_overdue_review_starts_the_follow_up_on_the_review_day(users, help_case, org):
    contract = make_contract(help_case, provider=org.provider_a, approved_until=timezone.localdate() - dt.timedelta(days=10))
    follow = _record(contract, users.case_manager, decision="change")
    assert follow.approved_from == timezone.localdate()
    assert contract.review.decision == "change"


def test_end_to_counselling(users, contract, help_case):
    held_on = timezone.localdate() - dt.timedelta(days=2)
    ended = _record(contract, users.case_manager, held_on=held_on, decision="end", end_state="counselling",
                    close_reason="self_help")
    assert (ended.state, ended.ended_on) == (ContractState.ENDED, held_on)
    help_case.refresh_from_db()
    assert help_case.state == CaseState.COUNSELLING and help_case.close_reason == ""
    assert contract.review.close_reason == ""  # only closing has a reason
    assert StateChange.objects.filter(case=help_case, to_state="counselling").exists()


def test_end_closed_needs_a_reason(users, contract, help_case):
    _refused(contract, users.case_manager, reviews.MSG_CLOSE_REASON, decision="end", end_state="closed")
    _refused(contract, users.case_manager, reviews.MSG_END_STATE, decision="end")
    _record(contract, users.case_manager, decision="end", end_state="closed", close_reason="self_help")
    help_case.refresh_from_db()
    assert (help_case.state, help_case.close_reason) == (CaseState.CLOSED, "self_help")


def test_end_with_another_active_contract_is_refused(users, contract, help_case, org):
    make_contract(help_case, provider=org.provider_b)
    _refused(contract, users.case_manager, reviews.MSG_OTHER_ACTIVE, decision="end", end_state="counselling")
    help_case.refresh_from_db()
    assert help_case.state == CaseState.HELP


# --- The page --------------------------------------------------------------------------------------


def _post(contract, **overrides):
    data = {"held_on": timezone.localdate().isoformat(), "decision": "continue", "end_state": "", "close_reason": "",
            "note": "Familie zufrieden"}
    for goal in contract.goals.all():
        data[f"score_{goal.pk}"] = "6"
        data[f"note_{goal.pk}"] = f"Notiz zu {goal.position}"
    data.update(overrides)
    return data


def test_page_records_and_redirects_to_the_follow_up_edit(as_user, users, contract):
    response = as_user(users.case_manager).post(reverse("cases:review_record", args=[contract.pk]), _post(contract))
    follow = Contract.objects.get(previous=contract)
    assert response.status_code == 302 and response.url == reverse("cases:contract_edit", args=[follow.pk])


def test_page_keeps_the_input_on_bad_rating(as_user, users, contract):
    goal = contract.goals.get(position=2)
    data = _post(contract, **{f"score_{goal.pk}": "11", "note": "Bitte nicht verlieren"})
    response = as_user(users.case_manager).post(reverse("cases:review_record", args=[contract.pk]), data)
    assert response.status_code == 422
    assert "Bitte nicht verlieren" in response.text and "Notiz zu 1" in response.text
    assert "Ziel 2" in response.text and not Review.objects.exists()


def test_page_keeps_the_input_when_the_service_refuses(as_user, users, contract):
    data = _post(contract, decision="end", end_state="closed")
    response = as_user(users.case_manager).post(reverse("cases:review_record", args=[contract.pk]), data)
    assert response.status_code == 422
    assert str(reviews.MSG_CLOSE_REASON) in response.text and "Notiz zu 2" in response.text
    assert not Review.objects.exists()


def test_page_shows_earlier_scores_and_then_the_recorded_review(as_user, users, contract):
    client = as_user(users.case_manager)
    follow = _record(contract, users.case_manager)
    follow.state, follow.signed_on, follow.approved_by = ContractState.ACTIVE, follow.talk_on, users.team_lead
    follow.save()
    response = client.get(reverse("cases:review_record", args=[follow.pk]))
    assert "Earlier reviews" in response.text or "Frühere" in response.text
    client.post(reverse("cases:review_record", args=[follow.pk]), _post(follow))
    response = client.get(reverse("cases:review_record", args=[follow.pk]))
    assert response.status_code == 200 and "Notiz zu 1" in response.text and "<form" not in response.text.split("<main")[-1].split("</main>")[0].replace('<form method="post" action="/logout', "")


# Review page: session, user, roles, session refresh = 6; contract with case and provider, review
# lookup, audit insert, goals, the chain of earlier contracts = 5 (their ratings +1 when there are).
REVIEW_PAGE_QUERIES = 11


def test_review_page_query_count(as_user, users, contract, django_assert_max_num_queries):
    client = as_user(users.case_manager)
    with django_assert_max_num_queries(REVIEW_PAGE_QUERIES):
        assert client.get(reverse("cases:review_record", args=[contract.pk])).status_code == 200
