"""The offer directory in the browser: a case manager suggests an offer, the coordinator finds the
suggestion on her worklist and publishes it, and the case manager then finds it by searching "Eltern"."""

import os

import pytest

from networks.models import Offer, OfferStatus
from tests.networks.conftest import ensure_reference_data
from tests.networks.factories import MemberOrganisationFactory

SHOTS = os.environ.get("JUWE_SCREENSHOTS")  # set to a folder to keep screenshots for review


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"networks-{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


def test_suggested_offer_is_published_and_found(login, users, org, live_server, page):
    MemberOrganisationFactory(name="Familienzentrum Walle", district=org.walle, kind="family_centre")
    page = login(users.case_manager)
    page.get_by_role("link", name="Angebote (Stadtteilkarte)").click()
    page.get_by_role("link", name="Angebot vorschlagen").click()
    page.get_by_label("Organisation").select_option(label="Familienzentrum Walle")
    page.get_by_label("Stadtteil").select_option(label="Walle")
    page.get_by_label("Titel").fill("Elterncafé am Waller Ring")
    page.get_by_label("Alter von (Jahre)").fill("0")
    page.get_by_label("Alter bis (Jahre)").fill("6")
    page.get_by_label("Erziehung und Familie").check()
    _shot(page, "suggest")
    page.get_by_role("button", name="Speichern").click()
    assert "die Sozialraumkoordination bestätigt es" in page.content()

    page.context.clear_cookies()
    page = login(users.coordinator)
    page.get_by_role("link", name="Elterncafé am Waller Ring (Walle)").click()
    page.get_by_role("button", name="Annehmen und veröffentlichen").click()
    assert Offer.objects.get().status == OfferStatus.PUBLISHED

    page.context.clear_cookies()
    page = login(users.case_manager)
    page.goto(f"{live_server.url}/netzwerke/angebote/?q=Eltern&age=4")
    _shot(page, "search")
    assert page.get_by_role("link", name="Elterncafé am Waller Ring").is_visible()


def test_coverage_matrix_renders_for_leadership(login, users, live_server):
    page = login(users.leadership)
    assert page.get_by_role("link", name="Abdeckung").is_visible()
    page.goto(f"{live_server.url}/netzwerke/abdeckung/")
    assert page.get_by_role("heading", level=1).inner_text() == "Netzwerk-Abdeckung"
    html = page.content()
    assert html.count('<td class="cell-gap">Lücke</td>') == 3 * 6  # no networks yet: every district × cohort
