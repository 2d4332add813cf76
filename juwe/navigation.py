"""The main menu, built from the access policy: an item shows when the user has its permission.

Apps add their items in their AppConfig.ready() with `register`.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str
    order: int = 100


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: i.order)


def items_for(user, current_path: str = "") -> list[dict]:
    menu = [
        {"label": item.label, "url": reverse(item.url_name), "active": False}
        for item in _ITEMS
        if user.has_perm(item.perm)
    ]
    # One entry is the current page: the longest URL the path starts with (/faelle/fallbesprechungen/
    # marks "Fallbesprechungen", not also "Fälle").
    matches = [entry for entry in menu if entry["url"] != "/" and current_path.startswith(entry["url"])]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return menu
