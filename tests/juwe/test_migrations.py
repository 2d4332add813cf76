from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from juwe.migrations import __name__ as _  # noqa: F401  (the package must exist)
from juwe.roles import Role


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    # Exits with SystemExit(1) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


@pytest.mark.django_db
def test_roles_are_created_by_migration_with_german_names():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert "Fallmanagement" in Role.values and "Sozialraumkoordination" in Role.values
    from importlib import import_module

    migration = import_module("juwe.migrations.0002_roles")
    assert sorted(migration.ROLE_NAMES) == sorted(Role.values)
