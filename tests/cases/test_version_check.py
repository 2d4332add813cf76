"""Two people editing the same case cannot silently overwrite each other."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services
from cases.models import Case


def edit(case, **values):
    data = {"version": case.version, "first_contact_source": case.first_contact_source, "concern": case.concern,
            "will": "", "goals": ""}
    data.update(values)
    return data


def test_second_save_with_old_version_is_refused_and_nothing_overwritten(as_user, users, case):
    url = reverse("cases:edit", args=[case.pk])
    first, second = as_user(users.case_manager), None
    assert first.post(url, edit(case, will="Wir wollen wieder zusammen frühstücken.")).status_code == 302
    second = as_user(users.colleague)  # same client object, other user; posts the version they loaded
    response = second.post(url, edit(case, will="Etwas ganz anderes"))
    assert response.status_code == 422
    assert "Jemand anderes hat diesen Fall inzwischen geändert" in response.text
    assert "Etwas ganz anderes" in response.text  # the typed text is kept for copying
    saved = Case.objects.get(pk=case.pk)
    assert saved.will == "Wir wollen wieder zusammen frühstücken." and saved.version == case.version + 1


def test_stale_transition_is_refused(users, case):
    services.case_classify(case=case, user=users.colleague, classification="service", reason="Anfrage der Mutter", version=case.version)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=case, user=users.case_manager, to_state="counselling", version=case.version)
    assert exc.value.error_list[0].code == "stale"
    assert Case.objects.get(pk=case.pk).state == "intake"


def test_will_and_goals_cannot_be_emptied_once_on_the_way_to_help(users, case):
    from tests.cases.factories import with_will_and_goals

    case = with_will_and_goals(case, users.case_manager)
    case = services.case_transition(case=case, user=users.case_manager, to_state="counselling")
    case = services.case_transition(case=case, user=users.case_manager, to_state="conference")
    with pytest.raises(ValidationError) as exc:
        services.case_update(case=case, user=users.case_manager, version=case.version, concern="", will="", goals="x",
                             first_contact_source="self")
    assert set(exc.value.message_dict) == {"will"}
