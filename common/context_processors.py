from django.conf import settings


def studio(request):
    """The studio's name and contact details, for the layout's header and footer."""
    return {
        "STUDIO_NAME": settings.STUDIO_NAME,
        "STUDIO_ADDRESS": settings.STUDIO_ADDRESS,
        "STUDIO_PHONE": settings.STUDIO_PHONE,
        "STUDIO_EMAIL": settings.STUDIO_EMAIL,
        "STUDIO_CURRENCY": settings.STUDIO_CURRENCY,
    }
