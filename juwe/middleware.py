from django.conf import settings
from django.utils import translation


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
