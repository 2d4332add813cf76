"""The printed contract: produced with WeasyPrint, with goals and the family's name, audited, without the internal note."""

import io
import os

import pytest
from django.urls import reverse
from pypdf import PdfReader

from juwe.models import AuditEvent
from tests.cases.contracts.factories import make_contract, sign

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    if path := os.environ.get("JUWE_CONTRACT_PDF"):  # to look at it: pdftoppm -png -r 70 $path
        with open(path, "wb") as f:
            f.write(pdf)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_has_goals_family_name_and_is_audited(case, users, as_user, org):
    contract = sign(make_contract(case, users.case_manager, n_goals=3, n_tasks=8, provider=org.provider_a), users.case_manager)
    response = as_user(users.case_manager).get(reverse("cases:contract_pdf", args=[contract.pk]))
    assert response.status_code == 200
    text = _text(response)
    assert "Petersen" in text
    assert "Lina geht wieder gern zur Schule." in text
    assert "Wir streiten weniger beim Abendessen." in text
    assert "Seite 1 von" in text
    event = AuditEvent.objects.get(name="cases.contract.printed")
    assert (event.user, event.action, event.object_id) == (users.case_manager, "print", str(contract.pk))


def test_pdf_never_shows_the_internal_note(case, users, as_user):
    contract = make_contract(case, users.case_manager)
    text = _text(as_user(users.case_manager).get(reverse("cases:contract_pdf", args=[contract.pk])))
    assert "GEHEIM-INTERN" not in text


def test_provider_staff_print_signed_contract_of_their_provider_only(case, users, as_user, org):
    draft = make_contract(case, users.case_manager, provider=org.provider_a)
    client = as_user(users.provider_staff)
    assert client.get(reverse("cases:contract_pdf", args=[draft.pk])).status_code == 404  # a draft is the office's
    sign(draft, users.case_manager)
    assert "GEHEIM-INTERN" not in _text(client.get(reverse("cases:contract_pdf", args=[draft.pk])))
