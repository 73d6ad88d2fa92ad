"""Model behaviour and the invariants the database keeps."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reflexology.models import BodySystem, Claim, Technique, TechniqueStep, Zone


def make_technique(**extra) -> Technique:
    fields = {
        "slug": "test-technique",
        "name": "Test technique",
        "kind": Technique.Kind.CLASSICAL,
        "summary": "A summary.",
        "body": "First paragraph.\n\nSecond paragraph.",
        "intensity": Technique.Intensity.GENTLE,
        "suits": "Everyone.",
    }
    fields.update(extra)
    return Technique(**fields)


@pytest.mark.parametrize(
    ("low", "high", "label"),
    [(10, 15, "10\u201315 min"), (30, 30, "about 30 min"), (None, 20, "about 20 min"), (None, None, "")],
)
def test_duration_label(low, high, label):
    assert make_technique(duration_min=low, duration_max=high).duration_label == label


def test_body_paragraphs_and_intensity_level():
    technique = make_technique(intensity=Technique.Intensity.FIRM)
    assert technique.body_paragraphs == ["First paragraph.", "Second paragraph."]
    assert technique.intensity_level == 3


@pytest.mark.parametrize(
    ("slug", "kind", "drawing"),
    [
        ("classical", "classical", "img/techniques/classical.svg"),
        ("self-massage", "classical", "img/techniques/self-massage.svg"),
        ("a-new-one", "classical", "img/techniques/classical.svg"),
        ("vacuum", "devices", "img/techniques/vacuum.svg"),
        ("mats-and-devices", "devices", "img/techniques/mats-and-devices.svg"),
    ],
)
def test_every_technique_has_one_of_our_drawings(slug, kind, drawing, settings):
    assert make_technique(slug=slug, kind=kind).illustration == drawing
    assert (settings.BASE_DIR / "static" / drawing).exists()


def test_every_technique_in_the_content_has_a_drawing_of_its_own(settings):
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "techniques.json").read_text())
    techniques = [row["fields"] for row in fixture if row["model"] == "reflexology.technique"]
    drawings = [make_technique(slug=t["slug"], kind=t["kind"]).illustration for t in techniques]

    assert len(set(drawings)) == len(techniques), "two techniques share a picture"
    for drawing in drawings:
        path = settings.BASE_DIR / "static" / drawing
        assert path.exists(), path
        assert "<script" not in path.read_text()


def test_each_kind_has_a_drawing(settings):
    for kind in Technique.Kind.values:
        path = settings.BASE_DIR / "static" / make_technique(kind=kind).illustration
        assert path.exists(), path
        assert "<script" not in path.read_text()


def test_natural_keys_round_trip(reference):
    step = TechniqueStep.objects.select_related("technique").get(technique__slug="classical", order=1)
    assert TechniqueStep.objects.get_by_natural_key(*step.natural_key()) == step
    assert Technique.objects.get_by_natural_key("classical").slug == "classical"
    assert Zone.objects.get_by_natural_key("heart").name == "Heart"
    claim = Claim.objects.get(technique__slug="classical", order=1)
    assert Claim.objects.get_by_natural_key(*claim.natural_key()) == claim


def test_urls(reference):
    assert Technique.objects.get(slug="classical").get_absolute_url() == "/techniques/classical/"
    assert Zone.objects.get(slug="heart").get_absolute_url() == "/foot-map/zones/heart/"
    assert BodySystem.objects.get(slug="digestive").get_absolute_url() == "/foot-map/?system=digestive"


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"duration_min": 20, "duration_max": 10}, "technique_duration_range_ordered"),
        ({"duration_min": 0}, "technique_duration_positive"),
        ({"kind": "shiatsu"}, "technique_kind_valid"),
        ({"intensity": "brutal"}, "technique_intensity_valid"),
        ({"setting": "moon"}, "technique_setting_valid"),
    ],
)
def test_technique_constraints_hold_in_the_database(db, change, constraint):
    technique = make_technique()
    technique.save()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Technique.objects.filter(pk=technique.pk).update(**change)
    with pytest.raises(ValidationError):
        make_technique(slug="other", **change).full_clean()


def test_an_unsupported_claim_can_never_be_published(reference):
    claim = Claim.objects.filter(evidence=Claim.Evidence.UNSUPPORTED).first()
    with pytest.raises(IntegrityError, match="claim_unsupported_never_published"), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(published=True)
    claim.published = True
    with pytest.raises(ValidationError, match="cannot be published"):
        claim.full_clean()


@pytest.mark.parametrize(
    ("model", "change", "constraint"),
    [
        (Zone, {"foot": "mid"}, "zone_foot_valid"),
        (Zone, {"surface": "inside"}, "zone_surface_valid"),
        (Zone, {"region": "knee"}, "zone_region_valid"),
        (Zone, {"origin": "dream"}, "zone_origin_valid"),
        (Zone, {"body_parts": ""}, "zone_body_parts_not_empty"),
        (BodySystem, {"colour": "red"}, "bodysystem_colour_hex"),
        (TechniqueStep, {"order": 0}, "technique_step_order_positive"),
    ],
)
def test_other_constraints_hold_in_the_database(reference, model, change, constraint):
    obj = model.objects.order_by("pk").first()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        # rewrite(False): the column itself, not the active language's copy of a translated field
        model.objects.rewrite(False).filter(pk=obj.pk).update(**change)
