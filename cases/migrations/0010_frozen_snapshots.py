"""Frozen copies of signed contracts and of decided conference records (issue 13, item 9).

Signed contracts (`Contract.snapshot`), cases decided by consensus (`ConferenceItem.snapshot`) and
the head of the minutes of conferences with a decision (`Conference.minutes_snapshot`) keep what
their pages and PDFs show from the moment they are frozen.

Rows frozen before this migration have no copy of how they looked then: the data migration fills
their snapshot from TODAY'S live values (the case's members, the provider's name, the texts as they
are on the day of the migration). That is the best record left; from then on they stay as they are.

The builders are the application's own (cases.contracts.contract_snapshot,
cases.conference.item_snapshot / minutes_head); they read fields and choice enums only, so they work
on the historical models given here. Nothing is done when no row needs a snapshot (a fresh
database), so a later change of the builders cannot break a new installation.
"""

from django.db import migrations, models


def fill_snapshots(apps, schema_editor):
    Contract = apps.get_model("cases", "Contract")
    ConferenceItem = apps.get_model("cases", "ConferenceItem")
    Conference = apps.get_model("cases", "Conference")

    contracts = Contract.objects.exclude(state="draft").filter(snapshot={})
    items = ConferenceItem.objects.filter(status="decided", snapshot={})
    if not (contracts.exists() or items.exists()):
        return  # a fresh database: the application's builders are not even imported
    from cases.conference import item_snapshot, minutes_head
    from cases.contracts import contract_snapshot

    for contract in contracts.select_related("case", "provider", "proposal", "previous", "signed_recorded_by").iterator():
        contract.snapshot = contract_snapshot(contract)
        contract.save(update_fields=["snapshot"])

    conference_ids = set()
    for item in items.select_related("case", "case__district", "case__case_manager", "presenter").iterator():
        item.snapshot = item_snapshot(item)
        item.save(update_fields=["snapshot"])
        conference_ids.add(item.conference_id)
    for conference in Conference.objects.filter(pk__in=conference_ids, minutes_snapshot={}).select_related("team", "chair"):
        conference.minutes_snapshot = minutes_head(conference)
        conference.save(update_fields=["minutes_snapshot"])


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_sgb9_help_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="conference",
            name="minutes_snapshot",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="head of the minutes as decided"),
        ),
        migrations.AddField(
            model_name="conferenceitem",
            name="snapshot",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="record as decided"),
        ),
        migrations.AddField(
            model_name="contract",
            name="snapshot",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="contract as signed"),
        ),
        migrations.RunPython(fill_snapshots, migrations.RunPython.noop),
    ]
