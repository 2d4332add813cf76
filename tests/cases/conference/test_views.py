"""Conference pages: access, planning, the guided steps, voting through the form, PDFs, query counts."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases import conference as svc
from cases.models import ConferenceItem, ConferenceVote, HelpProposal, ItemStatus
from juwe.models import AuditEvent
from tests.cases.conference.factories import all_agree, make_conference, make_item

LIST = reverse("cases:conference_list")
# Request overhead: session, user, roles, idle-timeout session refresh (savepoint + UPDATE + release).
OVERHEAD = 6


def _urls(conf, item):
    return [
        reverse("cases:conference_detail", args=[conf.pk]),
        reverse("cases:conference_item", args=[item.pk]),
        reverse("cases:conference_agenda_pdf", args=[conf.pk]),
        reverse("cases:conference_minutes_pdf", args=[conf.pk]),
    ]


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["case_manager", "colleague", "team_lead"])
def test_the_team_sees_its_conferences(as_user, users, conf, item, who):
    client = as_user(getattr(users, who))
    assert client.get(LIST).status_code == 200
    for url in _urls(conf, item)[:2]:
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["other_case_manager"])
def test_another_team_gets_404(as_user, users, conf, item, who):
    client = as_user(getattr(users, who))
    assert reverse("cases:conference_detail", args=[conf.pk]) not in client.get(LIST).text
    for url in _urls(conf, item):
        assert client.get(url).status_code == 404
    post = client.post(reverse("cases:conference_item_vote", args=[item.pk]), {})
    assert post.status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "economic_aid", "leadership", "provider_staff", "admin"])
def test_roles_without_case_contents_get_403_on_the_list_and_404_on_records(as_user, users, conf, item, who):
    client = as_user(getattr(users, who))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("cases:conference_create")).status_code == 403
    for url in _urls(conf, item):
        assert client.get(url).status_code == 404


def test_navigation_entry_for_caseworkers_only(as_user, users):
    assert LIST in as_user(users.case_manager).get(reverse("home")).text
    assert LIST not in as_user(users.coordinator).get(reverse("home")).text


def test_viewing_an_item_is_audited_as_a_case_read(as_user, users, item):
    as_user(users.colleague).get(reverse("cases:conference_item", args=[item.pk]))
    event = AuditEvent.objects.get(name="cases.case.viewed", user=users.colleague)
    assert event.object_id == str(item.case_id) and event.data["part"] == "conference"


# --- Planning -----------------------------------------------------------------------------------


def test_create_a_conference(as_user, users, org):
    client = as_user(users.case_manager)
    response = client.post(reverse("cases:conference_create"),
                           {"starts_at": "2031-03-04T09:30", "place": "Raum 2.14", "chair": users.team_lead.pk})
    conf = org.team_a.conferences.get()
    assert response.status_code == 302 and response.url == reverse("cases:conference_detail", args=[conf.pk])
    assert conf.place == "Raum 2.14" and conf.chair == users.team_lead


def test_bad_input_on_create_keeps_what_was_typed(as_user, users, org):
    response = as_user(users.case_manager).post(reverse("cases:conference_create"),
                                                 {"starts_at": "", "place": "Raum 2.14", "note": "Bitte pünktlich"})
    assert response.status_code == 422
    assert "Raum 2.14" in response.text and "Bitte pünktlich" in response.text
    assert not org.team_a.conferences.exists()


def test_add_participant_and_case_through_the_page(as_user, users, org):
    from tests.cases.conference.factories import counselling_case

    conf = make_conference(users.case_manager)
    case = counselling_case(users.case_manager, org.walle)
    client = as_user(users.case_manager)
    detail = reverse("cases:conference_detail", args=[conf.pk])
    page = client.get(detail).text
    assert case.reference in page  # offered in the case select
    client.post(reverse("cases:conference_participant_add", args=[conf.pk]), {"participant_user": users.economic_aid.pk})
    client.post(reverse("cases:conference_item_add", args=[conf.pk]), {"case": case.pk})
    page = client.get(detail).text
    assert conf.participants.filter(user=users.economic_aid, function="economic_aid").exists()
    assert reverse("cases:conference_item", args=[conf.items.get().pk]) in page


def test_guest_without_name_is_refused_with_a_message(as_user, users):
    conf = make_conference(users.case_manager)
    response = as_user(users.case_manager).post(reverse("cases:conference_participant_add", args=[conf.pk]),
                                                {"name": "", "function": "provider"})
    assert response.status_code == 422
    assert "Namen" in response.text or "name" in response.text
    assert conf.participants.count() == 1


# --- The guided steps ---------------------------------------------------------------------------


def test_the_guided_steps(as_user, users, conf, org):
    from tests.cases.conference.factories import counselling_case

    case = counselling_case(users.case_manager, org.walle)
    item = svc.item_add(conference=conf, user=users.case_manager, case=case)
    client = as_user(users.case_manager)
    url = reverse("cases:conference_item", args=[item.pk])
    r = client.post(reverse("cases:conference_item_presentation", args=[item.pk]),
                    {"presenter": users.case_manager.pk, "presentation": "Lina fehlt oft.", "questions": "Seit wann?"})
    assert r.status_code == 302 and r.url.endswith("#step-2")
    client.post(reverse("cases:conference_item_perspectives", args=[item.pk]), {"perspectives": "Aus Linas Sicht ..."})
    client.post(reverse("cases:conference_idea_add", args=[item.pk]), {"text": "Schulsozialarbeit einbeziehen"})
    for help_type, text in [("31", "SPFH zwei Termine pro Woche"), ("district", "Elterncafé im Familienzentrum")]:
        client.post(reverse("cases:conference_proposal_add", args=[item.pk]), {"help_type": help_type, "description": text})
    page = client.get(url).text
    for text in ("Lina fehlt oft.", "Aus Linas Sicht", "Schulsozialarbeit einbeziehen", "SPFH zwei Termine pro Woche"):
        assert text in page
    data = {f"vote_{p.pk}": "agree" for p in conf.participants.all()}
    r = client.post(reverse("cases:conference_item_vote", args=[item.pk]), {**data, "decision_note": "Beides anbieten"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.DECIDED
    assert "Beides anbieten" in client.get(url).text


def test_proposal_can_be_changed_while_open(as_user, users, item):
    proposal = item.proposals.first()
    client = as_user(users.case_manager)
    edit = reverse("cases:conference_proposal_edit", args=[item.pk, proposal.pk])
    assert proposal.description in client.get(edit).text
    client.post(edit, {"help_type": "28", "description": "Erziehungsberatung"})
    proposal.refresh_from_db()
    assert (proposal.help_type, proposal.description) == ("28", "Erziehungsberatung")


def test_veto_without_reason_keeps_the_typed_votes(as_user, users, conf, item):
    participants = list(conf.participants.all())
    data = {f"vote_{p.pk}": "agree" for p in participants}
    data[f"vote_{participants[-1].pk}"] = "veto"
    data["decision_note"] = "Notiz bleibt"
    response = as_user(users.case_manager).post(reverse("cases:conference_item_vote", args=[item.pk]), data)
    assert response.status_code == 422
    assert "Ein Veto braucht eine Begründung." in response.text or "A veto needs a reason." in response.text
    assert "Notiz bleibt" in response.text
    assert f'id="vote_vote_{participants[-1].pk}_1"' in response.text
    assert not ConferenceVote.objects.exists()
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_missing_vote_is_marked(as_user, users, conf, item):
    response = as_user(users.case_manager).post(reverse("cases:conference_item_vote", args=[item.pk]), {})
    assert response.status_code == 422
    assert not ConferenceVote.objects.exists()


def test_veto_returns_and_another_round_starts(as_user, users, conf, item):
    client = as_user(users.case_manager)
    participants = list(conf.participants.all())
    data = {f"vote_{p.pk}": "agree" for p in participants}
    data[f"vote_{participants[0].pk}"] = "veto"
    data[f"reason_{participants[0].pk}"] = "Die Familie wurde nicht gefragt."
    client.post(reverse("cases:conference_item_vote", args=[item.pk]), data)
    item.refresh_from_db()
    assert item.status == ItemStatus.RETURNED
    page = client.get(reverse("cases:conference_item", args=[item.pk])).text
    assert "Die Familie wurde nicht gefragt." in page
    client.post(reverse("cases:conference_item_new_round", args=[item.pk]))
    item.refresh_from_db()
    assert (item.round, item.status) == (2, ItemStatus.OPEN)


def test_a_decided_item_shows_no_forms(as_user, users, item):
    svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item))
    client = as_user(users.case_manager)
    page = client.get(reverse("cases:conference_item", args=[item.pk])).text
    assert reverse("cases:conference_proposal_add", args=[item.pk]) not in page
    response = client.post(reverse("cases:conference_proposal_add", args=[item.pk]),
                           {"help_type": "28", "description": "Noch einer"})
    assert response.status_code == 422
    assert HelpProposal.objects.filter(item=item).count() == 2


# --- Case page panel ----------------------------------------------------------------------------


def test_case_page_lists_the_cases_conferences(as_user, users, item):
    page = as_user(users.case_manager).get(reverse("cases:detail", args=[item.case_id])).text
    assert reverse("cases:conference_item", args=[item.pk]) in page
    assert "Sozialpädagogische Familienhilfe" in page or "socio-pedagogical family help" in page


# --- PDFs ---------------------------------------------------------------------------------------


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_agenda_and_minutes_pdf(as_user, users, conf, item):
    svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item))
    client = as_user(users.case_manager)
    agenda = _pdf_text(client.get(reverse("cases:conference_agenda_pdf", args=[conf.pk])))
    assert item.case.reference in agenda and "Frau Okafor" in agenda
    minutes = _pdf_text(client.get(reverse("cases:conference_minutes_pdf", args=[conf.pk])))
    assert item.case.reference in minutes
    assert "Vorschlag 1: Familienhilfe" in minutes and "Vorschlag 2: Familienhilfe" in minutes
    names = set(AuditEvent.objects.filter(action="print").values_list("name", flat=True))
    assert names == {"cases.conference.agenda_printed", "cases.conference.minutes_printed"}


# --- Query counts -------------------------------------------------------------------------------


def _grow(conf, users, org, n=4):
    for _ in range(n):
        make_conference(users.case_manager)
        item = make_item(conf, users.case_manager, org.walle, proposals=3)
        svc.idea_add(item=item, user=users.case_manager, text="Idee")
        svc.participant_add(conference=conf, user=users.case_manager, name=f"Gast {item.pk}", function="other")


def _constant(client, url, budget, grow, assert_max):
    with assert_max(budget) as small:
        assert client.get(url).status_code == 200
    grow()
    with assert_max(budget) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_list_query_count_is_constant(as_user, users, org, conf, django_assert_max_num_queries):
    # + count (capped), the page with its counts of cases and participants in one query
    _constant(as_user(users.case_manager), LIST, OVERHEAD + 2, lambda: _grow(conf, users, org),
              django_assert_max_num_queries)


def test_detail_query_count_is_constant(as_user, users, org, conf, item, django_assert_max_num_queries):
    # + conference, audit insert, participants, agenda with proposal counts; the forms' choices:
    # cases, participant users, providers, presenters
    _constant(as_user(users.case_manager), reverse("cases:conference_detail", args=[conf.pk]), OVERHEAD + 8,
              lambda: _grow(conf, users, org), django_assert_max_num_queries)


def test_item_query_count_is_constant(as_user, users, org, conf, item, django_assert_max_num_queries):
    def grow():
        _grow(conf, users, org, 1)
        for i in range(3):
            svc.idea_add(item=item, user=users.case_manager, text=f"Idee {i}")
            svc.proposal_save(item=item, user=users.case_manager, help_type="28", description=f"Beratung {i}")

    # + item with conference and case, audit insert, ideas, proposals, participants, votes; the
    # forms' choices: presenters, the case's resources, providers
    _constant(as_user(users.case_manager), reverse("cases:conference_item", args=[item.pk]), OVERHEAD + 9, grow,
              django_assert_max_num_queries)


def test_remove_idea_and_proposal_while_open_only(as_user, users, item):
    client = as_user(users.case_manager)
    idea = svc.idea_add(item=item, user=users.case_manager, text="Idee")
    client.post(reverse("cases:conference_idea_remove", args=[idea.pk]))
    assert not item.ideas.exists()
    svc.proposal_save(item=item, user=users.case_manager, help_type="28", description="Dritter")
    client.post(reverse("cases:conference_proposal_remove", args=[item.proposals.last().pk]))
    assert item.proposals.count() == 2
    svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item))
    response = client.post(reverse("cases:conference_proposal_remove", args=[item.proposals.first().pk]), follow=True)
    assert item.proposals.count() == 2
    assert "message-error" in response.text


def test_edit_conference(as_user, users, conf):
    client = as_user(users.case_manager)
    url = reverse("cases:conference_edit", args=[conf.pk])
    assert conf.place in client.get(url).text
    response = client.post(url, {"starts_at": "2031-05-06T10:00", "place": "Bürgerhaus", "chair": users.team_lead.pk})
    assert response.status_code == 302
    conf.refresh_from_db()
    assert conf.place == "Bürgerhaus"
    assert client.post(url, {"starts_at": "kein Datum", "place": "Woanders"}).status_code == 422
