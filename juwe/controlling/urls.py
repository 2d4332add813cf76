from django.urls import path

from juwe.controlling import staffing_views, views

app_name = "controlling"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("bericht.pdf", views.report_pdf, name="report_pdf"),
    path("tabelle/<slug:key>.<str:fmt>", views.table_export, name="table_export"),
    path("kennzahlen.csv", views.key_figures_csv, name="key_figures_csv"),
    path("personal/", staffing_views.staffing, name="staffing"),
    path("personal/verteilung.<str:fmt>", staffing_views.staffing_export, name="staffing_export"),
]
