"""Template helpers for bookings.

{% load booking_tags %}
{% book_this technique %}          a "Book this" button, or nothing when it cannot be booked
{{ service.price|money }}          "1 800 ₽" in the studio's currency
{{ appointment.price|money:appointment.currency }}
{% therapist_avatar therapist "lg" %}   photo, or their initials in a warm circle
{{ technique|session_lengths }}    "60 or 90 min": the session lengths sold, else the typical length
{% online_change_deadline start policy as deadline %}   None when booked inside the deadline
"""

from django import template

from bookings import selectors
from bookings.money import currency_name, format_money
from bookings.rules import online_change_deadline as _online_change_deadline
from bookings.selectors import booking_url_for_technique

register = template.Library()


@register.filter
def money(amount, currency=None):
    """Format a Decimal amount; an empty value stays empty."""
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency or None)


@register.simple_tag
def studio_currency_name():
    """The studio's currency in words, e.g. "Russian roubles (RUB)"."""
    return currency_name()


@register.filter
def session_lengths(technique) -> str:
    """`{{ technique|session_lengths }}`: the lengths sold (from `with_session_lengths`), else its own."""
    return selectors.session_lengths(technique)


@register.inclusion_tag("bookings/includes/_book_this.html")
def book_this(technique, label=""):
    """The technique page's "Book this" button (to /book/?service=… or /book/?technique=…)."""
    return {"url": booking_url_for_technique(technique), "technique": technique, "label": label}


@register.inclusion_tag("bookings/includes/_avatar.html")
def therapist_avatar(therapist, size="md"):
    return {"therapist": therapist, "size": size}


@register.simple_tag
def online_change_deadline(start, policy):
    """Until when a session starting at `start` can be moved or cancelled online; None if already past."""
    return _online_change_deadline(start=start, policy=policy)
