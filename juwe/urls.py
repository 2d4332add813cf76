from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from juwe import views
from juwe.controlling import district_views
from juwe.forms import LoginForm
from juwe.password_views import PasswordChangeView

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("passwort/", PasswordChangeView.as_view(), name="password_change"),
    path("passwort/geaendert/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("organisation/stadtteile/", district_views.district_list, name="district_list"),
    # Before the profile's route: "vergleich" would otherwise be read as a district code.
    path("organisation/stadtteile/vergleich/", district_views.district_compare, name="district_compare"),
    path("organisation/stadtteile/<str:code>/", district_views.district_profile, name="district_profile"),
    path("steuerung/", include("juwe.controlling.urls")),
    path("netzwerke/", include("networks.urls")),
    path("faelle/", include("cases.urls")),
    path("mikroprojekte/", include("microprojects.urls")),
    path("budgets/", include("budgets.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
