"""The content data set: complete, consistent, and honest in what it publishes."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from reflexology.models import BodySystem, Claim, Technique, TechniqueStep, Zone

ROOT = Path(__file__).resolve().parents[2]
ZONES_MD = ROOT.parent / "shared" / "domain" / "zones.md"

# The keys of the zone table in zones.md §3 (kept here so the test runs where the notes are absent).
ZONE_KEYS = [
    "z_head_brain",
    "z_pituitary",
    "z_sinuses",
    "z_toe_tips_all_organs",
    "z_toes_nerve_endings",
    "z_eyes",
    "z_ears",
    "z_mouth_teeth",
    "z_neck_throat_thyroid",
    "z_upper_lymph",
    "z_cervical_spine",
    "z_shoulder",
    "z_arm_elbow",
    "z_lungs",
    "z_heart",
    "z_chest_upper_back",
    "z_thoracic_spine",
    "z_diaphragm",
    "z_solar_plexus",
    "p_kidney_seed",
    "z_liver",
    "z_gallbladder",
    "z_stomach",
    "z_pancreas",
    "z_spleen",
    "z_adrenals",
    "z_kidneys",
    "z_ureters",
    "z_bladder",
    "z_small_intestine",
    "z_peritoneal_organs",
    "z_ileocecal_ascending",
    "z_transverse_colon",
    "z_descending_sigmoid_rectum",
    "z_lumbar_spine",
    "z_sacrum_coccyx",
    "z_pelvis_sciatic",
    "z_heel_centre",
    "z_uterus_prostate",
    "z_ovary_testis",
    "z_fallopian_groin_lymph",
    "z_hip_knee_leg",
    "z_lower_back_dorsal",
    "p_dorsal_1_2",
    "p_fan_lines",
]

STUDIO = {
    "classical": "classical",
    "relaxing": "relaxing",
    "reflexology": "reflexology",
    "thai-sticks": "thai_sticks",
    "therapeutic-flat-feet": "therapeutic",
    "therapeutic-hallux-valgus": "therapeutic",
    "therapeutic-arthrosis": "therapeutic",
    "vacuum": "devices",
}
HOME = ["self-massage", "mats-and-devices", "partner-massage", "bedtime-self-massage"]
SYSTEM_SLUGS = {
    "head-nervous", "senses", "endocrine", "respiratory", "cardiovascular",
    "lymphatic", "digestive", "urinary", "reproductive", "musculoskeletal",
}  # fmt: skip
FORBIDDEN = re.compile(r"\b(cure[sd]?|curing|treats|heals?|healing|detox\w*|guarantee[sd]?)\b", re.I)
# Zone keys that the domain notes say the seeds place differently from the chart (origin S≠C).
DIFFERS = {"toe-tips-all-organs", "kidney-seed", "gallbladder", "stomach", "heel-centre"}


def slug_for(key: str) -> str:
    return re.sub(r"^[zp]_", "", key).replace("_", "-")


def test_zone_key_list_matches_the_domain_notes():
    if not ZONES_MD.exists():
        pytest.skip(f"{ZONES_MD} is not available here")
    keys = re.findall(r"^\| `([zp]_[a-z0-9_]+)`", ZONES_MD.read_text(), re.M)
    assert keys == ZONE_KEYS


@pytest.mark.parametrize("key", ZONE_KEYS)
def test_every_zone_of_the_table_is_loaded_with_its_facts(reference, key):
    zone = Zone.objects.get(slug=slug_for(key))
    assert zone.name and zone.body_parts and zone.region
    assert len(zone.description) > 120, "each zone has its own paragraph"
    assert "reflexology" in zone.description.lower(), "each description says whose map this is"
    assert zone.origin_note, "each zone says where it comes from"
    assert zone.full_clean() is None


def test_zones_are_exactly_the_table_and_cover_both_feet_and_all_surfaces(reference):
    assert set(Zone.objects.values_list("slug", flat=True)) == {slug_for(key) for key in ZONE_KEYS}
    assert set(Zone.objects.values_list("surface", flat=True)) == set(Zone.Surface.values)
    assert set(Zone.objects.values_list("foot", flat=True)) == set(Zone.Foot.values)
    assert Zone.objects.get(slug="heart").foot == Zone.Foot.LEFT
    assert Zone.objects.get(slug="liver").foot == Zone.Foot.RIGHT


def test_zones_are_ordered_from_toes_to_heel(reference):
    orders = list(Zone.objects.values_list("order", flat=True))
    assert len(set(orders)) == len(orders)
    slugs = list(Zone.objects.values_list("slug", flat=True))
    assert (
        slugs.index("head-brain")
        < slugs.index("lungs")
        < slugs.index("liver")
        < slugs.index("pelvis-sciatic")
    )


def test_zones_use_only_the_agreed_body_systems(reference):
    assert set(BodySystem.objects.values_list("slug", flat=True)) == SYSTEM_SLUGS
    without_system = set(Zone.objects.filter(systems__isnull=True).values_list("slug", flat=True))
    assert without_system == {"fan-lines"}, "only the seed-only fan lines have no system"


def test_where_seeds_and_chart_disagree_the_zone_says_so(reference):
    differing = set(Zone.objects.filter(origin=Zone.Origin.DIFFERS).values_list("slug", flat=True))
    assert differing == DIFFERS
    for zone in Zone.objects.filter(slug__in=DIFFERS):
        assert "chart" in zone.description.lower()


def test_published_zone_text_never_promises_a_cure_or_says_treats(reference):
    for zone in Zone.objects.all():
        assert not FORBIDDEN.search(f"{zone.name} {zone.description} {zone.origin_note}"), zone.slug


def test_techniques_have_the_agreed_slugs_kinds_and_settings(reference):
    techniques = {technique.slug: technique for technique in Technique.objects.all()}
    for slug, kind in STUDIO.items():
        assert techniques[slug].kind == kind
        assert techniques[slug].setting == Technique.Setting.STUDIO
    for slug in HOME:
        assert techniques[slug].setting == Technique.Setting.HOME
    assert techniques["mats-and-devices"].kind == Technique.Kind.DEVICES


@pytest.mark.parametrize("slug", [*STUDIO, *HOME])
def test_every_technique_has_numbered_steps_text_and_zones(reference, slug):
    technique = Technique.objects.get(slug=slug)
    orders = list(technique.steps.values_list("order", flat=True))
    assert orders == list(range(1, len(orders) + 1)) and len(orders) >= 1
    assert technique.summary and len(technique.body_paragraphs) >= 1 and technique.suits
    assert technique.zones.exists()
    assert technique.claims.published().exists()
    assert technique.full_clean() is None


def test_durations_come_from_the_seeds_or_are_explained(reference):
    expected = {
        "reflexology": (30, 30),
        "self-massage": (10, 15),
        "bedtime-self-massage": (10, 10),
        "mats-and-devices": (10, 15),
        "classical": (None, None),
        "thai-sticks": (None, None),
    }
    for slug, (low, high) in expected.items():
        technique = Technique.objects.get(slug=slug)
        assert (technique.duration_min, technique.duration_max) == (low, high), slug
    for technique in Technique.objects.filter(duration_min__isnull=True):
        assert technique.duration_note, f"{technique.slug} says why there is no typical length"
    timed_steps = TechniqueStep.objects.exclude(duration_note="")
    assert {"up to 3 minutes in all", "2 to 5 minutes", "5 times each way"} <= set(
        timed_steps.values_list("duration_note", flat=True)
    )


def test_no_published_text_promises_a_cure(reference):
    for claim in Claim.objects.published():
        assert not FORBIDDEN.search(f"{claim.text} {claim.note}"), claim.text
    for technique in Technique.objects.prefetch_related("steps"):
        text = " ".join(
            [technique.name, technique.summary, technique.body, technique.suits, technique.duration_note]
        )
        text += " ".join(step.text for step in technique.steps.all())
        assert not FORBIDDEN.search(text), technique.slug


def test_dropped_claims_are_kept_on_record_but_not_published(reference):
    dropped = Claim.objects.filter(evidence=Claim.Evidence.UNSUPPORTED)
    assert dropped.count() >= 20
    assert not dropped.filter(published=True).exists()
    texts = " ".join(dropped.values_list("text", flat=True)).lower()
    for considered in ["toxins", "immune system", "crystals", "reveal which organ", "toothache"]:
        assert considered in texts


def test_only_the_relaxation_claim_is_labelled_as_supported(reference):
    supported = Claim.objects.published().filter(evidence=Claim.Evidence.SUPPORTED)
    assert supported.exists()
    for claim in supported:
        assert "relax" in claim.text.lower() and "Ernst" in claim.note


def test_every_published_claim_has_a_label_and_a_note(reference):
    for claim in Claim.objects.published():
        assert claim.evidence in {"supported", "reported", "traditional"}
        assert claim.note


def test_fixtures_use_natural_keys_only():
    for name in ["zones.json", "techniques.json"]:
        for item in json.loads((ROOT / "fixtures" / name).read_text()):
            assert "pk" not in item, name


def test_loading_twice_changes_nothing(reference):
    counts = [model.objects.count() for model in (Zone, Technique, TechniqueStep, Claim)]
    call_command(
        "loaddata",
        "fixtures/body_systems.json",
        "fixtures/zones.json",
        "fixtures/techniques.json",
        verbosity=0,
    )
    assert [model.objects.count() for model in (Zone, Technique, TechniqueStep, Claim)] == counts
    assert counts == [45, len(STUDIO) + len(HOME) + 2, counts[2], counts[3]]
