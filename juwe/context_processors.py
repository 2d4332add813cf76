from django.conf import settings

from juwe import navigation


def navigation_menu(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": navigation.items_for(user, request.path) if user is not None and user.is_authenticated else [],
        "office_name": settings.JUWE_OFFICE_NAME,
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
