"""The dataset of the access matrix (tests/juwe/test_access_matrix.py) and of the form fuzz test
(tests/juwe/test_form_fuzz.py), and how both send their requests.

One small office, built once per test module: everything the pages show lies in *scope A* (social
centre West, team Walle, districts Walle and Westend, lead provider A); the identities are one user
per role in scope A and the same roles in *scope B* (social centre Ost, team Vahr, district Vahr,
provider B) – the other team, other district, other provider and other social centre of the probe.

Case data carries marker strings, so a page can be searched for what it must not show (`markers`):
`SECRET` (case contents: only the case's team), `INTERNAL` (the contract's internal note: only the
case's team), `FAMILY` (the family's name: the case's team and, on contracts, the provider) and the
main case's reference (its team and the money side of its scope, which books costs on it).

`world` builds it once per test module inside one transaction, rolled back at the module's end; every
`request` runs in a savepoint rolled back afterwards, so requests cannot influence each other.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
import traceback
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.client import ClientHandler
from django.urls import reverse

from juwe import urls
from juwe.models import TeamPosts
from juwe.roles import Role
from tests.factories import (
    DistrictFactory,
    DistrictIndicatorFactory,
    ProviderFactory,
    SocialCenterFactory,
    TeamFactory,
    UserFactory,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# The matrix runs on a fixed day: statuses must not depend on the day the suite runs (tests/clock.py).
TODAY = dt.datetime(2026, 5, 12, 10, 0, tzinfo=BERLIN)

SECRET = "Geheimsache-Qx7"
INTERNAL = "Internvermerk-Zk4"
FAMILY = "Wendelstein"

# The identities of the matrix (one user each, built in _users); "anon" is the visitor without a login.
IDENTITIES: dict[str, str] = {
    "cm": "case manager of team Walle (own team)",
    "cm_b": "case manager of team Vahr (other team)",
    "tl": "team lead of team Walle",
    "tl_b": "team lead of team Vahr (other team)",
    "srk": "district coordinator of Walle and Westend",
    "srk_b": "district coordinator of Vahr (other district)",
    "wjh": "economic youth aid, whole office",
    "wjh_a": "economic youth aid bound to social centre West (own centre)",
    "wjh_b": "economic youth aid bound to social centre Ost (other social centre)",
    "lead": "leadership, whole office",
    "lead_b": "leadership of social centre Ost (other social centre)",
    "prov": "staff of provider A (lead provider in Walle/Westend)",
    "prov_b": "staff of provider B (other provider)",
    "admin": "administrator",
    "nobody": "a user without a role",
    "anon": "not logged in",
}
LOGGED_IN = [name for name in IDENTITIES if name != "anon"]


def _users(o) -> SimpleNamespace:
    u = SimpleNamespace()
    u.cm = UserFactory(username="m-cm", roles=[Role.CASE_MANAGER], team=o.team_a, first_name="Fall", last_name="Manager")
    u.cm2 = UserFactory(username="m-cm2", roles=[Role.CASE_MANAGER], team=o.team_a)  # the second pair of eyes
    u.cm_b = UserFactory(username="m-cm-b", roles=[Role.CASE_MANAGER], team=o.team_b)
    u.tl = UserFactory(username="m-tl", roles=[Role.TEAM_LEAD], team=o.team_a)
    u.tl_b = UserFactory(username="m-tl-b", roles=[Role.TEAM_LEAD], team=o.team_b)
    u.srk = UserFactory(username="m-srk", roles=[Role.DISTRICT_COORDINATOR], district_set=[o.walle, o.westend])
    u.srk_b = UserFactory(username="m-srk-b", roles=[Role.DISTRICT_COORDINATOR], district_set=[o.vahr])
    u.wjh = UserFactory(username="m-wjh", roles=[Role.ECONOMIC_AID])
    u.wjh_a = UserFactory(username="m-wjh-a", roles=[Role.ECONOMIC_AID], social_center=o.center_a)
    u.wjh_b = UserFactory(username="m-wjh-b", roles=[Role.ECONOMIC_AID], social_center=o.center_b)
    u.lead = UserFactory(username="m-lead", roles=[Role.LEADERSHIP])
    u.lead_b = UserFactory(username="m-lead-b", roles=[Role.LEADERSHIP], social_center=o.center_b)
    u.prov = UserFactory(username="m-prov", roles=[Role.PROVIDER_STAFF], provider=o.provider_a)
    u.prov_b = UserFactory(username="m-prov-b", roles=[Role.PROVIDER_STAFF], provider=o.provider_b)
    u.admin = UserFactory(username="m-admin", roles=[Role.ADMINISTRATOR])
    u.nobody = UserFactory(username="m-nobody")
    return u


def _org() -> SimpleNamespace:
    o = SimpleNamespace()
    o.center_a = SocialCenterFactory(code="m-sz-a", name="Sozialzentrum West")
    o.center_b = SocialCenterFactory(code="m-sz-b", name="Sozialzentrum Ost")
    o.team_a = TeamFactory(code="m-walle", name="Stadtteilteam Walle", social_center=o.center_a)
    o.team_b = TeamFactory(code="m-vahr", name="Stadtteilteam Vahr", social_center=o.center_b)
    o.walle = DistrictFactory(code="334", name="Walle", team=o.team_a)
    o.westend = DistrictFactory(code="333", name="Westend", team=o.team_a)
    o.vahr = DistrictFactory(code="511", name="Gartenstadt Vahr", team=o.team_b)
    o.provider_a = ProviderFactory(name="Stadtteilhaus West e. V.")
    o.provider_a.lead_districts.add(o.walle, o.westend)
    o.provider_b = ProviderFactory(name="Haus der Familie Ost e. V.")
    o.provider_b.lead_districts.add(o.vahr)
    DistrictIndicatorFactory(district=o.walle, year=2025)
    TeamPosts.objects.create(team=o.team_a, year=2026, case_manager_posts=Decimal("8.50"))
    return o


def _cases(w) -> None:
    from cases import conference as conf_svc
    from cases import services
    from cases.models import NetworkPerson, ResourceEntry
    from tests.cases.conference.factories import make_conference, make_item
    from tests.cases.contracts.factories import active_contract, conference_case, make_contract, sign
    from tests.cases.factories import add_contacts, add_maps, make_case
    from tests.cases.protection.factories import make_report, plan, record

    cm, tl = w.cm, w.tl
    family = {"child": ("Lina", FAMILY, dt.date(2014, 5, 3)), "parent": ("Sandra", FAMILY, dt.date(1986, 2, 11))}
    w.case = make_case(cm, w.walle, concern=f"Lina geht nicht mehr zur Schule. {SECRET}", **family)
    add_maps(w.case, cm)
    add_contacts(w.case, cm, 2)
    services.resource_save(case=w.case, user=cm, area="family", description=f"Tante hilft ({SECRET})",
                           named_by="family", strength=2)
    w.resource = ResourceEntry.objects.filter(case=w.case).first()
    w.network_person = NetworkPerson.objects.filter(case=w.case).first()

    # § 8a: one open assessment (the form), one recorded with a measure of the protection plan.
    w.assessment = make_report(w.case, cm, report=f"Blaue Flecken am Arm. {SECRET}")
    protected = make_case(cm, w.walle, child=("Mia", FAMILY, dt.date(2016, 1, 9)), parent=None)
    w.assessment_done = record(make_report(protected, cm), cm, w.cm2, result="endangerment", measures=plan())
    w.measure = w.assessment_done.measures.get()

    # A case conference of team Walle: participants, a case on the agenda with ideas and proposals.
    w.conference = make_conference(cm, chair=tl)
    conf_svc.participant_add(conference=w.conference, user=tl, participant_user=cm)
    w.participant = conf_svc.participant_add(conference=w.conference, user=tl, name="Frau Okafor", function="provider",
                                             provider=w.provider_a)
    w.item = make_item(w.conference, cm, w.walle, child=("Tom", FAMILY, dt.date(2012, 3, 1)))
    conf_svc.item_record(item=w.item, user=cm, presentation=f"Vorstellung {SECRET}")
    w.idea = conf_svc.idea_add(item=w.item, user=cm, text="Oma einbeziehen")
    w.proposal = w.item.proposals.first()

    # Contracts with provider A: a draft, a signed one waiting for approval, an active one.
    internal = {"internal_note": f"{INTERNAL}: Vater nicht kontaktieren.", "provider": w.provider_a}
    w.contract_draft = make_contract(conference_case(cm, w.walle, **family), cm, **internal)
    w.contract_signed = sign(make_contract(conference_case(cm, w.walle, **family), cm, **internal), cm)
    w.contract = active_contract(conference_case(cm, w.walle, **family), cm, tl, **internal)
    w.task = w.contract.tasks.order_by("position").first()


def _networks(w) -> None:
    from networks.services import offer_suggest
    from tests.networks.conftest import ensure_reference_data
    from tests.networks.factories import (
        AttendanceFactory,
        ContactPersonFactory,
        MeetingFactory,
        MemberOrganisationFactory,
        MembershipFactory,
        NetworkFactory,
        OfferFactory,
    )

    ensure_reference_data()
    w.organisation = MemberOrganisationFactory(name="Kita Walle", district=w.walle)
    w.contact_person = ContactPersonFactory(organisation=w.organisation, name="Frau Leitung")
    provider_org = MemberOrganisationFactory(name="Stadtteilhaus West – Büro Walle", district=w.walle,
                                             kind="provider", provider=w.provider_a)
    w.network = NetworkFactory(name="Netzwerk Frühe Hilfen West", social_center=w.center_a, coordinator=w.srk,
                               districts=[w.walle, w.westend])
    w.membership = MembershipFactory(network=w.network, organisation=w.organisation)
    MembershipFactory(network=w.network, organisation=provider_org)
    w.meeting = MeetingFactory(network=w.network)
    w.attendance = AttendanceFactory(meeting=w.meeting, organisation=w.organisation, person="Frau Leitung")
    w.offer = OfferFactory(organisation=w.organisation, title="Elterncafé Walle")
    w.suggestion = offer_suggest(user=w.cm, organisation=w.organisation, district=w.walle, title="Spielplatzpaten",
                                 age_from=3, age_to=10)


def _microprojects(w) -> None:
    from microprojects.models import ActionBudget, ActionGrant, ProjectPayment, Status, Supplement
    from tests.microprojects.factories import make_project, refer, set_budget

    set_budget(w.walle, "50000.00", year=2026)
    ActionBudget.objects.create(district=w.walle, year=2026, amount=Decimal("3000.00"))
    kwargs = {"districts": [w.walle, w.westend], "provider": w.provider_a, "created_by": w.cm}
    w.project_draft = make_project(status=Status.DRAFT, **kwargs)
    w.project_submitted = make_project(status=Status.SUBMITTED, **kwargs)
    w.project_approved = make_project(status=Status.APPROVED, **kwargs)
    w.project = make_project(status=Status.RUNNING, **kwargs)
    refer(w.project, w.case, w.cm)
    w.supplement = Supplement.objects.create(project=w.project, requested_amount=Decimal("500.00"),
                                             reason="Zweite Gruppe", requested_by=w.cm)
    w.payment = ProjectPayment.objects.create(project=w.project, paid_on=dt.date(2026, 3, 2), amount=Decimal("500.00"),
                                              provider=w.provider_a, invoice_number="R-1", created_by=w.wjh)
    grant = {"district": w.walle, "year": 2026, "applicant": "Nachbarschaftsverein", "purpose": "Material",
             "amount": Decimal("300.00"), "requested_by": w.cm}
    w.grant = ActionGrant.objects.create(title="Straßenfest", **grant)
    w.grant_granted = ActionGrant.objects.create(title="Laternenumzug", status=ActionGrant.Status.GRANTED,
                                                 criteria=["concrete_activity"], proof_due=dt.date(2026, 8, 1), **grant)


def _budgets(w) -> None:
    from budgets import services
    from budgets.models import PotTransfer
    from tests.budgets.factories import CostEntryFactory, make_budget

    w.budget = make_budget(w.lead, w.walle, year=2026, amount="1200000.00", provider=w.provider_a)
    # On the main case, which has no contract: its reference is seen by the money side, not by the provider.
    w.cost_entry = CostEntryFactory(budget=w.budget, booking_date=dt.date(2026, 3, 15), case=w.case,
                                    note="Familienhilfe März")
    # Last year's budget of Walle: settlement prepared, waiting for leadership.
    last_year = make_budget(w.lead, w.walle, year=2025, amount="1000000.00", provider=w.provider_a)
    CostEntryFactory(budget=last_year, booking_date=dt.date(2025, 3, 15), amount=Decimal("900000.00"))
    w.settlement = services.settlement_prepare(user=w.wjh, budget=last_year, today=dt.date(2026, 1, 5))
    w.budget_last_year = last_year
    # Westend 2025 ended in a deficit (final); economic youth aid asked the pot to cover part of it.
    deficit = make_budget(w.lead, w.westend, year=2025, amount="100000.00", provider=w.provider_a)
    CostEntryFactory(budget=deficit, booking_date=dt.date(2025, 3, 15), amount=Decimal("150000.00"))
    final = services.settlement_prepare(user=w.wjh, budget=deficit, today=dt.date(2026, 1, 5))
    final = services.settlement_finalize(user=w.lead, settlement=final, today=dt.date(2026, 1, 6))
    w.pot_transfer = PotTransfer.objects.create(year=2025, settlement=final, amount=Decimal("1000.00"),
                                                reason="Defizit Westend", requested_by=w.wjh)


def _admin(w) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.contenttypes.models import ContentType

    from juwe.models import District

    seen = {"user_agent": "Firefox", "ip_address": "192.0.2.7", "username": "m-cm", "http_accept": "*/*",
            "path_info": "/anmelden/"}
    AccessAttempt.objects.create(get_data="", post_data="", failures_since_start=2, **seen)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    w.district_type = ContentType.objects.get_for_model(District)


def build() -> SimpleNamespace:
    """Create the office, the identities and one object for every URL parameter of the application."""
    w = SimpleNamespace()
    o = _org()
    w.__dict__.update(o.__dict__)
    w.__dict__.update(_users(o).__dict__)
    _cases(w)
    _networks(w)
    _microprojects(w)
    _budgets(w)
    _admin(w)
    # label -> (what a page must not show, who may see it)
    w.markers = {
        "case contents": (re.compile(SECRET), {"cm", "tl"}),
        "internal note": (re.compile(INTERNAL), {"cm", "tl"}),
        "family name": (re.compile(FAMILY), {"cm", "tl", "prov"}),  # provider A: on its contracts
        # The main case's reference: its team, and the money side of its scope (the cost entry on it);
        # and Administration on the audit trail's pages only, which name the file each event is about
        # (reading the audit trail is its job; names and contents never reach the trail – see
        # tests/security/test_audit_coverage.py). No other page shows the reference to it (403 there).
        "case reference": (re.compile(re.escape(w.case.reference) + r"(?!\d)"), {"cm", "tl", "wjh", "wjh_a", "lead", "admin"}),
    }
    return w


# --- The dataset as a fixture and the requests ------------------------------------------------------


def url(w, name: str, args=(), query: str = "") -> str:
    """The URL of a pattern. Arguments: a name of an object of the dataset (its pk), "name.field" for
    another attribute, a number or "=text" as it is; the query may name objects as {w.name.pk}."""
    values = []
    for arg in args:
        if isinstance(arg, str) and arg.startswith("="):
            values.append(arg[1:])
        elif isinstance(arg, str):
            obj_name, _dot, attr = arg.partition(".")
            values.append(getattr(getattr(w, obj_name), attr or "pk"))
        else:
            values.append(arg)
    path = reverse(name, args=values)
    return f"{path}?{query.format(w=w)}" if query else path


# Tables a refused request or a GET may still write: the audit trail, the session, login tracking.
WRITE_EXEMPT = {"juwe_auditevent", "django_session", "axes_accessattempt", "axes_accesslog",
                "axes_accessfailurelog", "juwe_figuresnapshot"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The dataset and one logged-in client per identity, in a transaction rolled back at the end."""
    traveller = time_machine.travel(TODAY, tick=True)
    traveller.start()
    # The session is not saved on every request here: one write less per request, nothing the matrix looks at.
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], SESSION_SAVE_EVERY_REQUEST=False
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build()
            w.handler, w.factory, w.sessions = ClientHandler(enforce_csrf_checks=False), RequestFactory(), {}
            for name in LOGGED_IN:
                client = Client()
                client.force_login(getattr(w, name))
                w.sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            traveller.stop()


def _plain_error_page(status: int):
    def view(request, exception=None):
        return HttpResponse(status=status)

    return view


@pytest.fixture(autouse=True)
def lean_requests(monkeypatch):
    """Thousands of refusals: answered by a plain 403/404 handler (the error pages have their own tests; the
    matrix wants the status), without a logged traceback each (a 500 is reported by the matrix itself);
    PDFs without WeasyPrint's layout."""
    monkeypatch.setattr(urls, "handler403", _plain_error_page(403), raising=False)
    monkeypatch.setattr(urls, "handler404", _plain_error_page(404), raising=False)
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda self, *a, **kw: b"%PDF-1.7 matrix")
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+"?([\w.]+)"?', re.IGNORECASE)


class WriteRecorder:
    """Names the tables a request writes to (every statement passes Django's execute wrapper)."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        if match := WRITE_SQL.match(sql):
            self.tables.add(match.group(1))
        return execute(sql, params, many, context)


@dataclass
class Answer:
    code: str
    writes: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    error: str = ""
    body: str = ""
    location: str = ""
    followed_code: str = ""
    followed_body: str = ""


def _text(response) -> str:
    """The body of a text response (HTML, CSV, SVG); empty for PDFs and streams."""
    if response.streaming or "pdf" in response.get("Content-Type", ""):
        return ""
    return response.content.decode(errors="replace")


def request(w, identity: str, method: str, url: str, data=None, then_get: bool = False) -> Answer:
    """One request as `identity`, in a savepoint that is rolled back afterwards. Straight to Django's test
    handler (no test client: it copies every template context, which the matrix does not need). With
    `then_get`, a redirect is followed once inside the same savepoint (the page after a saved form)."""
    cookie = {} if identity == "anon" else {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={w.sessions[identity]}"}
    writes, errors = WriteRecorder(), []

    def server_error(sender, request, **kwargs):
        errors.append("".join(traceback.format_exception(*sys.exc_info(), limit=-8)))

    got_request_exception.connect(server_error)
    try:
        with transaction.atomic(), connection.execute_wrapper(writes):
            built = w.factory.get(url, **cookie) if method == "GET" else w.factory.post(url, data or {}, **cookie)
            response = w.handler(built.environ)
            answer = Answer(str(response.status_code), error="".join(errors))
            answer.body = _text(response)
            location = response.headers.get("Location", "")
            if response.status_code == 302 and ("/anmelden/" in location or "/admin/login/" in location):
                answer.code = "login"
            if response.status_code == 200:
                answer.shown = [label for label, (pattern, _who) in w.markers.items() if pattern.search(answer.body)]
            answer.writes = sorted(writes.tables - WRITE_EXEMPT)
            if then_get and response.status_code == 302 and location.startswith("/"):
                answer.location = location
                followed = w.handler(w.factory.get(location, **cookie).environ)
                answer.followed_code, answer.followed_body = str(followed.status_code), _text(followed)
                answer.error = "".join(errors)
            transaction.set_rollback(True)
    finally:
        got_request_exception.disconnect(server_error)
    return answer
