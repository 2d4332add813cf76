from django.urls import path

from microprojects import views

app_name = "microprojects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("neu/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.project_edit, name="edit"),
    path("<int:pk>/einreichen/", views.project_submit, name="submit"),
    path("<int:pk>/entscheiden/", views.project_decide, name="decide"),
    path("<int:pk>/starten/", views.project_start, name="start"),
    path("<int:pk>/abschliessen/", views.project_complete, name="complete"),
    path("<int:pk>/teilnahme/", views.participation_record, name="participation"),
    path("<int:pk>/qualitaet/neu/", views.review_create, name="review_create"),
    path("<int:pk>/zuweisung/neu/", views.referral_create, name="referral_create"),
    path("<int:pk>/bewilligung.pdf", views.approval_letter, name="approval_letter"),
    path("<int:pk>/nachbewilligung/", views.supplement_request, name="supplement_request"),
    path("<int:pk>/nachbewilligung/<int:supplement_pk>/", views.supplement_decide, name="supplement_decide"),
    path("<int:pk>/zahlungen/neu/", views.payment_create, name="payment_create"),
    path("<int:pk>/zahlungen/<int:payment_pk>/storno/", views.payment_reverse, name="payment_reverse"),
    path("stadtteile/", views.district_overview, name="district_overview"),
    path("budgets/", views.budget_edit, name="budget_edit"),
    path("aktionsbudget/", views.grant_list, name="grant_list"),
    path("aktionsbudget/antrag/", views.grant_request, name="grant_request"),
    path("aktionsbudget/<int:pk>/entscheiden/", views.grant_decide, name="grant_decide"),
    path("aktionsbudget/<int:pk>/verwendungsnachweis/", views.grant_proof, name="grant_proof"),
]
