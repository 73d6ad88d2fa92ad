"""System checks for what production needs and Python cannot default (run by `check`, `migrate` and
`runserver`; the WSGI entry point runs them too, so gunicorn refuses to start as well)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register
from django.http.request import validate_host


@register()
def site_url_check(app_configs=None, **kwargs) -> list[Error]:
    """With DEBUG off, SITE_URL (the links in every e-mail) must be this site's public https address."""
    if settings.DEBUG:
        return []
    url = (settings.SITE_URL or "").strip()
    if not url:
        return [
            Error(
                "SITE_URL is not set.",
                hint="With DEBUG off set SITE_URL to the site's public address, e.g. "
                "SITE_URL=https://studio.example.com: every link in the e-mails starts with it.",
                id="studio.E001",
            )
        ]
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return [
            Error(
                f"SITE_URL must be an https:// address; got {url!r}.",
                hint="Clients open the links in their e-mails from anywhere: they must use TLS, e.g. "
                "SITE_URL=https://studio.example.com.",
                id="studio.E002",
            )
        ]
    if not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        return [
            Error(
                f"SITE_URL's host {parts.hostname!r} is not in ALLOWED_HOSTS "
                f"({', '.join(settings.ALLOWED_HOSTS)}).",
                hint="The links in the e-mails would be refused with a 400: add the host to ALLOWED_HOSTS.",
                id="studio.E003",
            )
        ]
    return []


def refuse_to_start_misconfigured() -> None:
    """For the WSGI entry point, which runs no system checks of its own."""
    from django.core.exceptions import ImproperlyConfigured

    errors = site_url_check()
    if errors:
        raise ImproperlyConfigured(" ".join(f"{error.msg} {error.hint}" for error in errors))
