from django.urls import path

from . import conference_views, contracts_views, protection_views, reviews_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("neu/", views.case_open, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.case_edit, name="edit"),
    path("<int:pk>/status/", views.case_transition, name="transition"),
    path("<int:pk>/einordnung/", views.case_classify, name="classify"),
    path("<int:pk>/zustaendigkeit/", views.case_assign, name="assign"),
    path("<int:pk>/personen/", views.member_add, name="member_add"),
    path("<int:pk>/kontakte/", views.contact_add, name="contact_add"),
    path("<int:pk>/ressourcen/", views.resource_entry, name="resource_add"),
    path("<int:pk>/ressourcen/<int:entry_pk>/", views.resource_entry, name="resource_edit"),
    path("<int:pk>/netzwerk/", views.network_entry, name="network_add"),
    path("<int:pk>/netzwerk/<int:entry_pk>/", views.network_entry, name="network_edit"),
    path("<int:pk>/angebote/", views.case_offers, name="offers"),
    path("<int:pk>/netzwerkkarte.svg", views.network_svg, name="network_svg"),
    # Case file II: conferences, contracts, reviews and provider access, § 8a assessments.
    *conference_views.urlpatterns,
    *contracts_views.urlpatterns,
    *reviews_views.urlpatterns,
    *protection_views.urlpatterns,
]
