"""Worklist sections: upcoming conferences and cases back after a veto, constant query count."""

from django.urls import reverse

from cases import conference as svc
from cases.models import Vote
from tests.cases.conference.factories import make_conference, make_item


def _veto(item):
    votes = [svc.VoteInput(p, Vote.VETO, "Familie nicht gefragt") for p in item.conference.participants.all()]
    return svc.votes_record(item=item, user=item.case.case_manager, votes=votes)


def test_sections_show_on_the_home_page(as_user, users, org):
    conf = make_conference(users.case_manager, days=2, place="Raum 2.14")
    item = make_item(conf, users.case_manager, org.walle)
    _veto(item)
    page = as_user(users.case_manager).get(reverse("home")).text
    assert reverse("cases:conference_detail", args=[conf.pk]) in page
    assert reverse("cases:conference_item", args=[item.pk]) in page


def test_far_and_past_conferences_are_not_upcoming(users, org):
    make_conference(users.case_manager, days=30)
    make_conference(users.case_manager, days=-2)
    assert svc.upcoming_conference_rows(users.case_manager) == []
    assert svc.upcoming_conference_rows(users.other_case_manager) == []


def test_vetoed_cases_for_their_case_manager_and_the_team_lead(users, org):
    conf = make_conference(users.case_manager)
    _veto(make_item(conf, users.case_manager, org.walle))
    assert len(svc.returned_item_rows(users.case_manager)) == 1
    assert len(svc.returned_item_rows(users.team_lead)) == 1
    assert svc.returned_item_rows(users.colleague) == []
    assert svc.returned_item_rows(users.other_case_manager) == []


def test_each_section_is_one_query(users, org, django_assert_num_queries):
    assert users.team_lead.roles  # loaded once per request by the login, not by the sections
    for n in (1, 4):
        for _ in range(n):
            conf = make_conference(users.case_manager, days=1)
            _veto(make_item(conf, users.case_manager, org.walle))
        with django_assert_num_queries(1):
            svc.upcoming_conference_rows(users.team_lead)
        with django_assert_num_queries(1):
            svc.returned_item_rows(users.team_lead)
