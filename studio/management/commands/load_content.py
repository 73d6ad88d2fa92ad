"""Load the site's content data set (techniques, zones, systems, screening rules) from fixtures/.

Safe to run on every deploy: it adds the rows that are missing (matched by natural key) and never
overwrites a row the owner has changed in the admin; it reports each difference instead. With
--update it overwrites those rows with the shipped text, and lists what it changed.

The translated fields (the apps' translation.py) are compared by their `<field>_ru`/`<field>_en`
columns. A translation that is still empty in the database is filled from the fixture even without
--update: that overwrites nothing anyone wrote (e.g. the Russian text arriving after the English).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import BaseCommand
from django.db import transaction
from modeltranslation.translator import NotRegistered, translator

# Order matters: later files refer to earlier ones by natural key.
CONTENT_FIXTURES = [
    "body_systems.json",
    "zones.json",
    "techniques.json",
    "conditions.json",
    "screening_rules.json",
]


def translated_fields(model) -> tuple[set[str], set[str]]:
    """(the model's translated fields, their per-language fields), e.g. ({"name"}, {"name_ru", "name_en"})."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return set(), set()
    return set(options.all_fields), {field.name for fields in options.all_fields.values() for field in fields}


def differences(existing, deserialized, field_names) -> dict[str, object]:
    """The fixture's values of the fields it sets where the row in the database differs."""
    model = type(existing)
    derived, _per_language = translated_fields(model)  # `name` only shows name_ru or name_en
    changed = {}
    for name in set(field_names) - derived:
        field = model._meta.get_field(name)
        if field.many_to_many:
            wanted = set(deserialized.m2m_data[name])
            if set(getattr(existing, name).values_list("pk", flat=True)) != wanted:
                changed[name] = wanted
        elif getattr(existing, field.attname) != getattr(deserialized.object, field.attname):
            changed[name] = getattr(deserialized.object, field.attname)
    return changed


def empty_translations(existing, changed: dict[str, object]) -> dict[str, object]:
    """The changes that only fill a translation still empty in the database."""
    _derived, per_language = translated_fields(type(existing))
    return {
        name: value
        for name, value in changed.items()
        if name in per_language and getattr(existing, name) in (None, "", [])
    }


def overwrite(existing, changed: dict[str, object]) -> None:
    model = type(existing)
    plain = []
    for name, value in changed.items():
        field = model._meta.get_field(name)
        if field.many_to_many:
            getattr(existing, name).set(value)
        else:
            setattr(existing, field.attname, value)
            plain.append(field.attname)
    if plain:
        existing.save(update_fields=plain)


class Command(BaseCommand):
    help = (
        "Add the content rows from fixtures/ that are missing, matched by natural key. Rows that differ "
        "(edited in the admin) are kept and reported; --update overwrites them and lists what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite rows that differ from the fixtures with the shipped values (lists each one).",
        )

    def handle(self, *args, update=False, verbosity=1, **options):
        self.verbosity = verbosity
        fixture_dir = Path(settings.BASE_DIR) / "fixtures"
        present = [name for name in CONTENT_FIXTURES if (fixture_dir / name).exists()]
        if not present:
            self.stdout.write("No content fixtures yet; nothing to load.")
            return
        totals = {"added": 0, "differ": 0, "updated": 0, "filled": 0}
        with transaction.atomic():
            for name in present:
                self.load(fixture_dir / name, update, totals)
        summary = f"Content: {totals['added']} rows added, {totals['updated']} updated"
        if totals["filled"]:
            summary += f", {totals['filled']} with missing translations filled"
        if totals["differ"]:
            summary += (
                f", {totals['differ']} kept as edited (`load_content --update` would overwrite them with the "
                "shipped text)"
            )
        self.stdout.write(self.style.SUCCESS(summary + f" ({len(present)} files)."))

    def load(self, path: Path, update: bool, totals: dict[str, int]) -> None:
        text = path.read_text(encoding="utf-8")
        entries = json.loads(text)
        # Lazily: a row's natural keys are resolved after the rows before it in the file are saved.
        objects = serializers.deserialize("json", text, ignorenonexistent=True)
        for entry, deserialized in zip(entries, objects, strict=True):
            model = type(deserialized.object)
            existing = (
                model._base_manager.filter(pk=deserialized.object.pk).first()
                if deserialized.object.pk
                else None
            )
            if existing is None:
                deserialized.save()
                totals["added"] += 1
                if self.verbosity >= 2:
                    self.stdout.write(f"Added {model._meta.verbose_name} {deserialized.object}")
                continue
            label = f"{model._meta.verbose_name} {'/'.join(map(str, existing.natural_key()))}"
            changed = differences(existing, deserialized, entry["fields"])
            filled = empty_translations(existing, changed)
            if filled:
                overwrite(existing, filled)
                totals["filled"] += 1
                changed = {name: value for name, value in changed.items() if name not in filled}
            if not changed:
                continue
            fields = ", ".join(sorted(changed))
            if update:
                overwrite(existing, changed)
                totals["updated"] += 1
                self.stdout.write(f"Updated {label} ({path.name}): {fields}")
            else:
                totals["differ"] += 1
                self.stdout.write(f"Kept {label} as edited; differs from {path.name} in: {fields}")
