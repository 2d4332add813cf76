"""Issue 13, items 4 and 5: every response that shows social data writes one read event, a refused
POST's page again as well, and every write of social data one event that says what changed.

The read pages are listed by hand from the URL conf (cases, micro-projects, budgets); each entry
builds what its page needs, so a new page that shows case data belongs in READS.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import conference as conf_svc
from cases import contracts, protection, reviews, services
from cases.models import CaseRole, CaseState, ContactKind, ReviewDecision, Vote
from cases.services import MemberInput
from juwe.models import AuditEvent
from microprojects import services as mp
from microprojects.models import ActionGrant, Status
from tests.budgets.factories import CostEntryFactory, make_budget
from tests.cases.conference.factories import all_agree, counselling_case, make_conference, make_item
from tests.cases.contracts.factories import conference_case, sign
from tests.cases.contracts.factories import contract_data, goals, participants, tasks
from tests.cases.contracts.factories import make_contract as draft_contract
from tests.cases.factories import add_maps, make_case
from tests.cases.protection.factories import make_report, plan, record
from tests.cases.reviews.factories import case_in_help
from tests.cases.reviews.factories import make_contract as made_contract
from tests.microprojects.factories import make_project, refer

SECRET = "GEHEIMTEXT-der-Familie"  # free text that must never be copied into the audit trail


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=since).order_by("id"))


# --- Read pages -----------------------------------------------------------------------------------


def _case(u, org):
    case = make_case(u.case_manager, org.walle)
    add_maps(case, u.case_manager)
    return case


def _item(u, org):
    conf = make_conference(u.case_manager, chair=u.team_lead)
    conf_svc.participant_add(conference=conf, user=u.team_lead, participant_user=u.case_manager)
    return make_item(conf, u.case_manager, org.walle)


def _active(u, org):
    return made_contract(case_in_help(u.case_manager, org.walle), provider=org.provider_a)


def _project_with_referral(u, org):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=u.case_manager,
                           status=Status.RUNNING, start=timezone.localdate() - dt.timedelta(days=30))
    refer(project, make_case(u.case_manager, org.walle), u.case_manager)
    return project


def _budget_with_case_entry(u, org):
    budget = make_budget(u.leadership, org.walle, year=timezone.localdate().year)
    CostEntryFactory(budget=budget, case=make_case(u.case_manager, org.walle), exception_reason="Eilfall")
    return budget


# (who reads, how the URL is built from freshly made data)
READS = {
    "case list": ("case_manager", lambda u, org: (_case(u, org), reverse("cases:list"))[1]),
    "case name search": ("case_manager", lambda u, org: (_case(u, org), reverse("cases:list") + "?q=Petersen")[1]),
    "case detail": ("case_manager", lambda u, org: reverse("cases:detail", args=[_case(u, org).pk])),
    "case offers": ("case_manager", lambda u, org: reverse("cases:offers", args=[_case(u, org).pk])),
    "network map svg": ("case_manager", lambda u, org: reverse("cases:network_svg", args=[_case(u, org).pk])),
    "resource map entry form": ("case_manager", lambda u, org: reverse("cases:resource_add", args=[_case(u, org).pk])),
    "resource map entry edit": ("case_manager", lambda u, org: (
        lambda c: reverse("cases:resource_edit", args=[c.pk, c.resources.first().pk]))(_case(u, org))),
    "network map entry form": ("case_manager", lambda u, org: reverse("cases:network_add", args=[_case(u, org).pk])),
    "network map entry edit": ("case_manager", lambda u, org: (
        lambda c: reverse("cases:network_edit", args=[c.pk, c.network.first().pk]))(_case(u, org))),
    "conference detail": ("case_manager", lambda u, org: reverse("cases:conference_detail",
                                                                 args=[_item(u, org).conference_id])),
    "conference item": ("case_manager", lambda u, org: reverse("cases:conference_item", args=[_item(u, org).pk])),
    "conference proposal form": ("case_manager", lambda u, org: reverse("cases:conference_proposal_add",
                                                                        args=[_item(u, org).pk])),
    "conference proposal edit": ("case_manager", lambda u, org: (
        lambda i: reverse("cases:conference_proposal_edit", args=[i.pk, i.proposals.first().pk]))(_item(u, org))),
    "new contract form": ("case_manager", lambda u, org: reverse(
        "cases:contract_create", args=[conference_case(u.case_manager, org.walle).pk])),
    "contract edit form": ("case_manager", lambda u, org: reverse("cases:contract_edit", args=[
        draft_contract(conference_case(u.case_manager, org.walle), u.case_manager).pk])),
    "contract detail": ("case_manager", lambda u, org: reverse("cases:contract_detail", args=[_active(u, org).pk])),
    "contract list": ("provider_staff", lambda u, org: (_active(u, org), reverse("cases:provider_contract_list"))[1]),
    "provider's contract page": ("provider_staff", lambda u, org: reverse("cases:provider_contract_detail",
                                                                          args=[_active(u, org).pk])),
    "review form": ("case_manager", lambda u, org: reverse("cases:review_record", args=[_active(u, org).pk])),
    "§ 8a report form": ("case_manager", lambda u, org: reverse("cases:protection_report", args=[_case(u, org).pk])),
    "§ 8a assessment": ("case_manager", lambda u, org: reverse(
        "cases:protection_detail", args=[make_report(_case(u, org), u.case_manager).pk])),
    "micro-project with referred cases": ("case_manager", lambda u, org: reverse(
        "microprojects:detail", args=[_project_with_referral(u, org).pk])),
    "budget detail": ("economic_aid", lambda u, org: reverse("budgets:budget_detail",
                                                             args=[_budget_with_case_entry(u, org).pk])),
    "cost-entry list": ("economic_aid", lambda u, org: (_budget_with_case_entry(u, org),
                                                        reverse("budgets:cost_entry_list"))[1]),
    "cost-entry exceptions": ("economic_aid", lambda u, org: (_budget_with_case_entry(u, org),
                                                              reverse("budgets:cost_entry_exceptions"))[1]),
}


@pytest.mark.parametrize("page", READS)
def test_each_page_with_social_data_writes_one_read_event(page, as_user, users, org):
    who, build = READS[page]
    url = build(users, org)
    client = as_user(getattr(users, who))
    since = _last_id()
    response = client.get(url)
    assert response.status_code == 200, page
    events = _new_events(since)
    assert [(e.action, e.user) for e in events] == [(AuditEvent.Action.VIEW, getattr(users, who))], page
    assert events[0].path == url


def test_case_list_event_names_the_cases_shown_and_the_search(as_user, users, org):
    shown = make_case(users.case_manager, org.walle)
    make_case(users.case_manager, org.walle, child=("Emil", "Kaya", dt.date(2015, 1, 2)), parent=None)
    client = as_user(users.case_manager)
    since = _last_id()
    client.get(reverse("cases:list"), {"q": "Petersen"})
    (event,) = _new_events(since)
    assert event.name == "cases.case.listed"
    assert event.data["cases"] == [shown.pk] and event.data["filters"]["q"] == ["Petersen"]


def test_map_entry_page_event_is_on_the_case(as_user, users, org):
    case = _case(users, org)
    client = as_user(users.case_manager)
    since = _last_id()
    client.get(reverse("cases:resource_add", args=[case.pk]))
    (event,) = _new_events(since)
    assert (event.name, event.object_type, event.object_id) == ("cases.resource_map.viewed", "cases.case", str(case.pk))


def test_a_page_refused_for_scope_writes_no_read_event(as_user, users, org):
    case = _case(users, org)
    client = as_user(users.other_case_manager)
    since = _last_id()
    assert client.get(reverse("cases:resource_add", args=[case.pk])).status_code == 404
    assert _new_events(since) == []


# --- Pages shown again after a refused POST (422) -------------------------------------------------


def _assessed(u, org):
    assessment = make_report(_case(u, org), u.case_manager)
    return record(assessment, u.case_manager, u.colleague, result="endangerment", safety_scale=3, measures=plan(1))


HTMX = {"HTTP_HX_REQUEST": "true"}
REFUSED = {
    "case edit": lambda u, org: (reverse("cases:edit", args=[_case(u, org).pk]), {}),
    "case state": lambda u, org: (reverse("cases:transition", args=[_case(u, org).pk]), {}),
    "case classification": lambda u, org: (reverse("cases:classify", args=[_case(u, org).pk]), {}),
    "case member": lambda u, org: (reverse("cases:member_add", args=[_case(u, org).pk]), {}),
    "contact": lambda u, org: (reverse("cases:contact_add", args=[_case(u, org).pk]), {}),
    "contact (htmx)": lambda u, org: (reverse("cases:contact_add", args=[_case(u, org).pk]), HTMX),
    "resource map entry": lambda u, org: (reverse("cases:resource_add", args=[_case(u, org).pk]), {}),
    "resource map entry (htmx)": lambda u, org: (reverse("cases:resource_add", args=[_case(u, org).pk]), HTMX),
    "network map entry": lambda u, org: (reverse("cases:network_add", args=[_case(u, org).pk]), {}),
    "network map entry (htmx)": lambda u, org: (reverse("cases:network_add", args=[_case(u, org).pk]), HTMX),
    "conference participant": lambda u, org: (reverse("cases:conference_participant_add",
                                                      args=[_item(u, org).conference_id]), {}),
    "conference agenda": lambda u, org: (reverse("cases:conference_item_add", args=[_item(u, org).conference_id]), {}),
    "conference idea": lambda u, org: (reverse("cases:conference_idea_add", args=[_item(u, org).pk]), {}),
    "conference proposal": lambda u, org: (reverse("cases:conference_proposal_add", args=[_item(u, org).pk]), {}),
    "conference vote": lambda u, org: (reverse("cases:conference_item_vote", args=[_item(u, org).pk]), {}),
    "new contract": lambda u, org: (reverse("cases:contract_create",
                                            args=[conference_case(u.case_manager, org.walle).pk]), {}),
    "contract edit": lambda u, org: (reverse("cases:contract_edit", args=[
        draft_contract(conference_case(u.case_manager, org.walle), u.case_manager).pk]), {}),
    "contract signature": lambda u, org: (reverse("cases:contract_sign", args=[
        draft_contract(conference_case(u.case_manager, org.walle), u.case_manager).pk]), {}),
    "contract end": lambda u, org: (reverse("cases:contract_end", args=[_active(u, org).pk]), {}),
    "progress note": lambda u, org: (lambda c: (reverse("cases:task_note_add", args=[c.pk, c.tasks.first().pk]), {}))(
        _active(u, org)),
    "progress note (htmx)": lambda u, org: (lambda c: (reverse("cases:task_note_add", args=[c.pk, c.tasks.first().pk]),
                                                       HTMX))(_active(u, org)),
    "review": lambda u, org: (reverse("cases:review_record", args=[_active(u, org).pk]), {}),
    "§ 8a report": lambda u, org: (reverse("cases:protection_report", args=[_case(u, org).pk]), {}),
    "§ 8a assessment": lambda u, org: (reverse("cases:protection_detail",
                                               args=[make_report(_case(u, org), u.case_manager).pk]), {}),
    "§ 8a measure done": lambda u, org: (lambda a: (reverse("cases:protection_measure_done",
                                                            args=[a.pk, a.measures.first().pk]), {}))(_assessed(u, org)),
}


@pytest.mark.parametrize("form", REFUSED)
def test_each_refused_post_shows_the_page_again_with_one_read_event(form, as_user, users, org):
    url, headers = REFUSED[form](users, org)
    client = as_user(users.case_manager)
    since = _last_id()
    response = client.post(url, {"_": "refused"}, **headers)  # bound, but nothing a form would accept
    assert response.status_code == 422, form
    events = _new_events(since)
    assert [e.action for e in events] == [AuditEvent.Action.VIEW], form
    assert events[0].user == users.case_manager


def test_a_saved_post_that_redirects_writes_the_write_event_only(as_user, users, org):
    contract = _active(users, org)
    client = as_user(users.case_manager)
    since = _last_id()
    response = client.post(reverse("cases:review_record", args=[contract.pk]), {
        "held_on": timezone.localdate().isoformat(), "decision": ReviewDecision.CONTINUE,
        **{f"score_{g.pk}": "6" for g in contract.goals.all()}, **{f"note_{g.pk}": "ok" for g in contract.goals.all()},
    })
    assert response.status_code == 302
    names = [e.name for e in _new_events(since)]
    assert "cases.review.recorded" in names and "cases.contract.viewed" not in names


# --- Writes ---------------------------------------------------------------------------------------


def _today():
    return timezone.localdate()


def _open_case(u, org):
    return make_case(u.case_manager, org.walle, concern=SECRET)


WRITES: dict[str, tuple] = {}


def write(name: str, *, also=(), check=lambda data: True):
    """Register a write: the function makes what the service needs and returns the call to audit."""
    def register(fn):
        WRITES[fn.__name__] = (name, fn, tuple(also), check)
        return fn
    return register


@write("cases.case.opened", check=lambda d: "concern" in d["fields"] and d["values"]["state"] == "intake")
def case_open(u, org):
    return lambda: _open_case(u, org)


@write("cases.member.added", check=lambda d: d["role"] == CaseRole.OTHER and "note" in d["fields"])
def case_member_add(u, org):
    case = _open_case(u, org)
    return lambda: services.case_member_add(case=case, user=u.case_manager, member=MemberInput(
        role=CaseRole.OTHER, first_name="Mia", last_name="Petersen", birth_date=dt.date(2016, 3, 1), note=SECRET))


@write("cases.case.changed", check=lambda d: set(d["fields"]) == {"will", "goals"} and d["changes"] == {})
def case_update(u, org):
    case = _open_case(u, org)
    return lambda: services.case_update(case=case, user=u.case_manager, version=case.version, concern=case.concern,
                                        will=SECRET, goals=SECRET, first_contact_source=case.first_contact_source)


@write("cases.case.assigned", check=lambda d: d["fields"] == ["case_manager"])
def case_assign(u, org):
    case = _open_case(u, org)
    return lambda: services.case_assign(case=case, user=u.team_lead, case_manager=u.colleague, version=case.version)


@write("cases.case.state_changed", check=lambda d: d["changes"]["state"] == ["intake", "counselling"])
def case_transition(u, org):
    case = _open_case(u, org)
    return lambda: services.case_transition(case=case, user=u.case_manager, to_state=CaseState.COUNSELLING, note=SECRET)


@write("cases.case.classified", check=lambda d: d["changes"]["classification"] == ["", "grey"])
def case_classify(u, org):
    case = _open_case(u, org)
    return lambda: services.case_classify(case=case, user=u.case_manager, classification="grey", reason=SECRET)


@write("cases.contact.recorded", check=lambda d: d["values"]["kind"] == ContactKind.OFFICE and "note" in d["fields"])
def contact_add(u, org):
    case = _open_case(u, org)
    return lambda: services.contact_add(case=case, user=u.case_manager, occurred_at=timezone.now() - dt.timedelta(hours=1),
                                        kind=ContactKind.OFFICE, participants=SECRET, duration_minutes=30, note=SECRET)


@write("cases.resource.created", check=lambda d: d["values"]["area"] == "family" and "description" in d["fields"])
def resource_create(u, org):
    case = _open_case(u, org)
    return lambda: services.resource_save(case=case, user=u.case_manager, area="family", description=SECRET,
                                          named_by="family", strength=2)


@write("cases.resource.changed", check=lambda d: d["changes"] == {"strength": [3, 1]})
def resource_change(u, org):
    case = _open_case(u, org)
    add_maps(case, u.case_manager)
    entry = case.resources.get(area="family")
    return lambda: services.resource_save(case=case, user=u.case_manager, entry=entry, area="family",
                                          description=entry.description, named_by="family", strength=1)


@write("cases.resource.deleted", check=lambda d: d["values"]["area"] == "family")
def resource_delete(u, org):
    case = _open_case(u, org)
    entry = services.resource_save(case=case, user=u.case_manager, area="family", description=SECRET,
                                   named_by="family", strength=2)
    return lambda: services.resource_delete(entry=entry, user=u.case_manager)


@write("cases.network_person.created", check=lambda d: d["values"]["ring"] == 1 and "name" in d["fields"])
def network_person_create(u, org):
    case = _open_case(u, org)
    return lambda: services.network_person_save(case=case, user=u.case_manager, name=SECRET, sector="family", ring=1,
                                                quality="supportive", relation="")


@write("cases.network_person.changed", check=lambda d: d["changes"] == {"quality": ["supportive", "conflict"]})
def network_person_change(u, org):
    case = _open_case(u, org)
    entry = services.network_person_save(case=case, user=u.case_manager, name=SECRET, sector="family", ring=1,
                                         quality="supportive", relation="")
    return lambda: services.network_person_save(case=case, user=u.case_manager, entry=entry, name=SECRET,
                                                sector="family", ring=1, quality="conflict", relation="")


@write("cases.network_person.deleted", check=lambda d: d["values"]["sector"] == "family")
def network_person_delete(u, org):
    case = _open_case(u, org)
    entry = services.network_person_save(case=case, user=u.case_manager, name=SECRET, sector="family", ring=1,
                                         quality="supportive", relation="")
    return lambda: services.network_person_delete(entry=entry, user=u.case_manager)


# Contracts


@write("cases.contract.created", check=lambda d: d["values"]["help_type"] == "31" and "internal_note" in d["fields"]
       and d["goals"] == 2)
def contract_create(u, org):
    case = conference_case(u.case_manager, org.walle)
    return lambda: contracts.contract_create(case=case, user=u.case_manager, data=contract_data(internal_note=SECRET),
                                             participants=participants(), goals=goals(2), tasks=tasks(3, 2))


@write("cases.contract.changed", check=lambda d: d["changes"]["monthly_cost"] == ["1850.00", "1900.00"]
       and "internal_note" in d["fields"] and "internal_note" not in d["changes"])
def contract_update(u, org):
    contract = draft_contract(conference_case(u.case_manager, org.walle), u.case_manager)
    return lambda: contracts.contract_update(
        contract=contract, user=u.case_manager, version=contract.version,
        data=contract_data(monthly_cost=Decimal("1900.00"), internal_note=SECRET),
        participants=participants(), goals=goals(2), tasks=tasks(3, 2))


@write("cases.contract.signed", check=lambda d: d["changes"]["state"] == ["draft", "signed"] and d["signers"])
def contract_sign(u, org):
    contract = draft_contract(conference_case(u.case_manager, org.walle), u.case_manager)
    return lambda: sign(contract, u.case_manager)


@write("cases.contract.approved", also=["cases.case.state_changed"],
       check=lambda d: d["changes"]["state"] == ["signed", "active"])
def contract_approve(u, org):
    contract = sign(draft_contract(conference_case(u.case_manager, org.walle), u.case_manager), u.case_manager)
    return lambda: contracts.contract_approve(contract=contract, user=u.team_lead)


@write("cases.contract.ended", check=lambda d: d["changes"]["state"] == ["active", "ended"] and "end_note" in d["fields"])
def contract_end(u, org):
    contract = _active(u, org)
    return lambda: contracts.contract_end(contract=contract, user=u.case_manager, ended_on=_today(), note=SECRET)


# Reviews


@write("cases.task_note.added", check=lambda d: d["fields"] == ["text"])
def task_note_add(u, org):
    contract = _active(u, org)
    return lambda: reviews.task_note_add(task=contract.tasks.first(), user=u.provider_staff, text=SECRET)


@write("cases.review.recorded", also=["cases.contract.created"],
       check=lambda d: d["values"]["decision"] == "continue" and set(d["scores"].values()) == {6} and "note" in d["fields"])
def review_record(u, org):
    contract = _active(u, org)
    return lambda: reviews.review_record(contract=contract, user=u.case_manager, held_on=_today(),
                                         ratings={g.pk: (6, SECRET) for g in contract.goals.all()},
                                         decision=ReviewDecision.CONTINUE, note=SECRET)


# § 8a


@write("cases.protection.reported", check=lambda d: d["values"]["urgency"] == "24h" and "report" in d["fields"]
       and d["changes"] == {"child_protection": [False, True]})
def report_record(u, org):
    case = _open_case(u, org)
    return lambda: make_report(case, u.case_manager, report=SECRET, reported_by=SECRET)


@write("cases.protection.assessed", check=lambda d: d["values"]["result"] == "none" and d["values"]["safety_scale"] == 7
       and "harm" in d["fields"] and d["changes"] == {"child_protection": [True, False]})
def assessment_record(u, org):
    assessment = make_report(_open_case(u, org), u.case_manager)
    return lambda: record(assessment, u.case_manager, u.colleague, harm=SECRET)


@write("cases.protection_measure.done", check=lambda d: d["changes"] == {"done_on": [None, _today().isoformat()]})
def measure_done(u, org):
    assessment = _assessed(u, org)
    return lambda: protection.measure_done(measure=assessment.measures.first(), user=u.case_manager, done_on=_today())


# Conferences


def _conf(u):
    return make_conference(u.case_manager, chair=u.team_lead, note=SECRET)


@write("cases.conference.created", check=lambda d: "note" in d["fields"] and "place" in d["fields"])
def conference_create(u, org):
    return lambda: _conf(u)


@write("cases.conference.changed", check=lambda d: d["fields"] == ["place"] and d["changes"] == {})
def conference_update(u, org):
    conf = _conf(u)
    return lambda: conf_svc.conference_update(conference=conf, user=u.case_manager, starts_at=conf.starts_at,
                                              place="Raum 1", chair=u.team_lead, note=SECRET)


@write("cases.conference_participant.added", check=lambda d: d["values"]["user"] is not None)
def participant_add(u, org):
    conf = _conf(u)
    return lambda: conf_svc.participant_add(conference=conf, user=u.team_lead, participant_user=u.colleague)


@write("cases.conference_participant.removed", check=lambda d: d["participant"])
def participant_remove(u, org):
    conf = _conf(u)
    p = conf_svc.participant_add(conference=conf, user=u.team_lead, participant_user=u.colleague)
    return lambda: conf_svc.participant_remove(participant=p, user=u.team_lead)


@write("cases.conference_item.added", also=["cases.case.state_changed"], check=lambda d: d["position"] == 1)
def item_add(u, org):
    conf, case = _conf(u), counselling_case(u.case_manager, org.walle)
    return lambda: conf_svc.item_add(conference=conf, user=u.case_manager, case=case)


@write("cases.conference_item.removed", check=lambda d: d["item"])
def item_remove(u, org):
    item = make_item(_conf(u), u.case_manager, org.walle, proposals=0)
    return lambda: conf_svc.item_remove(item=item, user=u.case_manager)


@write("cases.conference_item.recorded", check=lambda d: d["fields"] == ["presentation"] and d["changes"] == {})
def item_record(u, org):
    item = make_item(_conf(u), u.case_manager, org.walle, proposals=0)
    return lambda: conf_svc.item_record(item=item, user=u.case_manager, presentation=SECRET)


@write("cases.conference_idea.added", check=lambda d: d["fields"] == ["text"])
def idea_add(u, org):
    item = make_item(_conf(u), u.case_manager, org.walle, proposals=0)
    return lambda: conf_svc.idea_add(item=item, user=u.case_manager, text=SECRET)


@write("cases.conference_idea.removed", check=lambda d: d["idea"])
def idea_remove(u, org):
    item = make_item(_conf(u), u.case_manager, org.walle, proposals=0)
    idea = conf_svc.idea_add(item=item, user=u.case_manager, text=SECRET)
    return lambda: conf_svc.idea_remove(idea=idea, user=u.case_manager)


@write("cases.help_proposal.added", check=lambda d: d["values"]["help_type"] == "31" and "description" in d["fields"])
def proposal_add(u, org):
    item = make_item(_conf(u), u.case_manager, org.walle, proposals=0)
    return lambda: conf_svc.proposal_save(item=item, user=u.case_manager, help_type="31", description=SECRET)


@write("cases.help_proposal.changed", check=lambda d: d["changes"] == {"help_type": ["31", "29"]})
def proposal_change(u, org):
    item = make_item(_conf(u), u.case_manager, org.walle, proposals=0)
    proposal = conf_svc.proposal_save(item=item, user=u.case_manager, help_type="31", description=SECRET)
    return lambda: conf_svc.proposal_save(item=item, user=u.case_manager, proposal=proposal, help_type="29",
                                          description=SECRET)


@write("cases.help_proposal.removed", check=lambda d: d["help_type"] == "31")
def proposal_remove(u, org):
    item = make_item(_conf(u), u.case_manager, org.walle, proposals=0)
    proposal = conf_svc.proposal_save(item=item, user=u.case_manager, help_type="31", description=SECRET)
    return lambda: conf_svc.proposal_remove(proposal=proposal, user=u.case_manager)


@write("cases.conference_item.voted", check=lambda d: d["changes"] == {"status": ["open", "decided"]}
       and d["votes"][Vote.VETO] == 0)
def votes_record(u, org):
    item = make_item(_conf(u), u.case_manager, org.walle)
    return lambda: conf_svc.votes_record(item=item, user=u.case_manager, votes=all_agree(item), decision_note=SECRET)


@write("cases.conference_item.new_round", check=lambda d: d["changes"]["round"] == [1, 2])
def item_new_round(u, org):
    item = make_item(_conf(u), u.case_manager, org.walle)
    votes = [conf_svc.VoteInput(p, Vote.VETO, SECRET) for p in item.conference.participants.all()]
    conf_svc.votes_record(item=item, user=u.case_manager, votes=votes)
    return lambda: conf_svc.item_new_round(item=item, user=u.case_manager)


# Micro-projects


def _draft(u, org, **kw):
    return make_project(districts=[org.walle], provider=org.provider_a, created_by=u.case_manager, **kw)


def _project_fields(org, **kw):
    today = _today()
    return {"title": "Elterncafé", "category": "case_spanning", "provider": org.provider_a, "need_description": SECRET,
            "need_case_count": 3, "target_group": "Eltern", "age_from": 3, "age_to": 10, "goals": SECRET,
            "start_date": today, "end_date": today + dt.timedelta(days=90), "requested_amount": Decimal("5000.00"),
            "budget_district": org.walle, "coordinator": None, "lead": None} | kw


@write("microprojects.project.created", check=lambda d: d["values"]["requested_amount"] == "5000.00"
       and "goals" in d["fields"] and d["districts"])
def microproject_create(u, org):
    return lambda: mp.microproject_create(actor=u.case_manager, districts=[org.walle], **_project_fields(org))


@write("microprojects.project.updated", check=lambda d: d["changes"] == {"requested_amount": ["20000.00", "6000.00"]})
def microproject_update(u, org):
    project = _draft(u, org)
    project.developed_by.set([u.case_manager])
    fields = {f: getattr(project, f) for f in mp.PROJECT_FIELDS} | {"requested_amount": Decimal("6000.00")}
    return lambda: mp.microproject_update(actor=u.case_manager, project=project, version=project.version,
                                          districts=[org.walle], developed_by=[u.case_manager], **fields)


@write("microprojects.project.submitted", check=lambda d: d["changes"]["status"] == ["draft", "submitted"])
def microproject_submit(u, org):
    project = _draft(u, org)
    project.developed_by.set([u.case_manager])
    return lambda: mp.microproject_submit(actor=u.case_manager, project=project)


@write("microprojects.project.approved", check=lambda d: d["changes"]["status"] == ["submitted", "approved"]
       and d["changes"]["approved_amount"] == [None, "1000.00"])
def microproject_approve(u, org):
    from tests.microprojects.factories import set_budget

    project = _draft(u, org, status=Status.SUBMITTED)
    set_budget(org.walle, "50000.00", project.start_date.year)
    return lambda: mp.microproject_approve(actor=u.coordinator, project=project, amount=Decimal("1000.00"))


@write("microprojects.project.rejected", check=lambda d: d["fields"] == ["rejection_reason"])
def microproject_reject(u, org):
    project = _draft(u, org, status=Status.SUBMITTED)
    return lambda: mp.microproject_reject(actor=u.coordinator, project=project, reason=SECRET)


@write("microprojects.project.started", check=lambda d: d["changes"]["status"] == ["approved", "running"])
def microproject_start(u, org):
    project = _draft(u, org, status=Status.APPROVED, coordinator=u.coordinator)
    return lambda: mp.microproject_start(actor=u.coordinator, project=project)


@write("microprojects.project.completed", check=lambda d: d["changes"]["outcome"] == ["", "continued"])
def microproject_complete(u, org):
    project = _draft(u, org, status=Status.RUNNING, coordinator=u.coordinator)
    return lambda: mp.microproject_complete(actor=u.coordinator, project=project, outcome="continued", note=SECRET)


@write("microprojects.project.participation", check=lambda d: d["changes"]["referred_by_cm"] == [None, 4])
def participation_record(u, org):
    project = _draft(u, org, status=Status.RUNNING, coordinator=u.coordinator, start=dt.date(_today().year, 1, 1))
    return lambda: mp.participation_record(actor=u.coordinator, project=project, year=_today().year, quarter=1,
                                           referred_by_cm=4, low_threshold=5)


@write("microprojects.project.reviewed", check=lambda d: d["review"] and d["values"]["rating"] == 2 and "findings" in d["fields"])
def review_create(u, org):
    project = _draft(u, org, status=Status.RUNNING, coordinator=u.coordinator)
    return lambda: mp.review_create(actor=u.coordinator, project=project, kind="quality_circle", date=_today(),
                                    participants=SECRET, findings=SECRET, rating=2)


@write("microprojects.project.referral", check=lambda d: d["case"] and d["referred_on"] == _today().isoformat())
def referral_create(u, org):
    project = _draft(u, org, status=Status.RUNNING, start=_today() - dt.timedelta(days=10))
    case = make_case(u.case_manager, org.walle)
    return lambda: mp.referral_create(actor=u.case_manager, project=project, case_reference=case.reference)


@write("microprojects.project.supplement_requested", check=lambda d: d["requested_amount"] == "500.00")
def supplement_request(u, org):
    project = _draft(u, org, status=Status.RUNNING, coordinator=u.coordinator)
    return lambda: mp.supplement_request(actor=u.coordinator, project=project, amount=Decimal("500.00"), reason=SECRET)


@write("microprojects.project.supplement_rejected", check=lambda d: d["changes"]["status"] == ["requested", "rejected"])
def supplement_reject(u, org):
    project = _draft(u, org, status=Status.RUNNING, coordinator=u.coordinator)
    supplement = mp.supplement_request(actor=u.case_manager, project=project, amount=Decimal("500.00"), reason="x")
    return lambda: mp.supplement_reject(actor=u.coordinator, supplement=supplement, reason=SECRET)


@write("microprojects.preventionbudget.set", check=lambda d: d["changes"]["amount"] == [None, "9000.00"])
def prevention_budget_set(u, org):
    return lambda: mp.prevention_budget_set(actor=u.leadership, district=org.walle, year=_today().year,
                                            amount=Decimal("9000.00"))


@write("microprojects.action_grant.requested", check=lambda d: d["values"]["amount"] == "300.00" and "purpose" in d["fields"])
def action_grant_request(u, org):
    return lambda: mp.action_grant_request(actor=u.case_manager, district=org.walle, amount=Decimal("300.00"),
                                           title="Stadtteilfest", applicant=SECRET, purpose=SECRET)


@write("microprojects.action_grant.declined", check=lambda d: d["changes"]["status"] == ["requested", "declined"])
def action_grant_decide(u, org):
    grant = mp.action_grant_request(actor=u.case_manager, district=org.walle, amount=Decimal("300.00"),
                                    title="Stadtteilfest", applicant="Verein", purpose="Fest")
    return lambda: mp.action_grant_decide(actor=u.coordinator, grant=grant, grant_it=False, reason=SECRET)


@write("microprojects.action_grant.proof_recorded", check=lambda d: d["changes"]["proof_received_on"] == [None, _today().isoformat()])
def action_grant_record_proof(u, org):
    grant = mp.action_grant_request(actor=u.case_manager, district=org.walle, amount=Decimal("300.00"),
                                    title="Stadtteilfest", applicant="Verein", purpose="Fest")
    ActionGrant.objects.filter(pk=grant.pk).update(status=ActionGrant.Status.GRANTED)
    return lambda: mp.action_grant_record_proof(actor=u.coordinator, grant=grant, received_on=_today(), note=SECRET)


@pytest.mark.parametrize("service", WRITES)
def test_each_write_of_social_data_writes_one_event_with_what_changed(service, users, org):
    name, setup, also, check = WRITES[service]
    run = setup(users, org)
    since = _last_id()
    run()
    events = _new_events(since)
    mine = [e for e in events if e.name == name]
    assert len(mine) == 1, [e.name for e in events]
    assert sorted(e.name for e in events if e.name != name) == sorted(also)
    event = mine[0]
    assert event.action in (AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE)
    assert event.user is not None and event.object_id
    assert check(event.data), event.data
    assert SECRET not in json.dumps(event.data) and SECRET not in event.object_repr


def test_a_refused_write_leaves_no_event(users, org):
    case = _open_case(users, org)
    since = _last_id()
    with pytest.raises(Exception):
        services.case_classify(case=case, user=users.case_manager, classification="grey", reason="")
    assert _new_events(since) == []


def test_deleted_map_entry_event_names_the_case_and_the_entry(users, org):
    case = _open_case(users, org)
    entry = services.network_person_save(case=case, user=users.case_manager, name="Oma", sector="family", ring=1,
                                         quality="supportive", relation="")
    pk = entry.pk
    services.network_person_delete(entry=entry, user=users.case_manager)
    event = AuditEvent.objects.get(name="cases.network_person.deleted")
    assert (event.action, event.object_type, event.object_id, event.data["entry"]) == (
        AuditEvent.Action.DELETE, "cases.case", str(case.pk), pk)
