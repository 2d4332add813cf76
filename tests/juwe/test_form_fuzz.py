"""Every form of the application, submitted with hostile values (issue 13, item 11).

For each view that takes POST (each line of the access matrix with a `post`), `FORMS` names the page
that shows its form and a user allowed to send it. The test opens that page, reads the form from the
HTML as a browser would (fields, hidden values, options, named buttons) and lets hypothesis fill it:
empty and huge strings, NUL characters, right-to-left overrides, emoji, `<script>`, far dates such as
0001-01-01 and 9999-12-31, huge, negative and unclear amounts, garbage in number fields and choices.
The list pages' filter forms (GET) get the same treatment. For every submission:

- never a server error (500),
- a NUL character anywhere is refused at the edge with 400 (so none can be stored),
- the answer – and after a saved form the page it leads to – never contains the script unescaped.

Bounded: a few examples per form (JUWE_FUZZ_EXAMPLES, default 5), derandomized so a run is repeatable
(set JUWE_FUZZ_EXAMPLES higher to explore: the examples are then random). Requests run in savepoints
of the matrix's dataset (tests/juwe/matrix_world.py), so nothing a submission saves outlives it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.juwe.matrix_world import lean_requests, request, url, world  # noqa: F401 (fixtures)

EXAMPLES = int(os.environ.get("JUWE_FUZZ_EXAMPLES", "5"))
SCRIPT = "<script>fuzz()</script>"


@dataclass(frozen=True)
class Form:
    """The view a form posts to, the page that shows the form (default: the view's own URL) and who sends it."""

    name: str
    args: tuple = ()
    who: str = "cm"
    page: str | None = None
    page_args: tuple = ()


# fmt: off
FORMS: list[Form] = [
    Form("login", who="anon"),
    Form("password_change"),
    # Networks: the coordinator of Walle and Westend.
    Form("networks:network_create", who="srk"),
    Form("networks:network_edit", ("network",), who="srk"),
    Form("networks:network_adopt_rules", ("network",), who="srk", page="networks:network_detail", page_args=("network",)),
    Form("networks:membership_add", ("network",), who="srk"),
    Form("networks:meeting_create", ("network",), who="srk"),
    Form("networks:membership_end", ("membership",), who="srk"),
    Form("networks:meeting_detail", ("meeting",), who="srk"),
    Form("networks:meeting_edit", ("meeting",), who="srk"),
    Form("networks:attendance_remove", ("attendance",), who="srk", page="networks:meeting_detail", page_args=("meeting",)),
    Form("networks:organisation_create", who="srk"),
    Form("networks:organisation_detail", ("organisation",), who="srk"),
    Form("networks:organisation_edit", ("organisation",), who="srk"),
    Form("networks:contact_remove", ("contact_person",), who="srk", page="networks:organisation_detail", page_args=("organisation",)),
    Form("networks:offer_create", who="srk"),
    Form("networks:offer_create", who="cm"),  # a case manager suggests
    Form("networks:offer_edit", ("offer",), who="srk"),
    Form("networks:offer_confirm", ("offer",), who="srk", page="networks:offer_detail", page_args=("offer",)),
    Form("networks:offer_decide", ("suggestion",), who="srk", page="networks:offer_detail", page_args=("suggestion",)),
    Form("networks:offer_archive", ("offer",), who="srk", page="networks:offer_detail", page_args=("offer",)),
    # The case file: the case manager (the team lead hands over and approves).
    Form("cases:open"),
    Form("cases:edit", ("case",), page="cases:detail", page_args=("case",)),
    Form("cases:transition", ("case",), page="cases:detail", page_args=("case",)),
    Form("cases:classify", ("case",), page="cases:detail", page_args=("case",)),
    Form("cases:assign", ("case",), who="tl", page="cases:detail", page_args=("case",)),
    Form("cases:member_add", ("case",), page="cases:detail", page_args=("case",)),
    Form("cases:contact_add", ("case",), page="cases:detail", page_args=("case",)),
    Form("cases:resource_add", ("case",), page="cases:detail", page_args=("case",)),
    Form("cases:resource_edit", ("case", "resource")),
    Form("cases:network_add", ("case",), page="cases:detail", page_args=("case",)),
    Form("cases:network_edit", ("case", "network_person")),
    Form("cases:conference_create"),
    Form("cases:conference_edit", ("conference",)),
    Form("cases:conference_participant_add", ("conference",), page="cases:conference_detail", page_args=("conference",)),
    Form("cases:conference_participant_remove", ("participant",), page="cases:conference_detail", page_args=("conference",)),
    Form("cases:conference_item_add", ("conference",), page="cases:conference_detail", page_args=("conference",)),
    Form("cases:conference_item_remove", ("item",), page="cases:conference_detail", page_args=("conference",)),
    Form("cases:conference_item_presentation", ("item",), page="cases:conference_item", page_args=("item",)),
    Form("cases:conference_item_perspectives", ("item",), page="cases:conference_item", page_args=("item",)),
    Form("cases:conference_idea_add", ("item",), page="cases:conference_item", page_args=("item",)),
    Form("cases:conference_idea_remove", ("idea",), page="cases:conference_item", page_args=("item",)),
    Form("cases:conference_proposal_add", ("item",), page="cases:conference_item", page_args=("item",)),
    Form("cases:conference_proposal_edit", ("item", "proposal")),
    Form("cases:conference_proposal_remove", ("proposal",), page="cases:conference_item", page_args=("item",)),
    Form("cases:conference_item_vote", ("item",), page="cases:conference_item", page_args=("item",)),
    Form("cases:contract_create", ("case",)),
    Form("cases:contract_edit", ("contract_draft",)),
    Form("cases:contract_sign", ("contract_draft",), page="cases:contract_detail", page_args=("contract_draft",)),
    Form("cases:contract_approve", ("contract_signed",), who="tl", page="cases:contract_detail", page_args=("contract_signed",)),
    Form("cases:contract_end", ("contract",), page="cases:contract_detail", page_args=("contract",)),
    Form("cases:task_note_add", ("contract", "task"), who="prov", page="cases:provider_contract_detail", page_args=("contract",)),
    Form("cases:review_record", ("contract",)),
    Form("cases:protection_report", ("case",)),
    Form("cases:protection_detail", ("assessment",)),
    Form("cases:protection_measure_done", ("assessment_done", "measure"), page="cases:protection_detail", page_args=("assessment_done",)),
    # Micro-projects: the proposing case manager, the coordinator deciding, economic youth aid paying.
    Form("microprojects:create"),
    Form("microprojects:edit", ("project_draft",)),
    Form("microprojects:submit", ("project_draft",), page="microprojects:detail", page_args=("project_draft",)),
    Form("microprojects:decide", ("project_submitted",), who="srk", page="microprojects:detail", page_args=("project_submitted",)),
    Form("microprojects:start", ("project_approved",), page="microprojects:detail", page_args=("project_approved",)),
    Form("microprojects:complete", ("project",)),
    Form("microprojects:participation", ("project",), who="srk", page="microprojects:detail", page_args=("project",)),
    Form("microprojects:review_create", ("project",), who="srk"),
    Form("microprojects:referral_create", ("project",)),
    Form("microprojects:supplement_request", ("project_approved",)),
    Form("microprojects:supplement_decide", ("project", "supplement"), who="srk"),
    Form("microprojects:payment_create", ("project",), who="wjh"),
    Form("microprojects:payment_reverse", ("project", "payment"), who="wjh"),
    Form("microprojects:budget_edit", who="lead"),
    Form("microprojects:grant_request"),
    Form("microprojects:grant_decide", ("grant",), who="srk"),
    Form("microprojects:grant_proof", ("grant_granted",), who="srk"),
    # Budgets: leadership sets budgets, economic youth aid books.
    Form("budgets:budget_create", who="lead"),
    Form("budgets:budget_update", ("budget",), who="lead"),
    Form("budgets:instalment_pay", ("budget", 3), who="wjh", page="budgets:budget_detail", page_args=("budget",)),
    Form("budgets:cost_entry_create", ("budget",), who="wjh"),
    Form("budgets:settlement_prepare", ("budget_last_year",), who="wjh", page="budgets:settlement_detail", page_args=("budget_last_year",)),
    Form("budgets:settlement_finalize", ("budget_last_year",), who="lead", page="budgets:settlement_detail", page_args=("budget_last_year",)),
    Form("budgets:cost_entry_reverse", ("cost_entry",), who="wjh"),
    Form("budgets:pot", who="wjh", page_args=()),
    Form("budgets:pot_transfer_decide", ("pot_transfer",), who="lead", page="budgets:pot"),
]
# fmt: on
# Views that take POST but have no form to fill: with a reason each.
NOT_FUZZED = {
    "logout": "a button without fields",
    "set_language": "Django's view; no page of the application shows its form",
    "cases:conference_item_new_round": "a button without fields, shown only after a veto",
    "budgets:cost_entry_import": "a file upload: the import's own tests feed it hostile files (issue 13, item 8)",
}
QUERIES = {"budgets:pot": "year=2025"}
# Found by this test, reported, not fixed here (budgets/views.py is being changed in parallel, issue 13):
# a strict xfail – when the fix lands, the test passes and asks for the entry to go.
KNOWN_FINDINGS = {
    "budgets:budget_create": "a district that is no number (select tampered with) reaches "
                             "districts.filter(pk=…) for the suggestion: ValueError, 500",
}  # the year with the final settlement of Westend and its pot transfer


# The list pages' filter forms (GET), each with a user who sees the list.
FILTERS: list[Form] = [
    Form("cases:list"),
    Form("cases:offers", ("case",)),
    Form("cases:provider_contract_list", who="prov"),
    Form("cases:provider_contract_list", who="cm"),
    Form("networks:offer_search"),
    Form("networks:network_list", who="srk"),
    Form("networks:organisation_list", who="srk"),
    Form("networks:coverage", who="srk"),
    Form("microprojects:list"),
    Form("microprojects:district_overview", who="srk"),
    Form("microprojects:grant_list", who="srk"),
    Form("microprojects:budget_edit", who="lead"),
    Form("budgets:budget_list", who="wjh"),
    Form("budgets:cost_entry_list", who="wjh"),
    Form("budgets:cost_entry_exceptions", who="wjh"),
    Form("budgets:allocation", ("budget",), who="wjh"),
    Form("district_compare", who="lead"),
    Form("controlling:dashboard", who="lead"),
    Form("controlling:staffing", who="lead"),
]


# --- Reading forms from the page ------------------------------------------------------------------------


@dataclass
class Field:
    kind: str  # the input type, "textarea", "select" or "decimal" (a text input for amounts)
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class HtmlForm:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class FormParser(HTMLParser):
    """The forms of a page (POST, or GET for filters) with their fields, as a browser would submit them."""

    def __init__(self, method: str = "post"):
        super().__init__(convert_charrefs=True)
        self.method = method
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == self.method:
                self._form = HtmlForm(action=a.get("action") or a.get("hx-post") or "")
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "option" and self._select:
            self._form.fields[self._select].options.append(a.get("value", ""))
            if "selected" in a:
                self._form.fields[self._select].value = a.get("value", "")
            return
        if not a.get("name"):
            return
        name = a["name"]
        fields = self._form.fields
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image"):
                self._form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                f = fields.setdefault(name, Field(kind))
                f.options.append(a.get("value", "on"))
                if "checked" in a:
                    f.value = a.get("value", "on")
            else:
                fields[name] = Field("decimal" if a.get("inputmode") == "decimal" else kind, a.get("value", ""))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea":
            fields[name] = Field("textarea")
            self._textarea = name
        elif tag == "select":
            fields[name] = Field("select-multiple" if "multiple" in a else "select")
            self._select = name

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea].value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_posting_to(html: str, name: str, page_url: str) -> list[HtmlForm]:
    parser = FormParser("post")
    parser.feed(html)
    found = []
    for form in parser.forms:
        form.action = urlsplit(form.action or page_url)._replace(fragment="").geturl()
        try:
            if resolve(urlsplit(form.action).path).view_name == name:
                found.append(form)
        except Resolver404:
            continue
    return found


# --- Hostile values ---------------------------------------------------------------------------------------

HOSTILE_TEXT = st.one_of(
    st.sampled_from([
        "", "   ", SCRIPT, f"Familie {SCRIPT}", "\u202eexe.gnp", "Lina \u202emahr", "👨‍👩‍👧 Familie Kaya 🙂",
        "a\x00b", "\x00", "x" * 20_001, "Ä" * 5_000, "'; DROP TABLE cases_case; --", "%s %(x)s {0}", "\r\n\t",
        "NaN", "-1", "1E+13",
    ]),
    st.text(max_size=40),
)
FAR_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "1900-01-01", "2100-12-31", "2026-02-30",
             "31.12.9999", "gestern", ""]
HOSTILE_DATE = st.one_of(st.sampled_from(FAR_DATES), st.dates().map(lambda d: d.isoformat()))
HOSTILE_DATETIME = st.one_of(st.sampled_from([f"{d}T10:00" for d in FAR_DATES] + ["2026-05-12T25:61", "T"]),
                             st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")))
HOSTILE_AMOUNT = st.one_of(
    st.sampled_from(["1E+13", "9999999999999,99", "99999999999999999999", "-1", "-1.000,00", "0", "0,001",
                     "1.234,56", "12.50", "1,234.56", "abc", "1,2,3", "NaN", "Infinity", "€", "1 000", ""]),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)
HOSTILE_NUMBER = st.one_of(
    st.sampled_from(["-1", "0", "99999999999999999999999", "1.5", "1e9", "abc", "", "0x10", "١٢"]),
    st.integers().map(str),
)


def hostile(data, name: str, f: Field) -> list[str]:
    """The values sent for one field: usually hostile, hidden fields mostly as the page gave them."""
    if f.kind == "hidden":
        return [f.value] if data.draw(st.integers(0, 9), label=f"keep {name}") < 8 else [data.draw(HOSTILE_TEXT)]
    if f.kind in ("checkbox", "radio"):
        chosen = data.draw(st.lists(st.sampled_from(f.options + ["garbage"]), max_size=2), label=name)
        return chosen if f.kind == "checkbox" else chosen[:1]
    if f.kind in ("select", "select-multiple"):
        return [data.draw(st.sampled_from(f.options + ["", "garbage", "999999999"]) | HOSTILE_TEXT, label=name)]
    if f.kind == "date":
        return [data.draw(HOSTILE_DATE, label=name)]
    if f.kind == "datetime-local":
        return [data.draw(HOSTILE_DATETIME, label=name)]
    if f.kind == "decimal":
        return [data.draw(HOSTILE_AMOUNT, label=name)]
    if f.kind == "number":
        return [data.draw(HOSTILE_NUMBER, label=name)]
    if f.kind == "file":
        return []
    return [data.draw(HOSTILE_TEXT, label=name)]


def fill(data, form: HtmlForm) -> dict[str, list[str]]:
    values = {name: hostile(data, name, f) for name, f in form.fields.items()}
    if form.buttons:
        button_name, button_value = data.draw(st.sampled_from(form.buttons), label="button")
        values[button_name] = [button_value]
    return {name: v for name, v in values.items() if v}


# --- The tests ------------------------------------------------------------------------------------------


def test_every_view_that_takes_post_is_fuzzed():
    from tests.juwe.test_access_matrix import MATRIX

    takes_post = {line.name for line in MATRIX if line.post is not None}
    fuzzed = {form.name for form in FORMS}
    missing = sorted(takes_post - fuzzed - set(NOT_FUZZED))
    assert not missing, "views taking POST without an entry in FORMS (tests/juwe/test_form_fuzz.py): " + ", ".join(missing)


def _cases():
    for form in FORMS:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_FINDINGS[form.name])] if form.name in KNOWN_FINDINGS else []
        yield pytest.param(form, id=f"{form.name}-{form.who}", marks=marks)


@pytest.mark.parametrize("form", list(_cases()))
def test_hostile_input_is_never_a_server_error_nor_stored_unescaped(world, db, form):
    page = url(world, form.page or form.name, form.page_args if form.page else form.args, QUERIES.get(form.page or form.name, ""))
    shown = request(world, form.who, "GET", page)
    assert shown.code == "200" and not shown.error, f"{page} as {form.who}: {shown.code} {shown.error}"
    target = url(world, form.name, form.args)
    found = [f for f in forms_posting_to(shown.body, form.name, page) if urlsplit(f.action).path == urlsplit(target).path]
    assert found, f"{page} shows {form.who} no form posting to {target}"

    # No shrinking: a failure shows the example as found (shrinking would cost a minute per failing form).
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 5, database=None,
              phases=(Phase.explicit, Phase.generate),
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(data=st.data())
    def submit(data):
        html_form = data.draw(st.sampled_from(found), label="form")
        values = fill(data, html_form)
        answer = request(world, form.who, "POST", html_form.action, values, then_get=True)
        assert not answer.error, f"server error for {values!r}:\n{answer.error}"
        assert answer.code != "500" and answer.followed_code != "500", values
        if any("\x00" in name or any("\x00" in v for v in vs) for name, vs in values.items()):
            assert answer.code == "400", f"NUL not refused: {answer.code} for {values!r}"
        assert SCRIPT not in answer.body, f"unescaped script in the answer to {values!r}"
        assert SCRIPT not in answer.followed_body, f"unescaped script on {answer.location} after {values!r}"

    submit()


@pytest.mark.parametrize("listing", FILTERS, ids=lambda f: f"{f.name}-{f.who}")
def test_hostile_filters_are_never_a_server_error(world, db, listing):
    target = url(world, listing.name, listing.args)
    shown = request(world, listing.who, "GET", target)
    parser = FormParser("get")
    parser.feed(shown.body)
    found = [f for f in parser.forms if urlsplit(f.action or target).path == urlsplit(target).path]
    assert found, f"{target} shows {listing.who} no filter form"

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 5, database=None,
              phases=(Phase.explicit, Phase.generate),
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(data=st.data())
    def search(data):
        values = fill(data, data.draw(st.sampled_from(found), label="form"))
        values["page"] = [data.draw(st.sampled_from(["1", "0", "-1", "99999999999999999999", "x", ""]), label="page")]
        answer = request(world, listing.who, "GET", f"{target}?{urlencode(values, doseq=True)}")
        assert not answer.error, f"server error for {values!r}:\n{answer.error}"
        # 404: a district to compare that is unknown or out of reach (the same answer on purpose).
        assert answer.code in ("200", "400", "404"), f"{answer.code} for {values!r}"
        assert SCRIPT not in answer.body, f"unescaped script in the answer to {values!r}"

    search()


def test_the_form_reader_reads_what_a_browser_sends():
    html = """<form method="post" action="/x/"><input type="hidden" name="version" value="3">
      <input name="amount" inputmode="decimal"><input type="date" name="day"><textarea name="t">a&amp;b</textarea>
      <select name="s"><option value="">–</option><option value="b" selected>B</option></select>
      <input type="checkbox" name="c" value="1" checked><button name="decision" value="approve">OK</button></form>
      <form method="get" action="/y/"><input name="q"></form>"""
    parser = FormParser()
    parser.feed(html)
    (form,) = parser.forms
    assert form.action == "/x/" and form.buttons == [("decision", "approve")]
    assert {n: (f.kind, f.value, f.options) for n, f in form.fields.items()} == {
        "version": ("hidden", "3", []), "amount": ("decimal", "", []), "day": ("date", "", []),
        "t": ("textarea", "a&b", []), "s": ("select", "b", ["", "b"]), "c": ("checkbox", "1", ["1"]),
    }
