"""Production mode: refuses a missing secret, and passes `check --deploy` without warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD_SECRET = "p" * 20 + "-a-real-random-production-secret-for-tests-only-123456"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_in_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DEBUG="False", SECRET_KEY=PROD_SECRET, ALLOWED_HOSTS="juwe.example"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_missing_secret_key():
    result = run_manage("check", DEBUG="False", ALLOWED_HOSTS="juwe.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_development_secret_key():
    from juwe.settings import DEV_SECRET_KEY

    result = run_manage("check", DEBUG="False", SECRET_KEY=DEV_SECRET_KEY, ALLOWED_HOSTS="juwe.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_non_postgres_database_url_is_refused():
    result = run_manage("check", DATABASE_URL="mysql://user@localhost/juwe")
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_german_defaults(settings):
    assert settings.LANGUAGE_CODE == "de"
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ
    assert settings.SESSION_COOKIE_AGE == 30 * 60
