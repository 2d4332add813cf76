"""Administrators maintain the age cohorts and the model rules of procedure in the Django admin."""

from django.urls import reverse

from networks.models import AgeCohort


def test_administrator_edits_an_age_cohort(as_user, users):
    cohort = AgeCohort.objects.get(code="junge-volljaehrige")
    client = as_user(users.admin)
    url = reverse("admin:networks_agecohort_change", args=[cohort.pk])
    assert client.get(reverse("admin:networks_agecohort_changelist")).status_code == 200
    response = client.post(url, {"code": cohort.code, "name": "Junge Erwachsene", "age_from": 18, "age_to": 27,
                                 "position": 6})
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "Junge Erwachsene"


def test_cohort_with_upper_age_not_above_lower_is_refused_in_german(as_user, users):
    response = as_user(users.admin).post(reverse("admin:networks_agecohort_add"),
                                         {"code": "x", "name": "Falsch", "age_from": 10, "age_to": 6, "position": 9})
    assert "Das obere Alter muss größer sein als das untere." in response.text
    assert not AgeCohort.objects.filter(code="x").exists()


def test_coordinator_cannot_reach_the_admin(as_user, users):
    response = as_user(users.coordinator).get(reverse("admin:networks_agecohort_changelist"))
    assert response.status_code in (302, 403)
