"""Admin for managers: services and prices, therapists with hours and time off, rooms, closures,
the booking rules (one row), and appointments to look at (they are changed through the booking
functions, from the booking pages and the staff area, so that every change is locked and logged)."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings.forms import BaseWorkingHoursFormSet, WorkingHoursForm
from bookings.models import (
    Appointment,
    AppointmentEvent,
    BookingPolicy,
    Room,
    Service,
    ServicePrice,
    StudioClosure,
    Therapist,
    TimeOff,
    WorkingHours,
)
from bookings.money import format_money
from bookings.portraits import store_portrait
from bookings.prepaid_admin import CourseProductAdmin  # noqa: F401 (registers the prepaid models)
from common.translation import ContentTranslationAdmin
from reflexology import images
from reflexology.forms import WebImageField


class ServicePriceInline(admin.TabularInline):
    model = ServicePrice
    extra = 0
    verbose_name_plural = _("prices by therapist level (levels without a row pay the base price)")


@admin.register(Service)
class ServiceAdmin(ContentTranslationAdmin):
    list_display = [
        "name",
        "technique",
        "duration_minutes",
        "buffer_minutes",
        "price",
        "needs_room",
        "active",
    ]
    list_editable = ["active"]
    list_filter = ["active", "needs_room", "technique"]
    list_select_related = ["technique"]
    search_fields = ["name", "slug", "technique__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServicePriceInline]


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    form = WorkingHoursForm
    formset = BaseWorkingHoursFormSet
    extra = 1
    verbose_name_plural = _("working hours (two periods on one day leave a break between them)")


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0
    fields = ["start", "end", "reason"]

    def get_queryset(self, request):
        # Past time off stays on record but would crowd the form.
        return super().get_queryset(request).filter(end__gte=timezone.now())


class TherapistAdminForm(forms.ModelForm):
    """The photo upload is checked by reflexology.images; save_model stores it as two squares."""

    photo = WebImageField(label=_("photo"), required=False, help_text=images.PORTRAIT_HELP_TEXT)

    class Meta:
        model = Therapist
        fields = ["user", "slug", "name", "headline", "bio", "photo", "level", "services", "active", "order"]


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    form = TherapistAdminForm
    readonly_fields = ["photo_preview"]
    list_display = ["name", "level", "active", "user"]
    list_filter = ["active", "level"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["services"]
    raw_id_fields = ["user"]
    inlines = [WorkingHoursInline, TimeOffInline]

    def save_model(self, request, obj, form, change):
        if "photo" in form.changed_data:
            store_portrait(therapist=obj, upload=form.cleaned_data.get("photo") or None)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("as shown on the team page"))
    def photo_preview(self, obj):
        if not obj.photo_small:
            return _("Their initials, until a photo is uploaded.")
        return format_html('<img src="{}" alt="" width="96" height="96">', obj.photo_small.url)


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["therapist", "start", "end", "reason"]
    list_filter = ["therapist"]
    list_select_related = ["therapist"]
    date_hierarchy = "start"


@admin.register(StudioClosure)
class StudioClosureAdmin(admin.ModelAdmin):
    list_display = ["start_date", "end_date", "reason"]
    date_hierarchy = "start_date"


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "active", "order"]
    list_editable = ["active", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    """One row of booking rules: the list page goes straight to it."""

    fields = [
        "slot_step_minutes",
        "min_notice_hours",
        "booking_window_days",
        "cancellation_deadline_hours",
        "max_range_days",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not BookingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        policy = BookingPolicy.current()
        if policy._state.adding:
            if not self.has_add_permission(request):
                return super().changelist_view(request, extra_context)
            return redirect(reverse("admin:bookings_bookingpolicy_add"))
        return redirect(reverse("admin:bookings_bookingpolicy_change", args=[policy.pk]))


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "user", "details"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read-only: bookings are made, moved and cancelled through bookings.booking (locked, logged)."""

    list_display = ["start", "service", "therapist", "room", "client_name", "status", "charged", "source"]
    list_filter = ["status", "source", "therapist", "service__technique"]
    list_select_related = ["service", "therapist", "room"]
    search_fields = ["client_name", "client_email", "client_phone"]
    date_hierarchy = "start"
    inlines = [AppointmentEventInline]
    readonly_fields = [
        "service",
        "therapist",
        "therapist_chosen",
        "room",
        "start",
        "end",
        "blocked_until",
        "status",
        "charged",
        "client_name",
        "client_email",
        "client_phone",
        "questionnaire",
        "source",
        "cancellation_reason",
        "cancelled_at",
        "reminder_sent_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    @admin.display(description=_("price"), ordering="price")
    def charged(self, obj):
        return format_money(obj.price, obj.currency)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
