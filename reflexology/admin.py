"""Admin for the reference content: body systems, zones, techniques with their steps and claims."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.forms import Textarea
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.translation import ContentStackedInline, ContentTabularInline, ContentTranslationAdmin
from reflexology import images
from reflexology.forms import WebImageAdminForm
from reflexology.models import BodySystem, Claim, Technique, TechniqueStep, Zone


class WebImageAdminMixin:
    """Replaces a new upload with web-size copies (and clears both copies when it is removed)."""

    form = WebImageAdminForm

    def save_model(self, request, obj, form, change):
        new_image = form.new_image()
        if new_image is not None:
            images.store_web_sizes(instance=obj, upload=new_image or None)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("card preview"))
    def card_preview(self, obj):
        if not obj.image_card:
            return _("No picture yet: the site shows our own drawing.")
        return format_html('<img src="{}" alt="" width="240" height="180">', obj.image_card.url)


@admin.register(BodySystem)
class BodySystemAdmin(WebImageAdminMixin, ContentTranslationAdmin):
    list_display = ["name", "slug", "colour", "zone_count", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["card_preview"]
    fields = ["name", "slug", "colour", "description", "image", "image_alt", "card_preview", "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(zone_count=Count("zones"))

    @admin.display(description=_("zones"), ordering="zone_count")
    def zone_count(self, obj):
        return obj.zone_count


@admin.register(Zone)
class ZoneAdmin(ContentTranslationAdmin):
    list_display = ["name", "slug", "foot", "surface", "region", "origin", "order"]
    list_filter = ["foot", "surface", "region", "origin", "systems"]
    search_fields = ["name", "slug", "body_parts", "description", "origin_note"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["systems"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "order"]}),
        (_("Where on the foot"), {"fields": ["foot", "surface", "region"]}),
        (_("What reflexology associates it with"), {"fields": ["body_parts", "systems", "description"]}),
        (_("Sources"), {"fields": ["origin", "origin_note"]}),
    ]


class TechniqueStepInline(ContentTabularInline):
    model = TechniqueStep
    extra = 1
    fields = ["order", "text", "duration_note"]
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 90})}}


class ClaimInline(ContentStackedInline):
    model = Claim
    extra = 0
    fields = [("order", "evidence", "published"), "text", "note", "source"]


@admin.register(Technique)
class TechniqueAdmin(WebImageAdminMixin, ContentTranslationAdmin):
    list_display = [
        "name",
        "kind",
        "setting",
        "intensity",
        "duration_min",
        "duration_max",
        "published",
        "order",
    ]
    list_filter = ["published", "kind", "setting", "intensity"]
    list_editable = ["published", "order"]
    search_fields = ["name", "slug", "summary", "body", "suits"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["zones"]
    readonly_fields = ["card_preview"]
    inlines = [TechniqueStepInline, ClaimInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "setting", "published", "order"]}),
        (_("Text"), {"fields": ["summary", "body", "suits"]}),
        (
            _("Length and pressure"),
            {"fields": [("duration_min", "duration_max"), "duration_note", "intensity"]},
        ),
        (_("Picture"), {"fields": ["image", "image_alt", "card_preview"]}),
        (_("Zones worked"), {"fields": ["zones"]}),
    ]


@admin.register(TechniqueStep)
class TechniqueStepAdmin(ContentTranslationAdmin):
    list_display = ["technique", "order", "text", "duration_note"]
    list_filter = ["technique"]
    list_select_related = ["technique"]
    search_fields = ["text", "technique__name"]
    autocomplete_fields = ["technique"]


@admin.register(Claim)
class ClaimAdmin(ContentTranslationAdmin):
    list_display = ["text", "technique", "evidence", "published"]
    list_filter = ["evidence", "published", "technique"]
    list_select_related = ["technique"]
    search_fields = ["text", "note", "source", "technique__name"]
    autocomplete_fields = ["technique"]
