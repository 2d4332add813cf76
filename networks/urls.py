from django.urls import path

from networks import views

app_name = "networks"
# Networks, meetings and organisations live under netze/, so the menu marks the right item
# for the offer directory (angebote/) and the coverage (abdeckung/) next to them.
urlpatterns = [
    path("netze/", views.network_list, name="network_list"),
    path("netze/neu/", views.network_create, name="network_create"),
    path("netze/<int:pk>/", views.network_detail, name="network_detail"),
    path("netze/<int:pk>/bearbeiten/", views.network_edit, name="network_edit"),
    path("netze/<int:pk>/geschaeftsordnung/", views.network_adopt_rules, name="network_adopt_rules"),
    path("netze/<int:pk>/mitglieder/neu/", views.membership_add, name="membership_add"),
    path("netze/<int:pk>/sitzungen/neu/", views.meeting_create, name="meeting_create"),
    path("netze/mitgliedschaften/<int:pk>/beenden/", views.membership_end, name="membership_end"),
    path("netze/sitzungen/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("netze/sitzungen/<int:pk>/bearbeiten/", views.meeting_edit, name="meeting_edit"),
    path("netze/sitzungen/<int:pk>/einladung.pdf", views.meeting_invitation_pdf, name="meeting_invitation_pdf"),
    path("netze/sitzungen/<int:pk>/protokoll.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("netze/teilnahmen/<int:pk>/entfernen/", views.attendance_remove, name="attendance_remove"),
    path("netze/organisationen/", views.organisation_list, name="organisation_list"),
    path("netze/organisationen/neu/", views.organisation_create, name="organisation_create"),
    path("netze/organisationen/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("netze/organisationen/<int:pk>/bearbeiten/", views.organisation_edit, name="organisation_edit"),
    path("netze/kontakte/<int:pk>/entfernen/", views.contact_remove, name="contact_remove"),
    path("angebote/", views.offer_search, name="offer_search"),
    path("angebote/neu/", views.offer_create, name="offer_create"),
    path("angebote/pflege/", views.offer_maintenance, name="offer_maintenance"),
    path("angebote/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("angebote/<int:pk>/bearbeiten/", views.offer_edit, name="offer_edit"),
    path("angebote/<int:pk>/bestaetigen/", views.offer_confirm, name="offer_confirm"),
    path("angebote/<int:pk>/entscheiden/", views.offer_decide, name="offer_decide"),
    path("angebote/<int:pk>/archivieren/", views.offer_archive, name="offer_archive"),
    path("abdeckung/", views.coverage, name="coverage"),
]
