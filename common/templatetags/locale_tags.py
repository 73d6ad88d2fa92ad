"""The page's language: named dates (common/dates.py) and the page in the other languages.

{% load locale_tags %}
{{ appointment.start|day:"weekday_date" }}     "понедельник, 1 марта 2027" / "Monday 1 March 2027"
{% language_versions as versions %}            this page in every language, for the switcher
                                               and the <link rel="alternate" hreflang> in <head>
"""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import urlencode

from common.dates import format_day

register = template.Library()

# Each language's name in itself: a visitor who cannot read this page can still find their own.
OWN_NAMES = {"ru": "Русский", "en": "English"}


@register.filter
def day(value, name):
    """A date or datetime written with the named pattern of common/dates.py in the page's language."""
    return format_day(value, name)


@register.simple_tag(takes_context=True)
def language_versions(context):
    """[{code, name, url, absolute_url, switch_url, current}] for this page (the path, query kept).

    `url` is the page in that language; `switch_url` goes through studio.views.choose_language, which
    remembers the choice (a cookie) before redirecting there, so the next unprefixed visit keeps it.
    """
    request = context.get("request")
    if request is None:
        return []
    here = request.get_full_path()
    current = translation.get_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(here, code)
        versions.append(
            {
                "code": code,
                "name": OWN_NAMES.get(code, code),
                "url": url,
                "absolute_url": settings.SITE_URL.rstrip("/") + url,
                "switch_url": reverse("choose_language", kwargs={"language": code})
                + "?"
                + urlencode({"next": url}),
                "current": code == current,
            }
        )
    return versions
