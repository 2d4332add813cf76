"""Issue 13, item 8 (the import's part): the check step finds everything the save step would refuse.
A file the check calls correct is saved; every other file gets German row errors naming the column –
never an HTTP 500 on confirm. The same checked file confirmed twice at once is booked once."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from budgets import imports
from budgets.models import CostEntry, ImportUpload
from tests.budgets.factories import CostEntryFactory, make_budget

pytestmark = pytest.mark.django_db
HEADER = ";".join(imports.COLUMNS)
URL = reverse("budgets:cost_entry_import")


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def line(org, *, date="15.01.2026", number="RE-1", amount="100,00", text="Gehalt", service="", reason="", ref=""):
    return (f"{date};{number};{org.provider_a.name};{org.walle.code};JH;Personal;{amount};{ref};{text};{service};"
            f"{reason}")


BAD_ROWS = {
    # id: (line arguments, words the German row error must contain)
    "invoice over 40 characters": ({"number": "R" * 41}, ["Belegnummer", "40"]),
    "amount 1E+13": ({"amount": "1E+13"}, ["„1E+13“ ist kein Betrag"]),
    "amount over max_digits": ({"amount": "9999999999999,99"}, ["zu groß", "999.999.999.999,99"]),
    "NUL byte in the booking text": ({"text": "Geh\x00alt"}, ["Buchungstext", "Nullzeichen"]),
    "NUL byte in the invoice number": ({"number": "RE\x00-1"}, ["Belegnummer", "Nullzeichen"]),
    "booking text over 300 characters": ({"text": "x" * 301}, ["Buchungstext", "300"]),
    "booking text over 128 KiB": ({"text": "x" * (129 * 1024)}, ["Feld", "zu lang"]),
    "exception reason over 300 characters": ({"reason": "x" * 301}, ["Ausnahmegrund", "300"]),
    "booking date before 1900": ({"date": "31.12.1899"}, ["Buchungsdatum", "1900", "2100"]),
    "service date after 2100": ({"service": "01.01.9999"}, ["Leistungsdatum", "1900", "2100"]),
    "service date year 1": ({"service": "01.01.0001"}, ["Leistungsdatum", "1900", "2100"]),
}


@pytest.mark.parametrize("values, words", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_check_step_refuses_what_the_database_would_refuse(org, users, budget, values, words):
    with translation.override("de"):
        result = imports.parse(csv_text(line(org, **values)), user=users.economic_aid)
    assert not result.ok and result.error_count == 1
    assert result.errors[0].startswith("Zeile 2: ")
    for word in words:
        assert word in result.errors[0]
    assert len(result.errors[0]) < 1000  # the message does not echo a huge field


@pytest.mark.parametrize("values, words", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_web_import_shows_row_errors_and_never_offers_to_save(as_user, org, users, budget, values, words):
    client = as_user(users.economic_aid)
    upload = SimpleUploadedFile("b.csv", csv_text(line(org, **values)).encode("utf-8"), content_type="text/csv")
    response = client.post(URL, {"file": upload})
    assert response.status_code == 200
    assert "Die Datei ist korrekt" not in response.text and "Zeile 2: " in response.text
    assert not ImportUpload.objects.exists()
    assert not CostEntry.objects.exists()


def test_a_field_over_128_kib_names_its_line_and_keeps_the_rows_before(org, users, budget):
    text = csv_text(line(org, number="RE-1"), line(org, number="RE-2", text="x" * (200 * 1024)))
    with translation.override("de"):
        result = imports.parse(text, user=users.economic_aid)
    assert not result.ok and result.errors[-1].startswith("Zeile 3: ")


@pytest.mark.parametrize("text", ["Buchungsdatum;" + "x" * (129 * 1024) + "\n", "Buchungsdatum;B\x00\n1;2\n",
                                  f"{HEADER};Extra\n" + "15.01.2026;RE-1;A;334;JH;Personal;1,00;;;;;x\x00\n"])
def test_a_broken_header_or_an_extra_column_is_refused_by_line(users, budget, text):
    with translation.override("de"):
        result = imports.parse(text, user=users.economic_aid)
    assert not result.ok and result.errors[0].startswith(("Zeile 1: ", "Zeile 2: Extra: Nullzeichen"))


def test_a_budget_total_beyond_what_a_settlement_holds_is_refused_on_check(org, users, budget):
    # A settlement keeps the budget's actual costs with 14 digits (and the monthly totals 16): two of the
    # largest amounts on one budget would make the database refuse the settlement (or the totals) later.
    big = "999.999.999.999,99"
    with translation.override("de"):
        result = imports.parse(csv_text(line(org, number="RE-1", amount=big), line(org, number="RE-2", amount=big)),
                               user=users.economic_aid)
    assert result.error_count == 1 and result.errors[0].startswith("Zeile 3: ") and "zu groß" in result.errors[0]
    assert imports.parse(csv_text(line(org, amount=big)), user=users.economic_aid).ok
    CostEntryFactory(budget=budget, amount=Decimal("1.00"))  # what is booked already counts
    assert not imports.parse(csv_text(line(org, amount=big)), user=users.economic_aid).ok


def test_a_file_correct_on_check_is_saved(as_user, org, users, budget):
    """The largest values the check lets through go into the database."""
    text = csv_text(line(org, number="R" * 40, amount="999.999.999.999,99", text="ü" * 300,
                         ref="", service="31.12.2026", date="31.12.2026"))
    client = as_user(users.economic_aid)
    response = client.post(URL, {"file": SimpleUploadedFile("b.csv", text.encode("utf-8"))})
    assert "Die Datei ist korrekt" in response.text
    upload = ImportUpload.objects.get()
    response = client.post(URL, {"confirm": "1", "upload": str(upload.pk)})
    assert response.status_code == 302
    assert CostEntry.objects.get().amount == Decimal("999999999999.99")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_the_same_file_confirmed_twice_at_once_is_booked_once(org, users, round_):
    make_budget(users.leadership, org.walle)
    text = csv_text(line(org, number="RE-1"), line(org, number="RE-2"), line(org, number="RE-3"))
    first = Client()
    first.force_login(users.economic_aid)
    assert "Die Datei ist korrekt" in first.post(URL, {"file": SimpleUploadedFile("b.csv", text.encode())}).text
    upload = ImportUpload.objects.get()
    second = Client()  # a second tab or a double click: the same session and upload
    second.cookies = first.cookies
    start = threading.Barrier(2)
    responses = {}

    def confirm(name, client):
        start.wait()
        try:
            responses[name] = client.post(URL, {"confirm": "1", "upload": str(upload.pk)})
        except Exception as exc:  # noqa: BLE001 – a server error must fail the test, not hang it
            responses[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(n, c)) for n, c in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(not isinstance(r, Exception) and r.status_code == 302 for r in responses.values()), responses
    assert CostEntry.objects.count() == 3
    with translation.override("de"):
        texts = sorted(" ".join(str(m) for m in get_messages(r.wsgi_request)) for r in responses.values())
    assert any("3 Buchungen importiert" in t for t in texts)
    assert any("bereits importiert" in t for t in texts)


def test_an_invoice_booked_between_check_and_save_is_a_message_not_a_server_error(org, users, budget):
    result = imports.parse(csv_text(line(org, number="RE-1"), line(org, number="RE-2")), user=users.economic_aid)
    assert result.ok
    CostEntryFactory(budget=budget, provider=org.provider_a, invoice_number="RE-2")  # the booking form, meanwhile
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        imports.save(result, user=users.economic_aid)
    assert "inzwischen geändert" in refused.value.messages[0]
    assert CostEntry.objects.count() == 1
