"""Progress notes: provider staff of the contract's provider and the case's team write them, while the
contract is signed or active."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import ContractState, TaskNote
from cases.reviews import MSG_NOTE_DRAFT, MSG_NOTE_EMPTY, MSG_NOTE_ENDED, task_note_add
from tests.cases.reviews.factories import make_contract


def _url(task):
    return reverse("cases:task_note_add", args=[task.contract_id, task.pk])


@pytest.mark.parametrize("who", ["provider_staff", "case_manager", "colleague", "team_lead"])
def test_provider_and_team_write_notes(as_user, users, contract, who):
    task = contract.tasks.get(position=2)
    response = as_user(getattr(users, who)).post(_url(task), {"text": "  Morgenroutine klappt an 3 Tagen.  "})
    assert response.status_code == 302
    note = TaskNote.objects.get()
    assert (note.task, note.text, note.written_by) == (task, "Morgenroutine klappt an 3 Tagen.", getattr(users, who))


def test_htmx_returns_the_task_with_the_new_note(as_user, users, contract):
    task = contract.tasks.get(position=2)
    response = as_user(users.provider_staff).post(_url(task), {"text": "Erster Termin war gut."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="task-{task.pk}"' in response.text and "Erster Termin war gut." in response.text


def test_empty_note_is_refused_and_the_page_keeps_the_form(as_user, users, contract):
    task = contract.tasks.first()
    client = as_user(users.provider_staff)
    response = client.post(_url(task), {"text": "   "})
    assert response.status_code == 422
    assert str(MSG_NOTE_EMPTY) in response.text
    response = client.post(_url(task), {"text": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and str(MSG_NOTE_EMPTY) in response.text
    assert not TaskNote.objects.exists()
    with pytest.raises(ValidationError):
        task_note_add(task=task, user=users.provider_staff, text=" ")


def test_ended_contract_refuses_notes(users, help_case, org, as_user):
    contract = make_contract(help_case, provider=org.provider_a, state=ContractState.ENDED)
    task = contract.tasks.first()
    with pytest.raises(ValidationError) as error:
        task_note_add(task=task, user=users.provider_staff, text="Noch ein Nachtrag")
    assert error.value.messages == [str(MSG_NOTE_ENDED)]
    response = as_user(users.case_manager).post(_url(task), {"text": "Nachtrag"})
    assert response.status_code == 422 and str(MSG_NOTE_ENDED) in response.text
    assert not TaskNote.objects.exists()


def test_draft_refuses_notes_even_for_the_team(users, help_case, org):
    contract = make_contract(help_case, provider=org.provider_a, state=ContractState.DRAFT)
    with pytest.raises(ValidationError) as error:
        task_note_add(task=contract.tasks.first(), user=users.case_manager, text="Vorab")
    assert error.value.messages == [str(MSG_NOTE_DRAFT)]


@pytest.mark.parametrize("who,status", [("coordinator", 404), ("economic_aid", 404), ("other_case_manager", 404),
                                        ("leadership", 404), ("admin", 404)])
def test_others_cannot_write(as_user, users, contract, who, status):
    task = contract.tasks.first()
    assert as_user(getattr(users, who)).post(_url(task), {"text": "x"}).status_code == status
    with pytest.raises(PermissionDenied):
        task_note_add(task=task, user=getattr(users, who), text="x")
    assert not TaskNote.objects.exists()


def test_staff_of_another_provider_cannot_write(users, help_case, org):
    from tests.factories import UserFactory
    from juwe.roles import Role

    other = UserFactory(username="prov-b", roles=[Role.PROVIDER_STAFF], provider=org.provider_b)
    contract = make_contract(help_case, provider=org.provider_a)
    with pytest.raises(PermissionDenied):
        task_note_add(task=contract.tasks.first(), user=other, text="x")


def test_notes_show_on_the_contract_extras_for_caseworkers(rf, users, contract):
    from django.template.loader import render_to_string

    task = contract.tasks.first()
    task_note_add(task=task, user=users.provider_staff, text="Lina war pünktlich.")
    request = rf.get("/")
    request.user = users.case_manager
    html = render_to_string("cases/reviews/_contract_extras.html", {"contract": contract}, request=request)
    assert "Lina war pünktlich." in html
    assert reverse("cases:task_note_add", args=[contract.pk, task.pk]) in html
    assert reverse("cases:review_record", args=[contract.pk]) in html


@pytest.mark.parametrize("next_", ["Fortschritt", "https://evil.example/", "//evil.example/", ""])
def test_a_next_that_is_no_path_of_the_site_returns_to_the_providers_page(as_user, users, contract, next_):
    task = contract.tasks.first()
    response = as_user(users.provider_staff).post(_url(task), {"text": "Termin war gut.", "next": next_})
    assert response.status_code == 302
    assert response.url == reverse("cases:provider_contract_detail", args=[contract.pk])


def test_a_next_on_the_site_is_followed(as_user, users, contract):
    task = contract.tasks.first()
    back = reverse("cases:contract_detail", args=[contract.pk])
    response = as_user(users.case_manager).post(_url(task), {"text": "Termin war gut.", "next": back})
    assert response.status_code == 302 and response.url == back
