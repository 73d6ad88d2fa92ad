"""Admin for courses and gift certificates (imported by bookings.admin).

Managers define the course products here. Sold courses, certificates and their ledgers are only
looked at: they are written by `bookings.prepaid` (sold at the desk, spent by bookings), so that
every balance stays the sum of its ledger.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bookings.models import Certificate, CertificateEntry, Course, CourseEntry, CourseProduct
from bookings.money import format_money


@admin.register(CourseProduct)
class CourseProductAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "technique", "sessions", "shown_price", "validity_months", "active"]
    list_filter = ["active"]
    list_editable = ["active"]
    list_select_related = ["service", "technique"]
    search_fields = ["name"]

    @admin.display(description=_("price"), ordering="price")
    def shown_price(self, product):
        return format_money(product.price)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Looked at, never edited here: the prepaid domain functions write these rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CourseEntryInline(admin.TabularInline):
    model = CourseEntry
    fields = ["at", "kind", "sessions", "appointment", "actor", "user", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CertificateEntryInline(admin.TabularInline):
    model = CertificateEntry
    fields = ["at", "kind", "amount", "covers", "appointment", "actor", "user", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["name", "client_name", "client_email", "sessions_left", "sessions_total", "expires_on"]
    list_select_related = ["product"]
    search_fields = ["client_name", "client_email"]
    date_hierarchy = "sold_at"
    inlines = [CourseEntryInline]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["code", "service", "amount", "balance", "buyer_name", "expires_on"]
    list_select_related = ["service"]
    search_fields = ["code", "buyer_name", "buyer_email", "recipient_name"]
    date_hierarchy = "sold_at"
    inlines = [CertificateEntryInline]
