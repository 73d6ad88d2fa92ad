"""The content in Russian and English (django-modeltranslation): pages, fallback, fixtures, admin,
load_content, search and the overlay merge script.

The pages are asked for with `translation.override` and `reverse`, so these tests hold both before and
after the URLs get their language prefix (/en/ for English).
"""

import io
import json
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator

from bookings.models import Service
from intake.models import Condition, FollowUp, ScreeningRule
from reflexology.models import BodySystem, Claim, Technique, TechniqueStep, Zone
from tests.utils import admin_form_data, in_both_languages

sys.path.insert(0, str(settings.BASE_DIR / "scripts"))
import merge_translations

MODELS = {
    "reflexology.bodysystem": BodySystem,
    "reflexology.zone": Zone,
    "reflexology.technique": Technique,
    "reflexology.techniquestep": TechniqueStep,
    "reflexology.claim": Claim,
    "intake.condition": Condition,
    "intake.followup": FollowUp,
    "intake.screeningrule": ScreeningRule,
}


def get(client, name, language, **kwargs):
    with translation.override(language):
        response = client.get(reverse(name, kwargs=kwargs or None))
        assert response.status_code == 200
        return response.content.decode()


# --- What is translated ----------------------------------------------------------------------


def test_the_merge_script_knows_every_translated_field_of_the_fixtures():
    for label, model in MODELS.items():
        registered = set(translator.get_options_for_model(model).all_fields)
        in_fixtures = set(merge_translations.TRANSLATED[label][1])
        assert in_fixtures <= registered, label
        assert registered - in_fixtures <= {"image_alt"}, label  # uploaded pictures' text, not in fixtures
    assert set(translator.get_options_for_model(Service).all_fields) == {"name", "description"}


def test_the_merge_scripts_length_limits_are_the_models():
    for label, model in MODELS.items():
        for name in merge_translations.TRANSLATED[label][1]:
            field = model._meta.get_field(name)
            limit = field.max_length if field.get_internal_type() == "CharField" else None
            assert merge_translations.MAX_LENGTH.get((label, name)) == limit, (label, name)


# THE COMPLETENESS TEST: fails while some content entry has no Russian text. The Russian comes from
# the overlays in /work/ru-content, folded in by `scripts/merge_translations.py`.
def test_every_content_entry_has_both_languages_in_the_fixtures():
    missing = []
    for name in merge_translations.fixture_names():
        for entry in json.loads((settings.BASE_DIR / "fixtures" / name).read_text()):
            fields = entry["fields"]
            for field in merge_translations.TRANSLATED.get(entry["model"], ("", ()))[1]:
                assert fields[f"{field}_en"] == fields[field], (name, field)
                if fields[field] and not fields[f"{field}_ru"]:
                    missing.append(f"{name} {entry['model']} {field}")
    assert not missing, f"{len(missing)} texts without Russian, e.g. {missing[:5]}"


# --- Pages --------------------------------------------------------------------------------------


def test_content_pages_are_in_russian_on_the_russian_site_and_in_english_under_en(client, content):
    technique = Technique.objects.get(slug="classical")
    zone = Zone.objects.get(slug="kidneys")
    assert technique.name_ru and technique.name_ru != technique.name_en

    russian = get(client, "bookings:technique_detail", "ru", slug="classical")
    english = get(client, "bookings:technique_detail", "en", slug="classical")
    assert technique.name_ru in russian and technique.name_en not in russian
    assert technique.steps.first().text_ru in russian
    assert technique.name_en in english and technique.name_ru not in english

    russian = get(client, "reflexology:zone_detail", "ru", slug="kidneys")
    english = get(client, "reflexology:zone_detail", "en", slug="kidneys")
    assert zone.name_ru in russian and zone.description_ru.split(".")[0] in russian
    assert zone.name_en in english and zone.name_ru not in english


def test_an_empty_russian_text_shows_the_english_never_an_empty_page(client, content):
    Technique.objects.filter(slug="classical").update(name_ru="", summary_ru=None)
    technique = Technique.objects.get(slug="classical")
    with translation.override("ru"):
        assert technique.name == technique.name_en
        assert technique.summary == technique.summary_en
        assert technique.body == technique.body_ru  # the rest stays Russian

    russian = get(client, "bookings:technique_detail", "ru", slug="classical")
    assert technique.name_en in russian and technique.body_ru.split("\n")[0][:40] in russian


def test_the_rules_messages_and_questions_follow_the_language(content):
    from intake.rules import load_rules

    with translation.override("ru"):
        russian = load_rules()
    with translation.override("en"):
        english = load_rules()
    fever = Condition.objects.get(key="fever")
    assert russian.conditions["fever"].question == fever.question_ru
    assert english.conditions["fever"].question == fever.question_en
    rule = ScreeningRule.objects.get(condition__key="fever", key="all")
    assert (
        next(r for r in russian.rules if r.condition_key == "fever").client_message == rule.client_message_ru
    )
    assert russian.version == english.version  # the outcome never depends on the language


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("bookings:technique_list", {}),
        ("bookings:technique_detail", {"slug": "classical"}),
        ("reflexology:foot_map", {}),
        ("reflexology:zone_detail", {"slug": "kidneys"}),
        ("reflexology:search", {}),
    ],
)
def test_a_page_takes_as_many_queries_in_russian_as_in_english(client, content, name, kwargs):
    counts = {}
    for language in ("ru", "en", "ru"):  # twice in Russian: the first may fill a per-process cache
        with translation.override(language), CaptureQueriesContext(connection) as queries:
            query = {"q": {"ru": "стопа", "en": "foot"}[language]} if "search" in name else {}
            client.get(reverse(name, kwargs=kwargs or None), query)
        counts[language] = len(queries.captured_queries)
    assert counts["ru"] == counts["en"], counts


# --- Search --------------------------------------------------------------------------------------


def found(client, language, q) -> tuple[list[str], list[str]]:
    with translation.override(language):
        response = client.get(reverse("reflexology:search"), {"q": q})
    assert response.status_code == 200
    results = response.context["results"]
    return [t.slug for t in results.techniques], [z.slug for z in results.zones]


@pytest.mark.parametrize("q", ["классический", "Классический", "КЛАССИЧЕСКИЙ", "классического массажа"])
def test_russian_search_finds_the_classical_technique_whatever_the_case(client, content, q):
    techniques, _zones = found(client, "ru", q)
    assert "classical" in techniques, (q, techniques)


@pytest.mark.parametrize(
    ("q", "zone"), [("почки", "kidneys"), ("Печень", "liver"), ("мочевой пузырь", "bladder")]
)
def test_russian_search_finds_zones(client, content, q, zone):
    _techniques, zones = found(client, "ru", q)
    assert zone in zones, (q, zones)


@pytest.mark.parametrize(
    ("q", "technique"), [("classical", "classical"), ("Classical", "classical"), ("thai", "thai-sticks")]
)
def test_english_search_still_works_under_en(client, content, q, technique):
    techniques, _zones = found(client, "en", q)
    assert technique in techniques


def test_a_search_finds_the_english_text_where_the_russian_is_missing(client, content):
    Technique.objects.filter(slug="thai-sticks").update(name_ru="", summary_ru="", body_ru="", suits_ru="")
    techniques, _zones = found(client, "ru", "thai")
    assert "thai-sticks" in techniques


def test_russian_words_are_not_found_in_english_only_text(client, content):
    _techniques, zones = found(client, "en", "почки")
    assert "kidneys" not in zones  # the English page searches the English text it shows


# --- Admin ---------------------------------------------------------------------------------------


def test_the_admin_edits_both_languages_side_by_side(admin_client, content):
    technique = Technique.objects.get(slug="classical")
    html = admin_client.get(
        reverse("admin:reflexology_technique_change", args=[technique.pk])
    ).content.decode()
    for field in ("name", "summary", "body", "suits"):
        assert f'name="{field}_ru"' in html and f'name="{field}_en"' in html
    assert 'name="steps-0-text_ru"' in html and 'name="steps-0-text_en"' in html
    assert "googleapis" not in html and "cdn" not in html.lower()  # no tabbed admin's jQuery UI from a CDN

    rule = ScreeningRule.objects.get(condition__key="fever", key="all")
    html = admin_client.get(reverse("admin:intake_screeningrule_change", args=[rule.pk])).content.decode()
    assert 'name="client_message_ru"' in html and 'name="next_step_en"' in html


def _errors(response):
    context = response.context
    return [context["adminform"].form.errors] + [f.formset.errors for f in context["inline_admin_formsets"]]


def technique_form(admin_client, technique) -> dict:
    return admin_form_data(admin_client, reverse("admin:reflexology_technique_change", args=[technique.pk]))


def test_the_admin_requires_the_russian_text_and_keeps_what_was_typed(admin_client, content):
    technique = Technique.objects.get(slug="classical")
    url = reverse("admin:reflexology_technique_change", args=[technique.pk])
    data = technique_form(admin_client, technique)
    data.update(name_ru="", name_en="Classical, renamed", summary_ru="Новое описание")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name_ru": ["This field is required."]}
    html = response.content.decode()
    assert "Новое описание" in html and "Classical, renamed" in html  # what was typed is kept
    technique.refresh_from_db()
    assert technique.name_ru and technique.summary_ru != "Новое описание"


def test_the_admin_saves_without_english_and_the_english_page_shows_the_russian(admin_client, content):
    technique = Technique.objects.get(slug="classical")
    data = technique_form(admin_client, technique)
    data.update(name_ru="Классический массаж, по-новому", name_en="")

    response = admin_client.post(reverse("admin:reflexology_technique_change", args=[technique.pk]), data)

    assert response.status_code == 302, _errors(response)
    technique.refresh_from_db()
    assert technique.name_en in ("", None)
    with translation.override("en"):
        assert technique.name == "Классический массаж, по-новому"


def test_a_rules_own_check_on_a_translated_field_is_shown_not_a_500(client, admin_user, content):
    client.force_login(admin_user)
    rule = ScreeningRule.objects.get(condition__key="pregnancy", key="first-trimester")
    data = {
        "condition": rule.condition_id,
        "key": rule.key,
        "order": rule.order,
        "policy": rule.policy,
        "answer": rule.answer,
        "when": json.dumps(rule.when),
        "outcome": rule.outcome,
        "client_message": "",
    }
    response = client.post(
        reverse("admin:intake_screeningrule_change", args=[rule.pk]), in_both_languages(data, ScreeningRule)
    )
    assert response.status_code == 200
    assert "Tell the client, kindly" in response.content.decode()


# --- load_content ------------------------------------------------------------------------------


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_content", *args, stdout=out)
    return out.getvalue()


def test_load_content_fills_a_missing_translation_but_keeps_an_edited_one(content):
    zone = Zone.objects.get(slug="kidneys")
    shipped = zone.name_ru
    Zone.objects.filter(slug="kidneys").update(name_ru=None, description_ru="")
    Zone.objects.filter(slug="liver").update(name_ru="Печень (наше название)")

    output = load()

    zone.refresh_from_db()
    assert zone.name_ru == shipped and zone.description_ru  # filled: nobody had written anything there
    assert Zone.objects.get(slug="liver").name_ru == "Печень (наше название)"
    assert "Kept foot zone liver as edited; differs from zones.json in: name_ru" in output
    assert "1 with missing translations filled" in output


def test_the_migration_copied_the_english_text_into_the_english_columns():
    from importlib import import_module

    migration = import_module("reflexology.migrations.0003_content_in_russian_and_english")
    assert migration.ENGLISH["Technique"] == (
        "name",
        "summary",
        "body",
        "duration_note",
        "suits",
        "image_alt",
    )
    assert import_module("intake.migrations.0008_content_in_russian_and_english").ENGLISH["FollowUp"] == (
        "question",
        "help_text",
        "choices",
    )


# --- The overlay merge script ------------------------------------------------------------------


@pytest.fixture
def fixtures_dir(tmp_path, monkeypatch):
    folder = tmp_path / "fixtures"
    folder.mkdir()
    zone = {
        "slug": "heel",
        "name": "Heel",
        "body_parts": "pelvis, legs",
        "description": "",
        "origin_note": "x",
    }
    followup = {
        "condition": ["fever"],
        "key": "since",
        "question": "Since when?",
        "help_text": "",
        "kind": "single",
        "choices": [
            {"value": "today", "label": "Today", "rank": 1},
            {"value": "not_sure", "label": "Not sure"},
        ],
    }
    (folder / "zones.json").write_text(json.dumps([{"model": "reflexology.zone", "fields": zone}]))
    (folder / "conditions.json").write_text(json.dumps([{"model": "intake.followup", "fields": followup}]))
    monkeypatch.setattr(merge_translations, "FIXTURES", folder)
    (tmp_path / "overlays").mkdir()
    return folder


def merge(tmp_path, overlays: dict[str, list], *args) -> tuple[int, str]:
    for name, items in overlays.items():
        (tmp_path / "overlays" / name).write_text(json.dumps(items, ensure_ascii=False))
    out = io.StringIO()
    stdout, sys.stdout = sys.stdout, out
    try:
        status = merge_translations.main(
            [
                "--overlays",
                str(tmp_path / "overlays"),
                "--only",
                "zones.json",
                "--only",
                "conditions.json",
                *args,
            ]
        )
    finally:
        sys.stdout = stdout
    return status, out.getvalue()


def fields_of(folder, name) -> dict:
    return json.loads((folder / name).read_text())[0]["fields"]


def test_merge_folds_the_russian_in_and_reports_what_is_missing(tmp_path, fixtures_dir):
    zone = {
        "model": "reflexology.zone",
        "key": "heel",
        "fields": {"name": "Пятка", "body_parts": "таз, ноги"},
    }
    status, output = merge(tmp_path, {"zones.json": [zone]})

    merged = fields_of(fixtures_dir, "zones.json")
    assert merged["name"] == "Heel" and merged["name_en"] == "Heel" and merged["name_ru"] == "Пятка"
    assert merged["description_ru"] == "" and merged["description_en"] == ""  # nothing to translate
    assert 'zones.json reflexology.zone "heel": origin_note' in output
    assert 'intake.followup "since": question' in output
    assert status == 1

    status, _output = merge(tmp_path, {})  # a later run without the overlay keeps the Russian
    assert fields_of(fixtures_dir, "zones.json")["name_ru"] == "Пятка"


def test_merge_takes_choice_labels_and_keeps_values_and_ranks(tmp_path, fixtures_dir):
    choices = [{"value": "today", "label": "Сегодня"}, {"value": "not_sure", "label": "Не знаю"}]
    followup = {
        "model": "intake.followup",
        "key": ["since"],
        "fields": {"question": "С каких пор?", "choices": choices},
    }
    merge(tmp_path, {"conditions.json": [followup]})

    merged = fields_of(fixtures_dir, "conditions.json")
    assert merged["choices_ru"] == [
        {"value": "today", "label": "Сегодня", "rank": 1},
        {"value": "not_sure", "label": "Не знаю"},
    ]
    assert merged["choices_en"] == merged["choices"]


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (
            {"model": "reflexology.zone", "key": "toe", "fields": {"name": "Палец"}},
            'no reflexology.zone "toe"',
        ),
        (
            {"model": "reflexology.zone", "key": "heel", "fields": {"slug": "пятка"}},
            "'slug' is not a translated",
        ),
        ({"model": "reflexology.zone", "key": "heel", "fields": {"name": "П" * 121}}, "over 120"),
        ({"model": "reflexology.zone", "key": "heel", "fields": {"name": ""}}, "name is empty"),
        (
            {
                "model": "intake.followup",
                "key": "since",
                "fields": {
                    "choices": [{"value": "never", "label": "Никогда"}, {"value": "today", "label": "Да"}]
                },
            },
            "choice values",
        ),
        ({"model": "reflexology.zone"}, "needs model, key and fields"),
    ],
)
def test_merge_refuses_a_wrong_overlay_and_writes_nothing(tmp_path, fixtures_dir, overlay, message):
    before = (fixtures_dir / "zones.json").read_text()
    name = "conditions.json" if overlay["model"] == "intake.followup" else "zones.json"
    status, output = merge(tmp_path, {name: [overlay]})
    assert status == 2 and message in output, output
    assert (fixtures_dir / "zones.json").read_text() == before


def test_merge_counts_a_text_still_in_english_as_not_translated(tmp_path, fixtures_dir):
    zone = {"model": "reflexology.zone", "key": "heel", "fields": {"name": "Heel", "body_parts": "таз, ноги"}}
    status, output = merge(tmp_path, {"zones.json": [zone]})
    merged = fields_of(fixtures_dir, "zones.json")
    assert merged["name_ru"] == "" and merged["body_parts_ru"] == "таз, ноги"
    assert 'reflexology.zone "heel": name' in output and status == 1


def test_merge_check_writes_nothing(tmp_path, fixtures_dir):
    before = (fixtures_dir / "zones.json").read_text()
    zone = {"model": "reflexology.zone", "key": "heel", "fields": {"name": "Пятка"}}
    merge(tmp_path, {"zones.json": [zone]}, "--check")
    assert (fixtures_dir / "zones.json").read_text() == before


def test_a_follow_up_keeps_the_same_choices_in_both_languages(admin_client, content):
    follow_up = FollowUp.objects.exclude(choices=[]).order_by("pk").first()
    russian = [dict(choice) for choice in follow_up.choices_ru]
    russian[0]["value"] = "something_else"
    follow_up.choices_ru = russian
    with pytest.raises(ValidationError, match="only the labels are translated"):
        follow_up.clean()

    follow_up.choices_ru = [{**choice, "label": "Другое"} for choice in follow_up.choices_en]
    follow_up.clean()  # other labels: fine
