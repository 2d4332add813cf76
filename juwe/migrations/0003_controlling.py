"""Controlling (issue 12): posts per team and year, weights by precarisation index, the district's
description and staff, Stadtraumtyp A–E.

Existing data stays as it is and keeps its meaning: the district types are stored by code (C, D, E
keep their codes, A and B are new choices), the index column keeps its name (only its label becomes
the analysis' "Prekarisierungsindex"), new columns start empty. The weight bands are seeded with
Bremen-like defaults the administration can change: index below 0 → 1.00, from 0 → 1.25, from
0.4 → 1.50 (the demo's burdened districts lie above 0.4).
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

DEFAULT_WEIGHTS = [(Decimal("-99.999"), Decimal("1.00")), (Decimal("0.000"), Decimal("1.25")), (Decimal("0.400"), Decimal("1.50"))]


def seed_weights(apps, schema_editor):
    Weight = apps.get_model("juwe", "PrecarisationWeight")
    if not Weight.objects.exists():
        Weight.objects.bulk_create([Weight(index_from=start, weight=weight) for start, weight in DEFAULT_WEIGHTS])


class Migration(migrations.Migration):

    dependencies = [
        ('juwe', '0002_roles'),
    ]

    operations = [
        migrations.AddField(
            model_name='district',
            name='description',
            field=models.TextField(blank=True, help_text="The social-space analysis' qualitative description of the district, in a few sentences.", verbose_name='description'),
        ),
        migrations.AddField(
            model_name='districtindicator',
            name='staff_posts',
            field=models.DecimalField(blank=True, decimal_places=2, help_text="Full-time equivalents of the youth office's staff working in the district that year.", max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='staff (full-time posts)'),
        ),
        migrations.AlterField(
            model_name='districtindicator',
            name='district_type',
            field=models.CharField(choices=[('A', 'A – established residential area'), ('B', 'B – stable middle'), ('C', 'C – in change'), ('D', 'D – colourful quarter'), ('E', 'E – unremarkable everyday')], max_length=1, verbose_name='social-space type'),
        ),
        migrations.AlterField(
            model_name='districtindicator',
            name='precarity_index',
            field=models.DecimalField(decimal_places=3, max_digits=5, verbose_name='precarisation index'),
        ),
        migrations.CreateModel(
            name='PrecarisationWeight',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('index_from', models.DecimalField(decimal_places=3, max_digits=5, unique=True, verbose_name='precarisation index from')),
                ('weight', models.DecimalField(decimal_places=2, help_text='Factor for the youth population under 21, e.g. 1.25.', max_digits=4, validators=[django.core.validators.MinValueValidator(0)], verbose_name='weight')),
            ],
            options={
                'verbose_name': 'weight by precarisation index',
                'verbose_name_plural': 'weights by precarisation index',
                'ordering': ['index_from'],
                'constraints': [models.CheckConstraint(condition=models.Q(('weight__gte', 0)), name='precarisation_weight_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='TeamPosts',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                ('case_manager_posts', models.DecimalField(decimal_places=2, help_text='Full-time equivalents, e.g. 8.75.', max_digits=6, validators=[django.core.validators.MinValueValidator(0)], verbose_name='full-time case managers')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='posts', to='juwe.team', verbose_name='team')),
            ],
            options={
                'verbose_name': 'posts of a team',
                'verbose_name_plural': 'posts of the teams',
                'ordering': ['team', '-year'],
                'constraints': [models.UniqueConstraint(fields=('team', 'year'), name='team_posts_unique_per_year'), models.CheckConstraint(condition=models.Q(('case_manager_posts__gte', 0)), name='team_posts_not_negative')],
            },
        ),
        migrations.RunPython(seed_weights, migrations.RunPython.noop),
    ]
