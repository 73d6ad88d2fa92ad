"""Template helpers for courses and gift certificates.

{% load prepaid_tags %}
{% paid_with appointment as paid %}   what it was paid with (bookings.prepaid.Prepaid): two queries
"""

from django import template

from bookings.prepaid import paid_with as _paid_with
from bookings.prepaid import prefetch_payments

register = template.Library()


@register.simple_tag
def paid_with(appointment):
    """The course or certificate that pays `appointment` (fetched unless already prefetched)."""
    if "course_entries" not in getattr(appointment, "_prefetched_objects_cache", {}):
        prefetch_payments([appointment])
    return _paid_with(appointment)
