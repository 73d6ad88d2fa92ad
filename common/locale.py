"""The language of each request: the URL's, else the visitor's choice, else their browser's.

The site is Russian first: Russian pages are unprefixed (`/book/`), English ones live under `/en/`
(`/en/book/`; studio/urls.py, `i18n_patterns(prefix_default_language=False)`). Django's own
LocaleMiddleware serves every unprefixed URL in settings.LANGUAGE_CODE whatever the browser asks, so
an English browser would land on Russian pages and the staff area could not follow a choice. This one:

- a prefixed URL (`/en/...`) is in its language, always: a link someone shared stays what it was;
- an unprefixed page asked for by GET or HEAD by a visitor who chose another language (the cookie
  the switcher sets, Django's `set_language`), or who has not chosen and whose browser prefers
  another language (Accept-Language), is redirected to the same page in that language (302; the
  response varies on Accept-Language and Cookie). Otherwise it is served in LANGUAGE_CODE;
- paths in settings.LANGUAGE_NEUTRAL_PATHS (the availability API, /healthz, /staff/, /admin/) have
  one URL for every language and follow the cookie, then Accept-Language, then LANGUAGE_CODE.

It runs before the page cache (common/cache.py), whose key is the path: a cached unprefixed page is
only ever answered to a visitor who gets the default language.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

SAFE_METHODS = {"GET", "HEAD"}


def is_language_neutral(path: str) -> bool:
    return path.startswith(settings.LANGUAGE_NEUTRAL_PATHS)


def preferred_language(request) -> str:
    """The cookie's language if it names one we have, else Accept-Language's best, else LANGUAGE_CODE."""
    return translation.get_language_from_request(request, check_path=False)


def other_language_url(request, language: str) -> str | None:
    """This unprefixed page's address in `language`, or None when it has none (a 404 stays a 404)."""
    url = request.get_full_path()
    translated = translate_url(url, language)
    return translated if translated != url else None


class LanguageMiddleware:
    """Activates the request's language (see the module docstring); replaces Django's LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        from_path = translation.get_language_from_path(path)
        neutral = not from_path and is_language_neutral(path)
        if from_path:
            language = from_path
        elif neutral:
            language = preferred_language(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        if not from_path and not neutral and request.method in SAFE_METHODS:
            wanted = preferred_language(request)
            target = other_language_url(request, wanted) if wanted != language else None
            if target:
                response = HttpResponseRedirect(target)
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                return response
        response = self.get_response(request)
        if not from_path and not neutral:
            # The same URL answers another browser differently (a redirect to /en/...). The neutral
            # paths' pages are private (staff, admin) or the same in every language (the API's data).
            # (Not Cookie: a visitor with a language cookie for another language never gets this page.)
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


def language_choices() -> list[tuple[str, str]]:
    """The site's languages, for a model field's choices (a callable: no migration when they change)."""
    return list(settings.LANGUAGES)


def client_language() -> str:
    """The language of the page being answered (what the client reads), else the default one.

    The default of the `language` fields (the appointment's, the questionnaire's): e-mails about them,
    sent later by tasks, are written in it (`translation.override(obj.language)`).
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
