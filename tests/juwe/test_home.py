import pytest
from django.urls import reverse

from juwe import worklist


@pytest.mark.parametrize("who", ["case_manager", "team_lead", "coordinator", "economic_aid", "leadership", "provider_staff", "admin"])
def test_every_role_lands_on_a_worklist(as_user, users, who):
    response = as_user(getattr(users, who)).get(reverse("home"))
    assert response.status_code == 200
    assert "Arbeitsliste" in response.text
    assert 'href="#main"' in response.text  # skip link


def test_menu_follows_the_policy(as_user, users):
    assert "/admin/" in as_user(users.admin).get(reverse("home")).text
    assert "/admin/" not in as_user(users.case_manager).get(reverse("home")).text


def test_registered_section_shows_for_permitted_roles_only(as_user, users):
    section = worklist.Section(
        key="test", title="Testabschnitt", perm="juwe.administer", rows=lambda user: [{"label": "eins", "url": "/x/"}], template="juwe/_worklist_simple.html"
    )
    worklist.register(section)
    try:
        assert "Testabschnitt" in as_user(users.admin).get(reverse("home")).text
        assert "Testabschnitt" not in as_user(users.case_manager).get(reverse("home")).text
    finally:
        worklist._SECTIONS.pop("test")


# Base: session, user, roles, session refresh (UPDATE in a savepoint: 3) = 6; each worklist
# worklist section the role sees adds its scoped queries (each section's count is pinned
# against growing data in its app's tests). Measured per role; a rise means a section grew.
HOME_QUERIES = {
    "case_manager": 7,
    "team_lead": 11,
    "coordinator": 16,
    "economic_aid": 7,
    "leadership": 8,
    "provider_staff": 6,
    "admin": 6,
}
# Case file II worklist sections, one dict per part (role -> added queries).
HOME_CONFERENCE: dict[str, int] = {"case_manager": 2, "team_lead": 2}  # upcoming conferences, vetoed cases
HOME_CONTRACTS: dict[str, int] = {"team_lead": 1}  # signed contracts waiting for approval: one query
HOME_REVIEWS: dict[str, int] = {"case_manager": 1, "team_lead": 1, "provider_staff": 1}  # reviews due; provider: active contracts
HOME_PROTECTION: dict[str, int] = {"case_manager": 1, "team_lead": 1}  # open assessments, one query
# Leadership: prepared settlements to finalize, requested pot transfers to decide – one query each.
HOME_SETTLEMENTS: dict[str, int] = {"leadership": 2}
# Leadership: micro-project supplements over the prevention frame waiting for its decision – one query.
HOME_SUPPLEMENTS: dict[str, int] = {"leadership": 1}
HOME_BUDGETS = {
    who: base + sum(part.get(who, 0) for part in (HOME_CONFERENCE, HOME_CONTRACTS, HOME_REVIEWS, HOME_PROTECTION,
                                            HOME_SETTLEMENTS, HOME_SUPPLEMENTS))
    for who, base in HOME_QUERIES.items()
}


@pytest.mark.parametrize("who,budget", HOME_BUDGETS.items())
def test_home_query_count(as_user, users, who, budget, django_assert_max_num_queries):
    client = as_user(getattr(users, who))
    with django_assert_max_num_queries(budget):
        assert client.get(reverse("home")).status_code == 200


def test_menu_marks_only_the_most_specific_entry_as_current(as_user, users):
    page = as_user(users.case_manager).get(reverse("cases:conference_list")).text
    assert page.count('aria-current="page"') == 1
    assert 'href="/faelle/fallbesprechungen/" aria-current="page"' in page
