"""Placeholder: § 35a help moves to youth help (filled in by the legal-areas work)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0004_legal_basis_and_settlement_payment"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
