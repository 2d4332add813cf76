"""Falleinordnung: reason required, history kept, Gefährdungsbereich starts child protection."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services
from cases.models import Case, ClassificationChange
from juwe import worklist


def test_every_classification_is_kept_with_reason(users, case):
    cm = users.case_manager
    services.case_classify(case=case, user=cm, classification="service", reason="Mutter bittet um Unterstützung")
    services.case_classify(case=case, user=users.colleague, classification="grey", reason="Kita meldet wiederholt Hunger")
    history = list(ClassificationChange.objects.filter(case=case).values_list("previous", "classification", "reason", "changed_by"))
    assert history == [
        ("", "service", "Mutter bittet um Unterstützung", cm.pk),
        ("service", "grey", "Kita meldet wiederholt Hunger", users.colleague.pk),
    ]


def test_classification_needs_a_reason(users, case):
    with pytest.raises(ValidationError) as exc:
        services.case_classify(case=case, user=users.case_manager, classification="grey", reason="  ")
    assert exc.value.message_dict == {"reason": ["Bitte begründen Sie die Falleinordnung."]}
    assert not ClassificationChange.objects.exists()


def test_danger_marks_child_protection_and_reaches_the_team_leads_worklist(users, case):
    services.case_classify(case=case, user=users.case_manager, classification="danger", reason="Hämatome, Polizei informiert")
    case.refresh_from_db()
    assert case.child_protection is True
    rows = next(s["rows"] for s in worklist.sections_for(users.team_lead) if s["section"].key == "cases-child-protection")
    assert [r["label"] for r in rows] == [case.reference]
    # Case managers do not get the team lead's section.
    assert all(s["section"].key != "cases-child-protection" for s in worklist.sections_for(users.case_manager))


def test_classification_form_shows_history_and_keeps_input_on_error(as_user, users, case):
    client = as_user(users.case_manager)
    url = reverse("cases:classify", args=[case.pk])
    response = client.post(url, {"version": case.version, "classification": "grey", "reason": ""})
    assert response.status_code == 422 and "Dieses Feld ist zwingend erforderlich." in response.text
    response = client.post(url, {"version": case.version, "classification": "grey", "reason": "Sorge der Schule"})
    assert response.status_code == 302
    text = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "Falleinordnung: Graubereich" in text and "Sorge der Schule" in text
    assert Case.objects.get(pk=case.pk).classification == "grey"
