"""The child-protection section: § 8a reports, the share assessed in time, results, open assessments
past due and takings into care. Reports count by the local (Europe/Berlin) day they were received."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.metrics import protection as metrics
from cases.models import ProtectionResult
from juwe.controlling.figures import Context, Figure, Kind, Section, Table, share


def _worklist_link(ctx: Context) -> str | None:
    """Open § 8a assessments are listed on the worklist of case managers and team leads (there is no
    other § 8a list); it shows today's state, so no link for a reference date in the past."""
    user = ctx.user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.has_perm("cases.view_protection_worklist") or ctx.period.reference < timezone.localdate():
        return None
    return f"{reverse('home')}#wl-cases-protection-open"


def compute(ctx: Context) -> Section:
    ids, period = ctx.scope.district_ids, ctx.period
    reports = metrics.reports_received(ids, period.start, period.end)
    overdue = metrics.open_past_due(ids, period.reference)

    figures = [
        Figure(
            "kinderschutz_meldungen", _("§ 8a reports"), reports.received,
            help=_("Reports of a possible endangerment of a child (§ 8a SGB VIII) received in the period."),
        ),
        Figure(
            "kinderschutz_fristgerecht", _("Assessed in time"), share(reports.in_time, reports.received),
            kind=Kind.SHARE, base=reports.received,
            help=_("Share of the reports received in the period whose assessment was made by its due time, in per "
                   "cent of all reports received (those not yet assessed count as not in time)."),
        ),
        Figure(
            "kinderschutz_offen_ueberfaellig", _("Open assessments past due"), overdue,
            link=_worklist_link(ctx),
            help=_("§ 8a assessments due before the end of the reference date and still without a result at "
                   "that time."),
        ),
        Figure(
            "inobhutnahmen", _("Takings into care"), reports.taken_into_care,
            help=_("Reports received in the period that led to taking the child into care (§ 42 SGB VIII)."),
        ),
    ]

    rows = [(str(label), [Figure(f"ergebnis_{value}", str(label), reports.by_result.get(value, 0))])
            for value, label in ProtectionResult.choices]
    rows.append((_("open (no result yet)"), [Figure("ergebnis_offen", _("open"), reports.by_result.get("", 0))]))
    rows.append((_("Total"), [Figure("ergebnis_gesamt", _("Total"), reports.received)]))
    table = Table(
        key="kinderschutz_ergebnisse",
        title=_("Results of the § 8a reports of the period"),
        columns=[_("Reports")],
        rows=rows,
        total_row=True,
        note=_("The result as recorded today for each report received in the period."),
    )
    return Section(subject="protection", title=_("Child protection"), figures=figures, tables=[table])
