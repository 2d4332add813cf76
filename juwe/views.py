from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from juwe import worklist
from juwe.access import get_visible_or_404, require_perm, visible
from juwe.filters import DistrictFilter
from juwe.models import District, DistrictIndicator

PROFILE_YEARS = 5


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "juwe/home.html", {"sections": worklist.sections_for(request.user)})


def district_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "juwe.view_district_profile")
    qs = visible(request.user, District).select_related("team", "social_center").order_by("name")
    filterset = DistrictFilter(request.GET, queryset=qs, user=request.user)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "juwe/district_list.html", {"filter": filterset, "page": page})


def district_profile(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request.user, "juwe.view_district_profile")
    district = get_visible_or_404(
        request.user, District.objects.select_related("team", "social_center"), code=code
    )
    indicators = list(district.indicators.order_by("-year")[:PROFILE_YEARS])[::-1]
    rows = [
        (field.verbose_name, [getattr(ind, field.name) for ind in indicators], field.name)
        for field in DistrictIndicator._meta.get_fields()
        if field.concrete and field.name not in {"id", "district", "year"}
    ]
    lead_providers = district.lead_providers.all()
    return render(
        request,
        "juwe/district_profile.html",
        {"district": district, "indicators": indicators, "rows": rows, "lead_providers": lead_providers},
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 with a database round-trip; 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
