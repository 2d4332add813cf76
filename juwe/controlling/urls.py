from django.urls import path

from juwe.controlling import views

app_name = "controlling"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
