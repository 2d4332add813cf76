"""The access matrix: every URL pattern of the application × every role, in and out of scope.

The probe of issue 13, kept as a test. Each URL pattern of the URL conf has one line in `MATRIX`
with the answer every identity gets for GET and for POST; the identities are one user per role in
the scope of the objects shown (social centre West, team Walle, provider A) and the same roles in
another scope (other team, other district, other provider, other social centre – economic youth
aid bound to one social centre included), an administrator, a user without a role and an anonymous
visitor (see tests/juwe/matrix_world.py).

A line reads like the access policy: `"200 cm tl | 404 *"` = case manager and team lead of the
case's team get 200, every other logged-in identity 404 (`*`); an identity not named, without a
`*`, gets 403; the anonymous visitor is sent to the login unless the line names `anon`. For POST,
`ok` means the request was accepted (200, 302, 400 or 422 – the form answered). Every request also
must not:

- answer 500 (the traceback is shown),
- write anything but audit events and the session when refused (403, 404, 405, login) or on GET
  (every INSERT, UPDATE and DELETE statement is seen through Django's execute wrapper),
- show case contents (`SECRET`), a contract's internal note (`INTERNAL`) or the family's name
  (`FAMILY`) to anyone but the case's team (the provider: the family's name on its contracts).

A URL pattern without a line fails `test_every_url_pattern_has_a_line`, naming it: a new view
cannot slip in without someone deciding who may open it. When a line fails, the message shows
the line as observed; check it against the access policy (DESIGN.md) before copying it.

The dataset is built once per module (and xdist worker) inside one transaction; every request runs
in a savepoint that is rolled back, so requests cannot influence each other. For speed (about 4,000
requests), refusals are answered by a plain 403/404 handler instead of the error pages, and PDFs are
rendered from their templates but not laid out by WeasyPrint; both have tests of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.admin import AdminSite
from django.contrib.admin import site as admin_site
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.juwe.matrix_world import IDENTITIES, LOGGED_IN, lean_requests, request, url, world  # noqa: F401 (fixtures)

REFUSED = {"403", "404", "405", "login"}
ACCEPTED = {200, 302, 400, 422}  # "ok" for a POST: the form or action answered


@dataclass(frozen=True)
class Line:
    """One URL pattern (with its arguments and query) and what every identity gets for GET and POST.
    Without `post` the view takes no POST: POSTing it must answer like GET (or 405) and write nothing."""

    name: str
    args: tuple = ()
    get: str = ""
    post: str | None = None
    query: str = ""
    note: str = ""


# fmt: off
# Arguments: a name of an object of the dataset (its pk), "name.field" for another attribute,
# a number or "=text" as it is.
SCOPE = "ebene=stadtteil&id={w.walle.pk}"  # controlling: the district Walle
CASE_TEAM = "200 cm tl | 404 *"  # case contents: the case's team; for everybody else the file does not exist
CASE_TEAM_POST = "ok cm tl | 404 *"
OTHER_SCOPES = "cm_b tl_b srk_b wjh_b lead_b prov_b"  # the same roles in team Vahr / social centre Ost / provider B

MATRIX: list[Line] = [
    # --- Core: home, login, password, language, health check ----------------------------------------------
    Line("home",                                  get="200 *"),
    Line("login",                                 get="200 anon | 302 *", post="200 anon | 302 *"),
    Line("logout",                                get="405 *", post="login * | login anon"),
    Line("password_change",                       get="200 *", post="ok *"),
    Line("password_change_done",                  get="200 *"),
    Line("set_language",                          get="302 *", post="ok *"),
    Line("healthz",                               get="200 * | 200 anon"),
    # District profiles: every role with a scope, for the districts in it (provider: its lead districts).
    Line("district_list",                         get="200 * | 403 nobody"),
    Line("district_compare", query="a=334&b=333", get=f"200 * | 404 {OTHER_SCOPES} | 403 nobody"),
    Line("district_profile", ("walle.code",),     get=f"200 * | 404 {OTHER_SCOPES} | 403 nobody"),
    # --- Controlling (figures of district Walle): leadership, team lead, coordinator (prevention), WJH (money)
    Line("controlling:dashboard", query=SCOPE + "&jahr=2025",
         get="200 tl srk wjh wjh_a lead | 404 tl_b srk_b wjh_b lead_b"),
    Line("controlling:report_pdf", query=SCOPE + "&jahr=2025",
         get="200 tl srk wjh wjh_a lead | 404 tl_b srk_b wjh_b lead_b"),
    # A money table: the coordinator's dashboard has none (404 like an unknown table).
    Line("controlling:table_export", ("=budgetbereiche", "=csv"), query=SCOPE + "&jahr=2025",
         get="200 tl wjh wjh_a lead | 404 srk tl_b srk_b wjh_b lead_b"),
    Line("controlling:key_figures_csv", query=SCOPE + "&von=2025-01-01&bis=2025-12-31",
         get="200 tl srk wjh wjh_a lead | 404 tl_b srk_b wjh_b lead_b"),
    # Staffing opens on the user's own scope (no parameter to point elsewhere).
    Line("controlling:staffing",                  get="200 tl tl_b lead lead_b"),
    Line("controlling:staffing_export", ("=csv",), get="200 tl tl_b lead lead_b"),
    # --- Networks: coordinators manage their districts; office roles and member providers read -------------
    Line("networks:network_list",                 get="200 * | 403 wjh wjh_a wjh_b nobody"),
    Line("networks:network_create",               get="200 srk srk_b", post="ok srk srk_b"),
    Line("networks:network_detail", ("network",), get="200 * | 404 srk_b lead_b prov_b | 403 wjh wjh_a wjh_b nobody"),
    Line("networks:network_edit", ("network",),   get="200 srk | 404 srk_b", post="ok srk | 404 srk_b"),
    Line("networks:network_adopt_rules", ("network",), get="405 *", post="ok srk | 404 srk_b"),
    Line("networks:membership_add", ("network",), get="200 srk | 404 srk_b", post="ok srk | 404 srk_b"),
    Line("networks:meeting_create", ("network",), get="200 srk | 404 srk_b", post="ok srk | 404 srk_b"),
    Line("networks:membership_end", ("membership",), get="200 srk | 404 srk_b", post="ok srk | 404 srk_b"),
    # The meeting page takes the attendance form (POST) from the network's coordinator; readers get the page.
    Line("networks:meeting_detail", ("meeting",),
         get="200 * | 404 srk_b lead_b prov_b | 403 wjh wjh_a wjh_b nobody",
         post="ok * | 404 srk_b lead_b prov_b | 403 wjh wjh_a wjh_b nobody"),
    Line("networks:meeting_edit", ("meeting",),   get="200 srk | 404 srk_b", post="ok srk | 404 srk_b"),
    Line("networks:meeting_invitation_pdf", ("meeting",),
         get="200 * | 404 srk_b lead_b prov_b | 403 wjh wjh_a wjh_b nobody"),
    Line("networks:meeting_minutes_pdf", ("meeting",),
         get="200 * | 404 srk_b lead_b prov_b | 403 wjh wjh_a wjh_b nobody"),
    Line("networks:attendance_remove", ("attendance",), get="405 *", post="ok srk | 404 srk_b"),
    Line("networks:organisation_list",            get="200 * | 403 wjh wjh_a wjh_b nobody"),
    Line("networks:organisation_create",          get="200 srk srk_b", post="ok srk srk_b"),
    # The organisation register is reference data: readable by office roles; the other coordinator may not edit.
    Line("networks:organisation_detail", ("organisation",),
         get="200 * | 404 prov_b | 403 wjh wjh_a wjh_b nobody",
         post="ok * | 404 prov_b | 403 wjh wjh_a wjh_b nobody"),
    Line("networks:organisation_edit", ("organisation",), get="200 srk", post="ok srk"),
    Line("networks:contact_remove", ("contact_person",), get="405 *", post="ok srk"),
    Line("networks:offer_search",                 get="200 * | 403 wjh wjh_a wjh_b prov prov_b nobody"),
    Line("networks:offer_search", query="format=csv", note="csv",
         get="200 * | 403 wjh wjh_a wjh_b prov prov_b nobody"),
    Line("networks:offer_create",                 get="200 cm cm_b tl tl_b srk srk_b", post="ok cm cm_b tl tl_b srk srk_b"),
    Line("networks:offer_maintenance",            get="200 srk srk_b"),
    Line("networks:offer_detail", ("offer",),     get="200 * | 403 wjh wjh_a wjh_b prov prov_b nobody"),
    # A suggestion: only its author (cm), the district's coordinator and the administrator see it.
    Line("networks:offer_detail", ("suggestion",), note="suggestion",
         get="200 cm srk admin | 404 cm_b tl tl_b srk_b lead lead_b"),
    Line("networks:offer_edit", ("offer",),       get="200 srk", post="ok srk"),
    Line("networks:offer_confirm", ("offer",),    get="405 *", post="ok srk"),
    Line("networks:offer_decide", ("suggestion",), get="405 *", post="ok srk | 404 srk_b"),
    Line("networks:offer_archive", ("offer",),    get="405 *", post="ok srk"),
    Line("networks:coverage",                     get="200 * | 403 wjh wjh_a wjh_b prov prov_b nobody"),
    Line("networks:coverage", query="format=csv", note="csv",
         get="200 * | 403 wjh wjh_a wjh_b prov prov_b nobody"),
    # --- Case file: only case managers and team leads; a file of another team does not exist for them --------
    Line("cases:list",                            get="200 cm cm_b tl tl_b"),
    Line("cases:list", query="format=csv", note="csv", get="200 cm cm_b tl tl_b"),
    Line("cases:open",                            get="200 cm cm_b tl tl_b", post="ok cm cm_b tl tl_b"),
    Line("cases:detail", ("case",),               get=CASE_TEAM),
    Line("cases:edit", ("case",),                 get="405 *", post=CASE_TEAM_POST),
    Line("cases:transition", ("case",),           get="405 *", post=CASE_TEAM_POST),
    Line("cases:classify", ("case",),             get="405 *", post=CASE_TEAM_POST),
    Line("cases:assign", ("case",),               get="405 *", post="ok tl | 403 cm | 404 *"),  # team leads hand over
    Line("cases:member_add", ("case",),           get="405 *", post=CASE_TEAM_POST),
    Line("cases:contact_add", ("case",),          get="405 *", post=CASE_TEAM_POST),
    Line("cases:resource_add", ("case",),         get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:resource_edit", ("case", "resource"), get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:network_add", ("case",),          get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:network_edit", ("case", "network_person"), get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:offers", ("case",),               get=CASE_TEAM),
    Line("cases:network_svg", ("case",),          get=CASE_TEAM),
    Line("cases:conference_list",                 get="200 cm cm_b tl tl_b"),
    Line("cases:conference_create",               get="200 cm cm_b tl tl_b", post="ok cm cm_b tl tl_b"),
    Line("cases:conference_detail", ("conference",), get=CASE_TEAM),
    Line("cases:conference_edit", ("conference",), get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:conference_participant_add", ("conference",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_participant_remove", ("participant",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_item_add", ("conference",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_agenda_pdf", ("conference",), get=CASE_TEAM),
    Line("cases:conference_minutes_pdf", ("conference",), get=CASE_TEAM),
    Line("cases:conference_item", ("item",),      get=CASE_TEAM),
    Line("cases:conference_item_remove", ("item",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_item_presentation", ("item",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_item_perspectives", ("item",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_idea_add", ("item",),  get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_idea_remove", ("idea",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_proposal_add", ("item",), get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:conference_proposal_edit", ("item", "proposal"), get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:conference_proposal_remove", ("proposal",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_item_vote", ("item",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:conference_item_new_round", ("item",), get="405 *", post=CASE_TEAM_POST),
    # Contracts: the provider reads its contracts from signing on (never a draft) and writes progress notes.
    Line("cases:contract_create", ("case",),      get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:contract_detail", ("contract",),  get="200 cm tl prov | 404 *"),
    Line("cases:contract_detail", ("contract_draft",), note="draft", get=CASE_TEAM),
    Line("cases:contract_edit", ("contract_draft",), get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:contract_sign", ("contract_draft",), get="405 *", post=CASE_TEAM_POST),
    Line("cases:contract_approve", ("contract_signed",), get="405 *", post="ok tl | 403 cm prov | 404 *"),
    Line("cases:contract_end", ("contract",),     get="405 *", post="ok cm tl | 403 prov | 404 *"),
    Line("cases:contract_pdf", ("contract",),     get="200 cm tl prov | 404 *"),
    Line("cases:provider_contract_list",          get="200 cm cm_b tl tl_b prov prov_b"),
    Line("cases:provider_contract_detail", ("contract",), get="200 cm tl prov | 404 cm_b tl_b prov_b"),
    Line("cases:task_note_add", ("contract", "task"), get="405 *", post="ok cm tl prov | 404 *"),
    Line("cases:review_record", ("contract",),    get="200 cm tl | 404 cm_b tl_b", post="ok cm tl | 404 cm_b tl_b"),
    Line("cases:protection_report", ("case",),    get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:protection_detail", ("assessment",), get=CASE_TEAM, post=CASE_TEAM_POST),
    Line("cases:protection_measure_done", ("assessment_done", "measure"), get="405 *", post=CASE_TEAM_POST),
    Line("cases:protection_pdf", ("assessment",), get=CASE_TEAM),
    # --- Micro-projects: office roles and the project's provider see the projects of their districts ---------
    Line("microprojects:list",                    get="200 * | 403 nobody"),
    Line("microprojects:list", query="format=csv", note="csv", get="200 * | 403 prov prov_b nobody"),
    Line("microprojects:create",                  get="200 cm cm_b tl tl_b srk srk_b", post="ok cm cm_b tl tl_b srk srk_b"),
    Line("microprojects:detail", ("project",),    get=f"200 * | 404 {OTHER_SCOPES} | 403 nobody"),
    Line("microprojects:edit", ("project_draft",), get=f"200 cm srk | 404 {OTHER_SCOPES}", post=f"ok cm srk | 404 {OTHER_SCOPES}"),
    Line("microprojects:submit", ("project_draft",), get="405 *", post=f"ok cm srk | 404 {OTHER_SCOPES}"),
    Line("microprojects:decide", ("project_submitted",), get="405 *", post=f"ok srk lead | 404 {OTHER_SCOPES}"),
    Line("microprojects:start", ("project_approved",), get="405 *", post=f"ok cm tl srk | 404 {OTHER_SCOPES}"),
    Line("microprojects:complete", ("project",),  get=f"200 cm tl srk | 404 {OTHER_SCOPES}", post=f"ok cm tl srk | 404 {OTHER_SCOPES}"),
    Line("microprojects:participation", ("project",), get="405 *", post=f"ok tl srk prov | 404 {OTHER_SCOPES}"),
    Line("microprojects:review_create", ("project",), get=f"200 tl srk | 404 {OTHER_SCOPES}", post=f"ok tl srk | 404 {OTHER_SCOPES}"),
    Line("microprojects:referral_create", ("project",), get=f"200 cm tl | 404 {OTHER_SCOPES}", post=f"ok cm tl | 404 {OTHER_SCOPES}"),
    Line("microprojects:approval_letter", ("project",), get=f"200 * | 404 {OTHER_SCOPES} | 403 nobody"),
    Line("microprojects:supplement_request", ("project",), get=f"200 cm srk | 404 {OTHER_SCOPES}", post=f"ok cm srk | 404 {OTHER_SCOPES}"),
    Line("microprojects:supplement_decide", ("project", "supplement"),
         get=f"200 srk lead | 404 {OTHER_SCOPES}", post=f"ok srk lead | 404 {OTHER_SCOPES}"),
    Line("microprojects:payment_create", ("project",), get=f"200 wjh wjh_a | 404 {OTHER_SCOPES}", post=f"ok wjh wjh_a | 404 {OTHER_SCOPES}"),
    Line("microprojects:payment_reverse", ("project", "payment"),
         get=f"200 wjh wjh_a | 404 {OTHER_SCOPES}", post=f"ok wjh wjh_a | 404 {OTHER_SCOPES}"),
    Line("microprojects:district_overview",       get="200 * | 403 prov prov_b nobody"),
    Line("microprojects:budget_edit",             get="200 lead lead_b", post="ok lead lead_b"),
    Line("microprojects:grant_list",              get="200 * | 403 nobody"),
    Line("microprojects:grant_request",           get="200 * | 403 nobody", post="ok * | 403 nobody"),
    # A grant requested by cm in Walle: the coordinator of Walle decides; the requester sees it, may not decide.
    Line("microprojects:grant_decide", ("grant",), get=f"200 srk | 404 {OTHER_SCOPES} prov", post=f"ok srk | 404 {OTHER_SCOPES} prov"),
    Line("microprojects:grant_proof", ("grant_granted",), get=f"200 srk | 404 {OTHER_SCOPES} prov", post=f"ok srk | 404 {OTHER_SCOPES} prov"),
    # --- Budgets: WJH and leadership of the scope; case work sees the position of its districts; the lead
    # provider its budgets' instalments and settlement --------------------------------------------------------
    Line("budgets:budget_list",                   get="200 * | 403 srk srk_b admin nobody"),
    Line("budgets:budget_create",                 get="200 lead lead_b", post="ok lead lead_b"),
    Line("budgets:budget_detail", ("budget",),    get="200 * | 404 cm_b tl_b wjh_b lead_b prov_b | 403 srk srk_b admin nobody"),
    Line("budgets:budget_update", ("budget",),    get="200 lead | 404 lead_b", post="ok lead | 404 lead_b"),
    Line("budgets:instalment_pay", ("budget", 3), get="405 *", post="ok wjh wjh_a | 404 wjh_b"),
    Line("budgets:cost_entry_create", ("budget",), get="200 wjh wjh_a | 404 wjh_b", post="ok wjh wjh_a | 404 wjh_b"),
    Line("budgets:settlement_detail", ("budget_last_year",), get="200 wjh wjh_a lead prov | 404 wjh_b lead_b prov_b"),
    Line("budgets:settlement_prepare", ("budget_last_year",), get="405 *", post="ok wjh wjh_a | 404 wjh_b"),
    Line("budgets:settlement_finalize", ("budget_last_year",), get="405 *", post="ok lead | 404 lead_b"),
    Line("budgets:settlement_pdf", ("budget_last_year",), get="200 wjh wjh_a lead prov | 404 wjh_b lead_b prov_b"),
    Line("budgets:allocation", ("budget",),       get="200 wjh wjh_a lead | 404 wjh_b lead_b"),
    # Lists of the user's scope (empty for the other social centre: the marker check proves nothing leaks).
    Line("budgets:cost_entry_list",               get="200 wjh wjh_a wjh_b lead lead_b"),
    Line("budgets:cost_entry_list", query="export=csv", note="csv", get="200 wjh wjh_a wjh_b lead lead_b"),
    Line("budgets:cost_entry_import",             get="200 wjh wjh_a wjh_b", post="ok wjh wjh_a wjh_b"),
    Line("budgets:cost_entry_exceptions",         get="200 wjh wjh_a wjh_b lead lead_b"),
    Line("budgets:cost_entry_exceptions", query="export=csv", note="csv", get="200 wjh wjh_a wjh_b lead lead_b"),
    Line("budgets:cost_entry_reverse", ("cost_entry",), get="200 wjh wjh_a | 404 wjh_b", post="ok wjh wjh_a | 404 wjh_b"),
    Line("budgets:pot", query="year=2025",        get="200 wjh wjh_a wjh_b lead lead_b", post="ok wjh wjh_a wjh_b"),
    Line("budgets:pot_transfer_decide", ("pot_transfer",), get="405 *", post="ok lead | 404 lead_b"),
]
# fmt: on


# --- The admin ------------------------------------------------------------------------------------------
# Every admin URL passes one gate, the admin site's `has_permission` (Administration role), which knows no
# scope: test_admin_urls_pass_the_admin_gate proves each URL is behind it, the lines below what the
# administrator may do with each registered model ("manage": add, change, delete; "read": look only;
# "none": registered, but nothing for the role), and every other role is sent to the admin's login.
ADMIN_MODELS: dict[str, str] = {
    "auth.group": "read",  # the roles, created by a migration
    "juwe.user": "manage",
    "juwe.socialcenter": "manage",
    "juwe.team": "manage",
    "juwe.teamposts": "manage",
    "juwe.precarisationweight": "manage",
    "juwe.district": "manage",
    "juwe.districtindicator": "manage",
    "juwe.provider": "manage",
    "juwe.auditevent": "read",
    # Login locks: Administration sees them and lifts them (the action and the delete page both audit it).
    "axes.accessattempt": "lift",
    "axes.accesslog": "read",
    "networks.agecohort": "manage",
    "networks.modelrules": "manage",
    "networks.memberorganisation": "manage",
    "networks.network": "manage",
    "networks.offer": "manage",
    "microprojects.preventionbudget": "manage",
    "microprojects.actionbudget": "manage",
    "microprojects.microproject": "read",
    "microprojects.supplement": "read",
    "microprojects.projectpayment": "read",
}
# The administrator's answer by the view of a model's admin: (GET, POST – sent where the answer is a refusal).
ADMIN_ANSWERS = {
    "manage": {"changelist": ("200", None), "add": ("200", None), "change": ("200", None), "delete": ("200", None),
               "history": ("200", None), "redirect": ("302", None), "password": ("200", None)},
    "read": {"changelist": ("200", None), "add": ("403", "403"), "change": ("200", "403"), "delete": ("403", "403"),
             "history": ("200", None), "redirect": ("302", None)},
    "lift": {"changelist": ("200", None), "add": ("403", "403"), "change": ("200", "403"), "delete": ("200", None),
             "history": ("200", None), "redirect": ("302", None)},
    "none": {"changelist": ("403", None), "add": ("403", "403"), "change": ("403", "403"), "delete": ("403", "403"),
             "history": ("403", None), "redirect": ("302", None)},
}
# The admin site's own pages (by name, or by route when unnamed): lines as above.
ADMIN_SITE = [
    Line("admin:index", get="200 admin | login *"),
    Line("admin:login", get="302 admin | 200 * | 200 anon", post="200 * | 200 anon"),
    # Logged in without the role: logout sends to the admin's index, which sends to its login.
    Line("admin:logout", get="405 admin | 302 *", post="login admin | 302 *"),
    Line("admin:password_change", get="200 admin | login *", post="200 admin | login *"),
    Line("admin:password_change_done", get="200 admin | login *"),
    Line("admin:autocomplete", get="403 admin | login *"),
    Line("admin:jsi18n", get="200 admin | login *"),
    Line("admin:app_list", ("=juwe",), get="200 admin | login *"),
    Line("admin:view_on_site", ("district_type.pk", "walle"), get="404 admin | login *"),
    Line("admin/(?P<url>.*)$", get="404 admin | login *"),
]
# The admin knows no scope: one identity per role is enough (plus the user without a role and the visitor).
ADMIN_OUTSIDERS = ["cm", "tl", "srk", "wjh", "lead", "prov", "nobody", "anon"]


# --- Parsing the table -----------------------------------------------------------------------------


def expand(spec: str) -> dict[str, str]:
    """'200 cm tl | 404 *' -> {identity: expected code} for every identity."""
    out: dict[str, str] = {}
    default = "403"
    for group in spec.split("|"):
        code, *names = group.split()
        if not names or names == ["*"]:
            default = code
            continue
        for name in names:
            assert name in IDENTITIES, f"unknown identity {name!r} in {spec!r}"
            out[name] = code
    for name in LOGGED_IN:
        out.setdefault(name, default)
    out.setdefault("anon", "login")
    return out


def compact(observed: dict[str, str]) -> str:
    """The inverse of `expand`: the shortest line for what was observed (to compare and to copy)."""
    groups: dict[str, list[str]] = {}
    for name in LOGGED_IN:
        if name in observed:
            groups.setdefault(observed[name], []).append(name)
    star = max(groups, key=lambda code: (len(groups[code]), code == "403"))
    parts = [f"{code} {' '.join(names)}" for code, names in groups.items() if code != star]
    if observed.get("anon", "login") != "login":
        parts.append(f"{observed['anon']} anon")
    if star != "403" or not parts:
        parts.append(f"{star} *")
    return " | ".join(parts)


# --- The URL conf -----------------------------------------------------------------------------------


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(name with namespace, or the route when unnamed; route; the pattern) of every URL pattern."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            yield (namespace + p.name if p.name else route), route, p


def admin_model_of(route: str) -> str | None:
    """The model label of a model admin's URL ("admin/<app>/<model>/...")."""
    if match := re.match(r"admin/(\w+)/(\w+)/", route):
        label = f"{match[1]}.{match[2]}"
        if label in {m._meta.label_lower for m in admin_site._registry}:
            return label
    return None


def behind_admin_gate(view, depth: int = 0) -> bool:
    """Whether a view is wrapped by AdminSite.admin_view (which asks the site's has_permission): Django marks
    the site's and the model admins' views; elsewhere the site sits in the closure of admin_view's wrapper."""
    if view is None or depth > 6:
        return False
    if hasattr(view, "admin_site") or hasattr(view, "model_admin"):
        return True
    cells = [cell.cell_contents for cell in (getattr(view, "__closure__", None) or ())]
    if any(isinstance(cell, AdminSite) for cell in cells):
        return True
    return any(behind_admin_gate(inner, depth + 1) for inner in [getattr(view, "__wrapped__", None), *cells]
               if callable(inner))


# --- The dataset and the requests --------------------------------------------------------------------


def url_for(w, line: Line) -> str:
    if "(" in line.name:  # an unnamed pattern (the admin's catch-all): a path it catches
        return "/admin/nicht-vorhanden/"
    return url(w, line.name, line.args, line.query)


def check(w, url: str, method: str, spec: str, identities=IDENTITIES) -> tuple[list[str], dict[str, str]]:
    """Every identity's answer against the line: (what is wrong, the answers)."""
    expected = expand(spec)
    observed: dict[str, str] = {}
    problems = []
    for identity in identities:
        answer = request(w, identity, method, url)
        want, got = expected[identity], answer.code
        if want == "ok" and got.isdigit() and int(got) in ACCEPTED:
            got = "ok"
        observed[identity] = got
        if answer.error:
            problems.append(f"{method} as {identity}: server error\n{answer.error}")
        elif got != want:
            problems.append(f"{method} as {identity}: {answer.code} instead of {want}")
        if answer.writes and (method == "GET" or want in REFUSED or got in REFUSED):
            problems.append(f"{method} as {identity} ({answer.code}) changed {', '.join(answer.writes)}")
        for label in answer.shown:
            if identity not in w.markers[label][1]:
                problems.append(f"{method} as {identity} shows {label}")
    if problems:
        problems.append(f"observed {method}: {compact(observed)!r}")
    return problems, observed


def check_line(w, line: Line, identities=IDENTITIES) -> list[str]:
    url = url_for(w, line)
    problems, observed = check(w, url, "GET", line.get, identities)
    if line.post is not None:
        problems += check(w, url, "POST", line.post, identities)[0]
    else:
        # A page without POST handling: who may open it gets the same for a POST (or 405), nothing written.
        # One such identity is enough to see that the view does not tell the methods apart.
        for identity in [i for i in identities if observed[i] == "200"][:1]:
            answer = request(w, identity, "POST", url)
            if answer.code not in ("200", "405") or answer.writes or answer.error:
                problems += [f"POST as {identity}: {answer.code} {' '.join(answer.writes)} {answer.error}",
                             "the view answers POST unlike GET: give its line a `post`"]
    return [f"{line.name} {url}", *problems] if problems else []


# --- The tests --------------------------------------------------------------------------------------


def test_every_url_pattern_has_a_line():
    """A new view without a line fails here, named, until someone decides who may open it."""
    lines = {line.name for line in MATRIX} | {line.name for line in ADMIN_SITE}
    missing, unknown_models = [], set()
    for name, route, _pattern in url_patterns():
        model = admin_model_of(route)
        if model is not None:
            if model not in ADMIN_MODELS:
                unknown_models.add(model)
        elif name not in lines:
            missing.append(name)
    assert not missing, "URL patterns without a line in the access matrix (tests/juwe/test_access_matrix.py): " + ", ".join(missing)
    assert not unknown_models, "admin models without a line in ADMIN_MODELS: " + ", ".join(sorted(unknown_models))
    names = {name for name, _route, _p in url_patterns()}
    stale = sorted(lines - names) + sorted(set(ADMIN_MODELS) - {admin_model_of(r) for _n, r, _p in url_patterns()})
    assert not stale, "lines for URL patterns that no longer exist: " + ", ".join(stale)


@pytest.mark.parametrize("line", MATRIX, ids=lambda line: line.name + (f"[{line.note}]" if line.note else ""))
def test_access_matrix(world, db, line):
    problems = check_line(world, line)
    assert not problems, "\n".join(problems)


def test_admin_urls_pass_the_admin_gate():
    """Every admin URL but the login is wrapped by AdminSite.admin_view, which asks has_permission."""
    outside = [name for name, route, p in url_patterns()
               if route.startswith("admin/") and name != "admin:login" and not behind_admin_gate(p.callback)]
    assert not outside, "admin URLs outside the admin site's permission check: " + ", ".join(outside)


@pytest.mark.parametrize("line", ADMIN_SITE, ids=lambda line: line.name)
def test_admin_site_pages(world, db, line):
    problems = check_line(world, line, ["admin", *ADMIN_OUTSIDERS])
    assert not problems, "\n".join(problems)


def _admin_view(name: str) -> str:
    if name.startswith("admin/"):
        return "redirect"  # "<object id>/" without a view name redirects to the change page
    return "password" if name.endswith("_password_change") else name.rsplit("_", 1)[1]


def _admin_cases():
    for name, route, _pattern in url_patterns():
        if model := admin_model_of(route):
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_ADMIN_FINDINGS[name])] if name in KNOWN_ADMIN_FINDINGS else []
            yield pytest.param(model, name, route, id=name, marks=marks)


# Reported, not yet fixed (issue 13): when a fix lands, the test passes and strict xfail asks to remove the entry.
KNOWN_ADMIN_FINDINGS: dict[str, str] = {}


@pytest.mark.parametrize("model,name,route", list(_admin_cases()))
def test_admin_matrix(world, db, model, name, route):
    """The administrator gets what ADMIN_MODELS says on every URL of a model's admin; every other role is sent
    to the admin's login from the page of an object (GET and POST)."""
    obj = apps.get_model(model)._default_manager.order_by("pk").first()
    assert obj is not None, f"the matrix dataset has no {model}"
    view = _admin_view(name)
    get, post = ADMIN_ANSWERS[ADMIN_MODELS[model]][view]
    if name.startswith("admin/"):
        url = "/" + route.replace("<path:object_id>", str(obj.pk))
    else:
        url = reverse(name, args=[] if view in ("changelist", "add") else [obj.pk])
    outsiders = ADMIN_OUTSIDERS if view == "change" else []
    problems = check(world, url, "GET", f"{get} admin | login *", ["admin", *outsiders])[0]
    posters = (["admin"] if post else []) + outsiders
    if posters:
        problems += check(world, url, "POST", f"{post or 'login'} admin | login *", posters)[0]
    assert not problems, f"{name} {url}\n" + "\n".join(problems)


def test_the_checks_see_what_they_look_for(world, db, monkeypatch):
    """The matrix's own checks are not blind: the case's team sees the markers, a write is noticed, a server
    error is reported."""
    answer = request(world, "cm", "GET", reverse("cases:detail", args=[world.case.pk]))
    assert answer.code == "200" and {"case contents", "family name", "case reference"} <= set(answer.shown)
    answer = request(world, "cm", "POST", reverse("cases:contact_add", args=[world.case.pk]))
    assert answer.code == "422" and not answer.writes
    answer = request(world, "tl", "POST", reverse("cases:assign", args=[world.case.pk]))
    assert answer.code == "302"
    answer = request(world, "srk", "POST", reverse("networks:offer_confirm", args=[world.offer.pk]))
    assert answer.code == "302" and "networks_offer" in answer.writes

    def broken(user):
        raise RuntimeError("worklist broken")

    monkeypatch.setattr("juwe.worklist.sections_for", broken)
    answer = request(world, "cm", "GET", reverse("home"))
    assert answer.code == "500" and "RuntimeError: worklist broken" in answer.error
