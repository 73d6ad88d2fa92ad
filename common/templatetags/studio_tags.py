from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label, css_class="nav-link"):
    """A navigation link that says aria-current="page" when the visitor is in its section."""
    try:
        href = reverse(url_name)
    except NoReverseMatch:
        return ""
    request = context.get("request")
    path = getattr(request, "path", "")
    current = path == href or (href != "/" and path.startswith(href))
    return format_html(
        '<a class="{}" href="{}"{}>{}</a>',
        css_class,
        href,
        mark_safe(' aria-current="page"') if current else "",
        label,
    )


@register.simple_tag
def studio_setting(name):
    """A studio setting for templates rendered without a request (the 500 page)."""
    from django.conf import settings

    if not name.startswith("STUDIO_"):
        raise template.TemplateSyntaxError("studio_setting only reads STUDIO_* settings")
    return getattr(settings, name, "")


@register.filter
def phone(value) -> str:
    """A stored (E.164) phone number as people read it: national in the studio's country."""
    from common.phones import display

    return display(value)


@register.filter
def phone_link(value) -> str:
    """The number for a tel: link (E.164), or what is stored if it cannot be read."""
    from common.phones import to_e164_or_none

    return to_e164_or_none(str(value or "")) or str(value or "")
