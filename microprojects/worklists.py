"""The coordinator's (and leadership's) worklist sections for micro-projects, supplementary
approvals, action grants and their proofs of use."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from juwe.lib.money import format_eur
from juwe.roles import Role
from juwe.worklist import Section
from microprojects import selectors
from microprojects.access import coordinated_district_ids

TEMPLATE = "juwe/_worklist_simple.html"
LIMIT = 50
LEADERSHIP_SCAN = 500


def pending_approval_rows(user) -> list[dict]:
    qs = selectors.pending_approvals(user)
    if not coordinated_district_ids(user) and user.has_role(Role.LEADERSHIP):
        # Leadership decides only what the coordinators may not: requests over the remaining budget.
        projects = selectors.projects_over_budget(user, qs)
    else:
        projects = list(qs[:LIMIT])
    return [
        {
            "label": p.title,
            "url": reverse("microprojects:detail", args=[p.pk]),
            "note": _("%(district)s, %(amount)s requested, submitted %(date)s")
            % {
                "district": p.budget_district.name,
                "amount": format_eur(p.requested_amount),
                "date": formats.date_format(p.submitted_at, "SHORT_DATE_FORMAT") if p.submitted_at else "–",
            },
        }
        for p in projects[:LIMIT]
    ]


def pending_supplement_rows(user) -> list[dict]:
    qs = selectors.pending_supplements(user)
    if not coordinated_district_ids(user) and user.has_role(Role.LEADERSHIP):
        # Leadership decides only what the coordinators may not: supplements over the remaining frame.
        # Requests are few; the first LEADERSHIP_SCAN keep the section bounded.
        supplements = selectors.supplements_over_budget(list(qs[:LEADERSHIP_SCAN]))
    else:
        supplements = list(qs[:LIMIT])
    return [
        {
            "label": s.project.title,
            "url": reverse("microprojects:supplement_decide", args=[s.project_id, s.pk]),
            "note": _("%(district)s, supplement of %(amount)s requested %(date)s")
            % {
                "district": s.project.budget_district.name,
                "amount": format_eur(s.requested_amount),
                "date": formats.date_format(timezone.localtime(s.requested_at), "SHORT_DATE_FORMAT"),
            },
        }
        for s in supplements[:LIMIT]
    ]


def review_due_rows(user) -> list[dict]:
    return [
        {
            "label": p.title,
            "url": reverse("microprojects:detail", args=[p.pk]),
            "note": (
                _("last review %(date)s") % {"date": formats.date_format(last, "SHORT_DATE_FORMAT")}
                if last else _("no review since the start")
            ),
            "overdue": True,
        }
        for p, last, _due in selectors.projects_review_due(user)[:LIMIT]
    ]


# Action grants are meant to be decided "within days": older requests show as overdue.
GRANT_DECISION_DAYS = 7


def grant_rows(user) -> list[dict]:
    overdue_before = timezone.now() - dt.timedelta(days=GRANT_DECISION_DAYS)
    return [
        {
            "label": g.title,
            "url": reverse("microprojects:grant_decide", args=[g.pk]),
            "note": _("%(district)s, %(amount)s, requested %(date)s")
            % {
                "district": g.district.name,
                "amount": format_eur(g.amount),
                "date": formats.date_format(timezone.localtime(g.requested_at), "SHORT_DATE_FORMAT"),
            },
            "overdue": g.requested_at < overdue_before,
        }
        for g in selectors.pending_grants(user)[:LIMIT]
    ]


def proof_rows(user) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "label": g.title,
            "url": reverse("microprojects:grant_proof", args=[g.pk]),
            "note": _("%(district)s, %(amount)s, proof of use due %(date)s")
            % {
                "district": g.district.name,
                "amount": format_eur(g.amount),
                "date": formats.date_format(g.proof_due, "SHORT_DATE_FORMAT"),
            },
            "overdue": g.proof_due < today,
        }
        for g in selectors.proofs_due(user, today, limit=LIMIT)
    ]


SECTIONS = [
    Section("microprojects_pending", gettext_lazy("Micro-projects awaiting approval"), "microprojects.decide_any",
            pending_approval_rows, TEMPLATE, order=30),
    Section("microprojects_supplements", gettext_lazy("Supplementary approvals awaiting a decision"),
            "microprojects.decide_any", pending_supplement_rows, TEMPLATE, order=30),
    Section("microprojects_review_due", gettext_lazy("Micro-projects without a quality review in 12 months"),
            "microprojects.review_worklist", review_due_rows, TEMPLATE, order=31),
    Section("microprojects_grants", gettext_lazy("Action-budget requests to decide"), "microprojects.decide_grant_any",
            grant_rows, TEMPLATE, order=32),
    Section("microprojects_proofs", gettext_lazy("Proofs of use of action grants due"), "microprojects.decide_grant_any",
            proof_rows, TEMPLATE, order=33),
]
