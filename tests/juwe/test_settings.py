"""Production mode: refuses a missing secret, and passes `check --deploy` without warnings; DEBUG is
off unless switched on, and the demo's settings (./dev demo) serve German error pages."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD_SECRET = "p" * 20 + "-a-real-random-production-secret-for-tests-only-123456"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "JUWE_HTTPS", "STATIC_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
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
    result = run_manage("check", DATABASE_URL="mysql://user@localhost/juwe", SECRET_KEY=PROD_SECRET)
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_german_defaults(settings):
    assert settings.LANGUAGE_CODE == "de"
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ
    assert settings.SESSION_COOKIE_AGE == 30 * 60


SHOW_SETTINGS = "from django.conf import settings; print(settings.DEBUG, settings.JUWE_HTTPS, settings.ALLOWED_HOSTS)"


def test_debug_is_off_unless_switched_on():
    """DEBUG defaulted to True: any user of `./dev demo` saw Django's technical 404 page (issue 13)."""
    result = run_manage("shell", "--no-imports", "-c", SHOW_SETTINGS, SECRET_KEY=PROD_SECRET)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "False True []"  # production: HTTPS on, hosts must be named
    switched = run_manage("shell", "--no-imports", "-c", SHOW_SETTINGS, DEBUG="True")
    assert switched.stdout.startswith("True False ['127.0.0.1', 'localhost']"), switched.stderr


def test_without_debug_a_real_secret_is_required_by_default():
    result = run_manage("check", ALLOWED_HOSTS="juwe.example")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_demo_settings_answer_an_unknown_url_with_the_german_404_page(tmp_path):
    """As ./dev demo runs it: DEBUG off (not set), plain HTTP at 127.0.0.1/localhost, its own secret,
    the collected static files. An unknown URL gets the German page of the base layout, never
    Django's technical page listing every URL pattern."""
    demo = {"SECRET_KEY": PROD_SECRET, "JUWE_HTTPS": "False", "STATIC_ROOT": str(tmp_path / "static")}
    collected = run_manage("collectstatic", "--no-input", "-v", "0", **demo)
    assert collected.returncode == 0, collected.stderr
    fetch = (
        "from django.test import Client\n"
        "for host in ('127.0.0.1', 'localhost'):\n"
        "    r = Client(HTTP_HOST=host).get('/gibt-es-nicht/')\n"
        "    print(r.status_code, r.get('Cache-Control'))\n"
        "print(r.content.decode())\n"
    )
    result = run_manage("shell", "--no-imports", "-c", fetch, **demo)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("404 ") and lines[1].startswith("404 ")  # both demo hosts allowed
    page = result.stdout
    assert "<h1>Nicht gefunden</h1>" in page and 'lang="de"' in page and 'class="site-header"' in page
    assert "URLconf" not in page and "faelle/" not in page and "DEBUG = True" not in page
