"""Micro-project costs move from the youth-help budgets to the prevention frame.

Until now a micro-project's invoice was booked as a cost entry (case-independent work) into the lead
provider's youth-help budget, which lowered the provider's settlement share. Micro-projects are paid
out of the district's prevention frame (microprojects.ProjectPayment). Cost entries with a
micro-project link in budgets whose settlement is not final become payments of that project (same
date, amount, provider, invoice number, note, booked by and at; a reversal stays linked to its
original) and are deleted from the budget in one statement, so the statement-level triggers keep
budgets_costmonthtotal right. A final settlement is a frozen record: its budget's entries stay as
they are (the triggers would refuse the change anyway), and so does anything linked to them – a
reversal booked into an open year for an original of a final year stays where it corrects it.

Not reversible in data: migrating back leaves the payments where they are.
"""

from django.db import migrations


def movable_entries(CostEntry, Settlement) -> list:
    """The micro-project entries of open budgets that can move together with their reversal links."""
    final = set(Settlement.objects.filter(status="final").values_list("budget_id", flat=True))
    movable = {
        e.pk: e for e in CostEntry.objects.filter(microproject__isnull=False).exclude(budget_id__in=final).order_by("pk")
    }
    # original id -> ids of its reversals, over all entries (a reversal may lack the link)
    reversals: dict[int, list[int]] = {}
    for pk, original in CostEntry.objects.filter(reverses__isnull=False).values_list("pk", "reverses_id"):
        reversals.setdefault(original, []).append(pk)
    changed = True
    while changed:  # an entry moves only with the entries it is linked to
        changed = False
        for pk, entry in list(movable.items()):
            stays = (entry.reverses_id is not None and entry.reverses_id not in movable) or any(
                r not in movable for r in reversals.get(pk, [])
            )
            if stays:
                del movable[pk]
                changed = True
    return list(movable.values())


def move_to_prevention_frame(apps, schema_editor):
    CostEntry = apps.get_model("budgets", "CostEntry")
    Settlement = apps.get_model("budgets", "Settlement")
    ProjectPayment = apps.get_model("microprojects", "ProjectPayment")
    entries = movable_entries(CostEntry, Settlement)
    if not entries:
        return
    payments: dict[int, object] = {}
    # Originals first, so that each reversal finds the payment it reverses.
    for group in ([e for e in entries if e.reverses_id is None], [e for e in entries if e.reverses_id is not None]):
        created = ProjectPayment.objects.bulk_create([
            ProjectPayment(
                project_id=e.microproject_id, paid_on=e.booking_date, amount=e.amount, provider_id=e.provider_id,
                invoice_number=e.invoice_number, note=e.note, created_by_id=e.created_by_id, created_at=e.created_at,
                reverses=payments.get(e.reverses_id),
            )
            for e in group
        ])
        payments.update({e.pk: p for e, p in zip(group, created, strict=True)})
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM budgets_costentry WHERE id = ANY(%s)", [[e.pk for e in entries]])


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0005_youth_help_35a"),
        ("microprojects", "0005_payments_supplements_grant_proof"),
    ]

    operations = [
        migrations.RunPython(move_to_prevention_frame, migrations.RunPython.noop),
    ]
