# Issue 13, item 10 (a): the web import's checked file waits for its confirmation in this table
# (owned by the uploading user, referenced by id) instead of the session.
# Numbered 0009 on purpose: 0008 is another change of the same issue; the merge re-points the dependency.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0008_settlement_snapshot"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportUpload",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("filename", models.CharField(max_length=255, verbose_name="file name")),
                ("text", models.TextField(blank=True, verbose_name="content")),
                ("rows", models.PositiveIntegerField(verbose_name="bookings")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded")),
                ("imported_at", models.DateTimeField(blank=True, null=True, verbose_name="imported")),
                ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                            to=settings.AUTH_USER_MODEL, verbose_name="uploaded by")),
            ],
            options={
                "verbose_name": "checked import file",
                "verbose_name_plural": "checked import files",
                "indexes": [models.Index(fields=["created_at"], name="import_upload_created_idx")],
            },
        ),
    ]
