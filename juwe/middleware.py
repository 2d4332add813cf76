from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control


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
