"""Placeholder: micro-project costs move to the prevention frame (filled in by the micro-project work)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0005_youth_help_35a"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
