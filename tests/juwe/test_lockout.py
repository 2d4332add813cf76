"""Login lockout behind the production proxy (issue 13, item 2).

Every request here comes from the proxy (REMOTE_ADDR = PROXY) and names the client in
X-Forwarded-For, as nginx does with `proxy_add_x_forwarded_for`: the proxy appends the address it
sees, so with one proxy the last entry is the client and everything left of it is what the client
sent itself.
"""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from juwe.audit import client_ip
from juwe.models import AuditEvent
from tests.factories import UserFactory

PASSWORD = "Sicheres-Passwort-2026"
PROXY = "10.0.0.1"
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.7"


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    settings.JUWE_NUM_PROXIES = 1


@pytest.fixture
def victim(db):
    return UserFactory(username="fatma")


def login(client, password, *, forwarded_for, username="fatma", proxy=PROXY):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def lock_out(client, address):
    for _ in range(5):
        login(client, "falsch", forwarded_for=address)
    assert login(client, "falsch", forwarded_for=address).status_code == 429


def test_lock_of_one_client_does_not_lock_the_same_user_from_another_client(client, victim):
    lock_out(client, ATTACKER)
    response = login(client, PASSWORD, forwarded_for=VICTIM)
    assert response.status_code == 302 and response.url == reverse("home")


def test_victims_login_from_elsewhere_neither_lifts_nor_extends_the_attackers_lock(client, victim):
    lock_out(client, ATTACKER)
    locked = AccessAttempt.objects.get(username="fatma", ip_address=ATTACKER)
    assert login(client, PASSWORD, forwarded_for=VICTIM).status_code == 302
    client.logout()
    # The attacker's address stays locked, the lock was not touched by the victim's login.
    assert login(client, PASSWORD, forwarded_for=ATTACKER).status_code == 429
    assert AccessAttempt.objects.get(pk=locked.pk).attempt_time == locked.attempt_time


def test_attempts_during_cool_off_do_not_restart_it(client, victim, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        lock_out(client, ATTACKER)
        # One attempt every ten minutes must not keep the address locked for ever.
        for _ in range(2):
            clock.shift(dt.timedelta(minutes=10))
            assert login(client, "falsch", forwarded_for=ATTACKER).status_code == 429
        clock.shift(dt.timedelta(minutes=11))  # 31 minutes after the lock: cool-off over
        assert login(client, PASSWORD, forwarded_for=ATTACKER).status_code == 302


def test_spoofed_forwarded_for_does_not_let_the_client_choose_its_address(client, victim):
    # The attacker sends a different made-up chain each time; the proxy appends the real address.
    for n in range(5):
        login(client, "falsch", forwarded_for=f"192.0.2.{n}, {VICTIM}, {ATTACKER}")
    assert login(client, PASSWORD, forwarded_for=f"192.0.2.99, {ATTACKER}").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    failed = AuditEvent.objects.filter(action="login-failed")
    # Five failures and the refused sixth attempt, all under the real address.
    assert failed.count() == 6 and set(failed.values_list("ip_address", flat=True)) == {ATTACKER}
    # The address the attacker named stays free.
    assert login(client, PASSWORD, forwarded_for=VICTIM).status_code == 302


def test_without_proxies_forwarded_for_is_ignored(client, victim, settings):
    settings.JUWE_NUM_PROXIES = 0
    # A client talking to the app directly cannot escape the lock by sending X-Forwarded-For.
    for n in range(5):
        login(client, "falsch", forwarded_for=f"192.0.2.{n}", proxy="198.51.100.50")
    assert login(client, PASSWORD, forwarded_for="192.0.2.77", proxy="198.51.100.50").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.50"}
    assert set(AuditEvent.objects.values_list("ip_address", flat=True)) == {"198.51.100.50"}


def test_audit_rows_carry_the_client_address_not_the_proxys(client, victim):
    login(client, "falsch", forwarded_for=VICTIM)
    login(client, PASSWORD, forwarded_for=VICTIM)
    failed = AuditEvent.objects.get(action="login-failed")
    logged_in = AuditEvent.objects.get(action="login")
    assert failed.ip_address == logged_in.ip_address == VICTIM


@pytest.mark.parametrize(
    "proxies,remote,forwarded,expected",
    [
        (0, "198.51.100.50", "203.0.113.66", "198.51.100.50"),
        (1, PROXY, "203.0.113.66", "203.0.113.66"),
        (1, PROXY, "6.6.6.6, 203.0.113.66", "203.0.113.66"),
        # Two proxies: the first one's address is the last entry, the client is the one before.
        (2, PROXY, "6.6.6.6, 203.0.113.66, 10.0.0.2", "203.0.113.66"),
        (1, PROXY, "[2001:db8::5]:443", "2001:db8::5"),
        # Fewer entries than proxies (a request that bypassed a proxy) or garbage: the peer address.
        (2, PROXY, "203.0.113.66", PROXY),
        (1, PROXY, "", PROXY),
        (1, PROXY, '"unclosed, 203.0.113.66', PROXY),
        (1, PROXY, "nonsense", PROXY),
    ],
)
def test_client_address_is_the_entry_num_proxies_from_the_right(settings, proxies, remote, forwarded, expected):
    from juwe.lib.client_ip import client_address

    settings.JUWE_NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
    assert client_ip(request) == expected


def test_axes_uses_the_same_client_address(settings):
    from axes.helpers import get_client_ip_address

    from juwe.lib.client_ip import client_address

    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ATTACKER}")
    assert get_client_ip_address(request) == client_address(request) == ATTACKER


def test_administration_sees_locks_and_lifts_one_which_is_audited(client, victim, users, django_user_model):
    from django.test import Client

    lock_out(client, ATTACKER)
    attempt = AccessAttempt.objects.get(username="fatma")
    admin = Client()
    admin.force_login(users.admin)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "fatma" in listing.text and ATTACKER in listing.text and "Gesperrt" in listing.text
    assert admin.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).status_code == 200

    response = admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(name="juwe.lockout.lifted")
    assert event.action == "update" and event.user == users.admin
    assert event.data["username"] == "fatma" and event.data["ip_address"] == ATTACKER
    # The person is let in again from that address.
    assert login(client, PASSWORD, forwarded_for=ATTACKER).status_code == 302


def test_administration_lifts_several_locks_at_once(client, victim, users):
    from django.test import Client

    lock_out(client, ATTACKER)
    lock_out(client, VICTIM)
    admin = Client()
    admin.force_login(users.admin)
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"), {"action": "lift_locks", "_selected_action": ids}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    lifted = AuditEvent.objects.filter(name="juwe.lockout.lifted", action="update", user=users.admin)
    assert sorted(lifted.values_list("data__ip_address", flat=True)) == sorted([ATTACKER, VICTIM])


@pytest.mark.parametrize("who", ["case_manager", "team_lead", "leadership"])
def test_other_roles_neither_see_nor_lift_locks(client, victim, users, who):
    from django.test import Client

    lock_out(client, ATTACKER)
    attempt = AccessAttempt.objects.get()
    other = Client()
    other.force_login(getattr(users, who))
    assert other.get(reverse("admin:axes_accessattempt_changelist")).status_code == 302
    other.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
