from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

NUL_REFUSED = _("The request contains a forbidden control character (NUL) and was not processed.")


class LanguageMiddleware:
    """German unless the user chose another language (cookie set by Django's set_language view).

    Unlike LocaleMiddleware this ignores the browser's Accept-Language: office PCs often run an
    English browser, and the office's working language is German.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNulMiddleware:
    """400 for a request with a NUL character in its path, query string or form fields (names and values).

    PostgreSQL cannot store NUL in text and psycopg refuses it in any query parameter, so such input
    would otherwise fail deep inside a query as a server error – `?topic=a%00b` did on the offers of a
    case. No legitimate input contains one, so it is refused at the edge, once for the whole application.
    Placed after LanguageMiddleware (the message is in the user's language) and before anything that
    reads the request's data.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return HttpResponseBadRequest(str(NUL_REFUSED), content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        data = [request.GET]
        if request.method == "POST":
            data.append(request.POST)
        for query in data:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        return False


class NoStoreMiddleware:
    """No page, export or PDF is kept in a browser or proxy cache: `Cache-Control: no-store, private`.

    Pages show social data (§§ 61 ff. SGB VIII); a shared office PC's browser cache or a proxy must
    not keep a copy after logout. It sits after WhiteNoise, which answers static files itself, so
    CSS, JavaScript and images stay cacheable; every response that reaches Django gets the header
    (also the login page and error pages: what they show can depend on the user).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
