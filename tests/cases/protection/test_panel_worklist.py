"""The § 8a panel on the case page (open assessment, list, trend) and the worklists' first section."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.protection import open_assessment_worklist_rows
from juwe import worklist
from tests.cases.factories import make_case
from tests.cases.protection.factories import make_report, record


def test_panel_shows_the_open_assessment_with_its_due_time(as_user, users, case):
    a = make_report(case, users.case_manager, urgency="72h", hours_ago=1)
    text = as_user(users.case_manager).get(reverse("cases:detail", args=[case.pk])).text
    assert 'class="protection-open"' in text
    assert f'datetime="{a.due_at.isoformat()}"' in text or a.due_at.astimezone().strftime("%d.%m.%Y") in text
    assert reverse("cases:protection_report", args=[case.pk]) in text


def test_panel_marks_a_late_assessment(as_user, users, case):
    make_report(case, users.case_manager, urgency="24h", hours_ago=30)
    text = as_user(users.case_manager).get(reverse("cases:detail", args=[case.pk])).text
    assert 'class="protection-open late"' in text and "badge overdue" in text


def test_panel_trend_has_a_table_alternative(as_user, users, case):
    for scale in (2, 4, 7):
        record(make_report(case, users.case_manager), users.case_manager, users.colleague, safety_scale=scale)
    text = as_user(users.case_manager).get(reverse("cases:detail", args=[case.pk])).text
    assert '<svg' in text and 'aria-describedby="protection-table"' in text and 'id="protection-table"' in text
    # the table lists each value (newest first)
    cells = [c for c in text.split('<td class="num">')[1:4]]
    assert [c.split("<")[0] for c in cells] == ["7", "4", "2"]


def test_panel_without_assessments(as_user, users, case):
    text = as_user(users.case_manager).get(reverse("cases:detail", args=[case.pk])).text
    assert 'id="protection"' in text and "<svg" not in text.split('id="protection"')[1].split("</section>")[0]


def test_closed_case_offers_no_report_button(as_user, users, case):
    from cases import services

    services.case_transition(case=case, user=users.case_manager, to_state="closed", reason="moved")
    text = as_user(users.case_manager).get(reverse("cases:detail", args=[case.pk])).text
    assert reverse("cases:protection_report", args=[case.pk]) not in text


def _section(user):
    return next((s for s in worklist.sections_for(user) if s["section"].key == "cases-protection-open"), None)


def test_open_assessments_head_the_worklists_sorted_by_due_time_late_ones_marked(users, org, case):
    other = make_case(users.colleague, org.walle)  # the colleague's case: on the team lead's list only
    late = make_report(case, users.case_manager, urgency="24h", hours_ago=30)
    soon = make_report(case, users.case_manager, urgency="immediate", hours_ago=1)
    later = make_report(other, users.colleague, urgency="72h", hours_ago=1)
    done = make_report(case, users.case_manager)
    record(done, users.case_manager, users.colleague)

    own = worklist.sections_for(users.case_manager)
    assert own[0]["section"].key == "cases-protection-open"
    assert [r["url"] for r in own[0]["rows"]] == [reverse("cases:protection_detail", args=[x.pk]) for x in (late, soon)]
    assert [r["overdue"] for r in own[0]["rows"]] == [True, True]  # "immediately" is due at once

    team = _section(users.team_lead)["rows"]
    assert [r["url"] for r in team] == [reverse("cases:protection_detail", args=[x.pk]) for x in (late, soon, later)]
    assert team[2]["overdue"] is False
    assert worklist.sections_for(users.team_lead)[0]["section"].key == "cases-protection-open"


@pytest.mark.parametrize("who", ["coordinator", "economic_aid", "leadership", "provider_staff", "admin"])
def test_other_roles_get_no_protection_section(users, who):
    assert _section(getattr(users, who)) is None


def test_other_teams_assessments_stay_off_the_worklist(users, org):
    foreign = make_case(users.other_case_manager, org.vahr)
    make_report(foreign, users.other_case_manager)
    assert _section(users.team_lead)["rows"] == []
    assert len(_section(users.other_case_manager)["rows"]) == 1


def test_home_page_shows_due_time_and_overdue(as_user, users, case):
    make_report(case, users.case_manager, urgency="24h", hours_ago=30)
    text = as_user(users.case_manager).get(reverse("home")).text
    section = text.split('id="wl-cases-protection-open"')[1].split("</section>")[0]
    assert case.reference in section and "<time" in section and 'class="overdue"' in section
    assert text.index("wl-cases-protection-open") < text.index("wl-cases-intake")


@pytest.mark.parametrize("who", ["case_manager", "team_lead"])
def test_worklist_query_count_is_constant(as_user, users, org, case, who, django_assert_max_num_queries):
    make_report(case, users.case_manager)
    client = as_user(getattr(users, who))
    # Our section reads one query (assessments with case and case manager, top of the partial index).
    client.get(reverse("home"))
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("home"))
    for i in range(5):
        c = make_case(users.case_manager, org.walle)
        make_report(c, users.case_manager, hours_ago=i + 1)
        make_report(c, users.case_manager, urgency="72h", hours_ago=i + 1)
    with django_assert_max_num_queries(30) as large:
        client.get(reverse("home"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_section_rows_take_one_query(users, org, case, django_assert_num_queries):
    for i in range(4):
        make_report(make_case(users.case_manager, org.walle), users.case_manager, hours_ago=i + 1)
    for who in ("case_manager", "team_lead"):
        user = getattr(users, who)
        assert user.roles  # loaded once per request (the middleware does it before the worklist)
        with django_assert_num_queries(1):
            rows = open_assessment_worklist_rows(user)
        assert len(rows) == 4


@pytest.mark.parametrize("n", [0, 4])
def test_panel_query_count_is_constant(as_user, users, case, n, django_assert_max_num_queries):
    from tests.cases.test_case_list import DETAIL

    for scale in range(n):
        record(make_report(case, users.case_manager), users.case_manager, users.colleague, safety_scale=scale)
    make_report(case, users.case_manager)
    client = as_user(users.case_manager)
    with django_assert_max_num_queries(DETAIL):
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_due_time_shown_in_local_time(as_user, users, case):
    a = make_report(case, users.case_manager, urgency="24h", hours_ago=1)
    from django.utils import timezone

    local = timezone.localtime(a.due_at)
    text = as_user(users.case_manager).get(reverse("cases:detail", args=[case.pk])).text
    assert f"{local:%d.%m.%Y %H:%M}" in text
    assert (a.due_at - a.received_at) == dt.timedelta(hours=24)
