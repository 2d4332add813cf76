from django.urls import path

from budgets import views

app_name = "budgets"
urlpatterns = [
    path("", views.budget_list, name="budget_list"),
    path("neu/", views.budget_create, name="budget_create"),
    path("<int:pk>/", views.budget_detail, name="budget_detail"),
    path("<int:pk>/bearbeiten/", views.budget_update, name="budget_update"),
    path("<int:pk>/raten/<int:month>/bezahlt/", views.instalment_pay, name="instalment_pay"),
    path("<int:pk>/buchen/", views.cost_entry_create, name="cost_entry_create"),
    path("<int:pk>/abrechnung/", views.settlement_detail, name="settlement_detail"),
    path("<int:pk>/abrechnung/vorbereiten/", views.settlement_prepare, name="settlement_prepare"),
    path("<int:pk>/abrechnung/abschliessen/", views.settlement_finalize, name="settlement_finalize"),
    path("<int:pk>/abrechnung.pdf", views.settlement_pdf, name="settlement_pdf"),
    path("<int:pk>/fallkosten/", views.allocation, name="allocation"),
    path("ist-kosten/", views.cost_entry_list, name="cost_entry_list"),
    path("ist-kosten/import/", views.cost_entry_import, name="cost_entry_import"),
    path("ist-kosten/ausnahmen/", views.cost_entry_exceptions, name="cost_entry_exceptions"),
    path("ist-kosten/<int:pk>/storno/", views.cost_entry_reverse, name="cost_entry_reverse"),
    path("ausgleichstopf/", views.pot, name="pot"),
    path("ausgleichstopf/<int:pk>/entscheiden/", views.pot_transfer_decide, name="pot_transfer_decide"),
]
