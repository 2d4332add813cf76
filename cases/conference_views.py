"""Views of cases.conference; their URL patterns are included by cases/urls.py."""

from __future__ import annotations

urlpatterns: list = []
