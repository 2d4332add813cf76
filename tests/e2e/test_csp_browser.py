"""No page breaks its own Content-Security-Policy (issue 13, item 10): htmx used to inject its
indicator style inline, which the CSP refuses – a console error on every page."""

from django.urls import reverse


def _csp_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_pages_with_htmx_raise_no_csp_violation(page, live_server, login, users, org):
    from tests.cases.factories import make_case

    case = make_case(users.case_manager, org.walle)
    errors = _csp_errors(page)
    page.goto(f"{live_server.url}{reverse('login')}")
    login(users.case_manager)
    for url in (reverse("cases:list"), reverse("cases:detail", args=[case.pk])):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof htmx") == "object"  # htmx did load (and would have injected its style)
    assert not [e for e in errors if "Content Security Policy" in e or "Content-Security-Policy" in e], errors
