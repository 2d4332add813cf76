def test_case_manager_logs_in_and_sees_worklist_and_district(login, users, live_server):
    page = login(users.case_manager)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Guten Tag")
    page.get_by_role("link", name="Stadtteile").click()
    page.get_by_role("link", name="Westend").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Westend")


def test_skip_link_is_first_in_tab_order(login, users):
    page = login(users.case_manager)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
