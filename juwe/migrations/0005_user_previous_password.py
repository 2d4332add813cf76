# The hash a password change replaced, so that the validators refuse to take it back
# (juwe.password_validation.PreviousPasswordValidator; issue 13, item 10).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("juwe", "0004_figure_snapshot"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="previous_password",
            field=models.CharField(blank=True, editable=False, max_length=128, verbose_name="previous password"),
        ),
    ]
