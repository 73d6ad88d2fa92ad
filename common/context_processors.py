import re

from django.conf import settings
from django.utils.translation import get_language


def studio(request):
    """The studio's name and contact details, for the layout's header and footer."""
    return {
        "STUDIO_NAME": settings.STUDIO_NAME,
        "STUDIO_ADDRESS": localised("STUDIO_ADDRESS"),
        "STUDIO_PHONE": settings.STUDIO_PHONE,
        "STUDIO_PHONE_URI": phone_uri(settings.STUDIO_PHONE),
        "STUDIO_EMAIL": settings.STUDIO_EMAIL,
        "STUDIO_CURRENCY": settings.STUDIO_CURRENCY,
        "STUDIO_CITY": localised("STUDIO_CITY"),
        "STUDIO_METRO": localised("STUDIO_METRO"),
        "STUDIO_METRO_WALK_MINUTES": settings.STUDIO_METRO_WALK_MINUTES,
        "STUDIO_MAPS_URL": settings.STUDIO_MAPS_URL,
        "DEFAULT_LANGUAGE": settings.LANGUAGE_CODE,
    }


def localised(name: str) -> str:
    """A studio detail in the page's language: `<NAME>_EN` on English pages when set, else `<NAME>` (the
    site's default language, Russian: a Moscow address is written in Russian first)."""
    english = getattr(settings, f"{name}_EN", "") if (get_language() or "").startswith("en") else ""
    return english or getattr(settings, name)


def phone_uri(phone: str) -> str:
    """'+7 495 000-00-00' -> 'tel:+74950000000' (RFC 3966: the digits, and a leading + if there is one)."""
    digits = re.sub(r"\D", "", phone)
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}"
