"""The foot map: its drawing against the data set, the map and zone pages, their options and costs."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from reflexology import footmap
from reflexology.models import BodySystem, Technique, Zone
from tests.utils import assert_csp_clean

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
MAP_URL = reverse("reflexology:foot_map")
BRIEF_SYSTEMS = {
    "head-nervous",
    "senses",
    "endocrine",
    "respiratory",
    "cardiovascular",
    "lymphatic",
    "digestive",
    "urinary",
    "reproductive",
    "musculoskeletal",
}


def fixture_rows(name: str, model: str) -> list[dict]:
    return [row["fields"] for row in json.loads((FIXTURES / name).read_text()) if row["model"] == model]


class Links(HTMLParser):
    """Collects the zone shapes (SVG links) of a page, with their attributes."""

    def __init__(self):
        super().__init__()
        self.shapes: list[dict] = []
        self.figures: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and "fm-zone" in (attributes.get("class") or "").split():
            self.shapes.append(attributes)
        if tag == "div" and "fm-view" in (attributes.get("class") or "").split():
            self.figures.append(attributes)


def parse(response) -> Links:
    parser = Links()
    parser.feed(response.content.decode())
    return parser


def visible_view(page: Links) -> list[str]:
    return [figure["data-view"] for figure in page.figures if "hidden" not in figure]


# --- The drawing against the data set -------------------------------------------------------------


def test_every_zone_in_the_fixtures_has_a_shape_and_every_shape_has_a_zone():
    in_fixtures = {row["slug"] for row in fixture_rows("zones.json", "reflexology.zone")}

    assert len(in_fixtures) == 45
    assert in_fixtures - footmap.zone_slugs() == set(), "zones without a shape"
    assert footmap.zone_slugs() - in_fixtures == set(), "shapes without a zone"


def test_every_zone_in_the_database_has_a_shape_and_every_shape_has_a_zone(content):
    in_database = set(Zone.objects.values_list("slug", flat=True))

    assert in_database == footmap.zone_slugs()


@pytest.mark.parametrize("slug", sorted(footmap.zone_slugs()))
def test_every_zone_can_be_seen_and_clicked_on_some_view(slug):
    """Nothing is hidden: on at least one view a good part of the zone is on top of everything."""
    visible = max(
        sum(1 for zone in footmap.painted(view, foot).values() if zone == slug)
        for view in footmap.VIEWS
        for foot in footmap.FEET
    )
    # 12 cells of 2.5 x 2.5 units is about a 9 x 9 unit patch: big enough to point at.
    assert visible >= 12, f"{slug}: only {visible} visible cells"


def test_one_sided_zones_follow_the_side_rule_of_the_fixtures():
    """Right foot <-> right half of the body: what the data says for each zone is what is drawn."""
    for row in fixture_rows("zones.json", "reflexology.zone"):
        expected = {"left": {"left"}, "right": {"right"}, "both": {"left", "right"}}[row["foot"]]
        assert footmap.feet_for_zone(row["slug"]) == expected, row["slug"]


@pytest.mark.parametrize(
    ("slug", "feet"),
    [
        ("heart", {"left"}),
        ("spleen", {"left"}),
        ("descending-sigmoid-rectum", {"left"}),
        ("liver", {"right"}),
        ("gallbladder", {"right"}),
        ("ileocecal-ascending", {"right"}),
        ("bladder", {"left", "right"}),
        ("lumbar-spine", {"left", "right"}),
        ("transverse-colon", {"left", "right"}),
    ],
)
def test_side_rule_of_the_chart(slug, feet):
    assert footmap.feet_for_zone(slug) == feet


def test_seed_only_statements_have_their_own_view_where_nothing_covers_them():
    sources = footmap.get_view("sources")
    drawn = {shape.zone for shape in sources.shapes}

    assert {
        "toe-tips-all-organs",
        "toes-nerve-endings",
        "peritoneal-organs",
        "fan-lines",
        "kidney-seed",
    } <= drawn
    assert all(shape.style == "seed" for shape in sources.shapes)


@pytest.mark.parametrize(
    ("slug", "near", "not_near"),
    [
        ("liver", {"gallbladder", "diaphragm", "transverse-colon"}, {"lungs", "heart"}),
        ("kidneys", {"adrenals", "ureters"}, {"bladder"}),
        ("ureters", {"kidneys", "bladder"}, set()),
        ("head-brain", {"pituitary", "neck-throat-thyroid"}, {"pelvis-sciatic"}),
        ("lumbar-spine", {"thoracic-spine", "sacrum-coccyx"}, {"cervical-spine"}),
        ("uterus-prostate", {"fallopian-groin-lymph"}, set()),
    ],
)
def test_neighbours_come_from_what_is_seen_on_the_drawing(slug, near, not_near):
    found = footmap.neighbours()[slug]

    assert near <= found
    assert not (not_near & found)


def test_neighbours_are_symmetric_and_never_the_zone_itself():
    table = footmap.neighbours()

    for slug, others in table.items():
        assert slug not in others
        for other in others:
            assert slug in table[other], (slug, other)


@pytest.mark.parametrize(
    ("slug", "surface", "expected"),
    [
        ("liver", "plantar", "plantar"),
        ("cervical-spine", "medial", "medial"),
        ("mouth-teeth", "plantar", "dorsal"),  # the data says sole; the drawing has it on top
        ("fan-lines", "plantar", "sources"),
        ("bladder", "medial", "medial"),
    ],
)
def test_primary_view_is_the_zones_surface_when_drawn_there(slug, surface, expected):
    assert footmap.primary_view(slug, surface) == expected


def test_unknown_view_names_are_not_views():
    assert footmap.clean_view("dorsal") == "dorsal"
    for value in ("", None, "DORSAL", "sole", "plantar ", "x" * 500):
        assert footmap.clean_view(value) is None


# --- Colours --------------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_body_systems_are_the_agreed_ten_with_distinct_readable_colours():
    rows = fixture_rows("body_systems.json", "reflexology.bodysystem")
    colours = [row["colour"] for row in rows]

    assert {row["slug"] for row in rows} == BRIEF_SYSTEMS
    assert len(set(colours)) == 10
    ink = _luminance("#2b3530")
    for row in rows:
        assert re.fullmatch(r"#[0-9a-f]{6}", row["colour"]), row
        assert row["name"] and row["description"]
        # A fill under dark outlines and labels: at least 3:1 against the ink colour.
        assert (_luminance(row["colour"]) + 0.05) / (ink + 0.05) >= 3, row["slug"]


@pytest.mark.parametrize(("colour", "tone"), [("#5b84bd", 1), ("#5b84bd", -1), ("#f0cf72", 1)])
def test_shades_stay_valid_colours_and_move_the_right_way(colour, tone):
    shaded = footmap.shade(colour, tone)

    assert re.fullmatch(r"#[0-9a-f]{6}", shaded)
    assert (_luminance(shaded) > _luminance(colour)) == (tone > 0)


# --- The map page ---------------------------------------------------------------------------------


def test_map_draws_every_zone_as_a_link_to_its_page(client, content):
    response = client.get(MAP_URL)

    assert response.status_code == 200
    hrefs = {shape["href"] for shape in parse(response).shapes}
    assert hrefs == {zone.get_absolute_url() for zone in Zone.objects.all()}


def test_every_shape_link_opens_its_zone_page_with_that_zone_highlighted(client, content):
    hrefs = {shape["href"]: shape["data-zone"] for shape in parse(client.get(MAP_URL)).shapes}

    assert len(hrefs) == 45
    for href, slug in sorted(hrefs.items()):
        response = client.get(href)
        assert response.status_code == 200, href
        lit = {shape["data-zone"] for shape in parse(response).shapes if "is-lit" in shape["class"].split()}
        assert lit == {slug}, href
        assert not re.search(r"\btreats?\b", response.content.decode(), re.I), href


def test_every_shape_has_an_accessible_name_with_zone_foot_and_surface(client, content):
    names = {zone.slug: zone.name for zone in Zone.objects.all()}
    surfaces = {str(view.surface_label) for view in footmap.VIEWS}

    shapes = parse(client.get(MAP_URL)).shapes
    assert len(shapes) > 80
    for shape in shapes:
        label = shape["aria-label"]
        assert label.startswith(names[shape["data-zone"]] + ", "), label
        assert "left foot" in label or "right foot" in label, label
        assert any(label.endswith(surface) for surface in surfaces), label


ACCESSIBLE_NAMES = [
    ("Heart, left foot, sole", True),
    ("Heart, right foot, sole", False),
    ("Liver, right foot, sole", True),
    ("Liver, left foot, sole", False),
    ("Bladder, left foot, inner edge", True),
    ("Bladder, right foot, sole", True),
    ("Ovaries and testes, left foot, outer edge", True),
]


def test_accessible_names_follow_the_side_rule(client, content):
    labels = {shape["aria-label"] for shape in parse(client.get(MAP_URL)).shapes}

    for label, present in ACCESSIBLE_NAMES:
        assert (label in labels) is present, label


def test_map_page_explains_what_the_map_is_and_links_the_evidence(client, content):
    html = client.get(MAP_URL).content.decode()

    assert "associated with" in html
    assert "tradition, not anatomy" in html
    assert f'href="{reverse("reflexology:evidence")}"' in html
    assert "Left foot" in html and "Right foot" in html
    assert 'aria-live="polite"' in html
    assert 'href="#zone-list"' in html, "a way past the drawing for keyboard users"
    assert not re.search(r"\btreats?\b", html, re.I)


def test_map_lists_every_zone_grouped_by_part_of_the_foot(client, content):
    response = client.get(MAP_URL)
    groups = response.context["zone_groups"]

    listed = [item["zone"].slug for group in groups for item in group["zones"]]
    assert sorted(listed) == sorted(Zone.objects.values_list("slug", flat=True))
    assert [group["key"] for group in groups][:4] == ["toes", "ball", "arch", "heel"]


def test_view_parameter_shows_that_view(client, content):
    for view in footmap.VIEW_KEYS:
        response = client.get(MAP_URL, {"view": view})

        assert response.status_code == 200
        assert visible_view(parse(response)) == [view]
        assert (
            f'data-view="{view}" aria-controls="fm-view-{view}" aria-current="page"'
            in response.content.decode()
        )


BAD_VIEWS = ["nope", "Sole", "x" * 3000, "<script>alert(1)</script>", "dorsal'--", "%00"]


def test_unknown_view_falls_back_to_the_sole_with_a_message(client, content):
    for value in BAD_VIEWS:
        response = client.get(MAP_URL, {"view": value})

        assert response.status_code == 200, value
        assert visible_view(parse(response)) == ["plantar"], value
        html = response.content.decode()
        assert "We have no view of the feet called" in html, value
        assert "<script>alert" not in html
        assert_csp_clean(response)


def test_system_parameter_lights_its_zones_and_dims_the_rest(client, content):
    digestive = BodySystem.objects.get(slug="digestive")

    response = client.get(MAP_URL, {"system": "digestive"})

    shapes = parse(response).shapes
    lit = {shape["data-zone"] for shape in shapes if "is-lit" in shape["class"].split()}
    dim = {shape["data-zone"] for shape in shapes if "is-dim" in shape["class"].split()}
    expected = set(digestive.zones.values_list("slug", flat=True))
    assert lit == expected
    assert dim == {shape["data-zone"] for shape in shapes} - expected
    html = response.content.decode()
    assert 'aria-current="true"' in html
    assert digestive.description in html
    assert "Show all systems" in html


def test_a_zone_of_two_systems_wears_the_colour_of_the_chosen_one(client, content):
    colours = dict(BodySystem.objects.values_list("slug", "colour"))
    tone = next(s.tone for s in footmap.get_view("plantar").shapes if s.zone == "pancreas")

    def pancreas_fills(**params):
        shapes = parse(client.get(MAP_URL, params)).shapes
        return {s["data-fill"] for s in shapes if s["data-zone"] == "pancreas"}

    # Its own colour is digestion's (footmap.TINTS); chosen through the glands, it wears theirs.
    assert pancreas_fills() == {footmap.shade(colours["digestive"], tone)}
    assert pancreas_fills(system="endocrine") == {footmap.shade(colours["endocrine"], tone)}


BAD_SYSTEMS = ["nope", "DIGESTIVE", "x" * 3000, "<b>bold</b>", "digestive\n"]


def test_unknown_system_is_ignored_with_a_message(client, content):
    for value in BAD_SYSTEMS:
        response = client.get(MAP_URL, {"system": value})

        assert response.status_code == 200, value
        assert not any("is-dim" in shape["class"] for shape in parse(response).shapes), value
        html = response.content.decode()
        assert "We do not know a body system called" in html, value
        assert "<b>bold</b>" not in html


def test_view_and_system_together_and_links_keep_each_other(client, content):
    response = client.get(MAP_URL, {"view": "medial", "system": "musculoskeletal"})

    assert visible_view(parse(response)) == ["medial"]
    html = response.content.decode()
    assert 'href="/foot-map/?view=lateral&amp;system=musculoskeletal"' in html
    assert 'href="/foot-map/?view=medial&amp;system=urinary"' in html


def test_map_page_is_csp_clean(client, content):
    assert_csp_clean(client.get(MAP_URL))
    assert_csp_clean(client.get(MAP_URL, {"system": "senses", "view": "dorsal"}))


def test_map_renders_before_the_content_is_loaded(client, db):
    response = client.get(MAP_URL)

    assert response.status_code == 200
    assert parse(response).shapes == []


# --- The zone page --------------------------------------------------------------------------------


def zone_url(slug: str) -> str:
    return reverse("reflexology:zone_detail", kwargs={"slug": slug})


def test_zone_page_shows_the_zone_on_its_view_with_what_it_is_associated_with(client, content):
    response = client.get(zone_url("liver"))

    assert response.status_code == 200
    page = parse(response)
    lit = {shape["data-zone"] for shape in page.shapes if "is-lit" in shape["class"].split()}
    assert lit == {"liver"}
    assert visible_view(page) == ["plantar"]
    html = response.content.decode()
    assert "In reflexology, this area is associated with" in html
    assert "Right foot" in html and "only" in html
    assert f'href="{reverse("reflexology:evidence")}"' in html
    assert f'href="{MAP_URL}"' in html
    assert not re.search(r"\btreats?\b", html, re.I)
    assert_csp_clean(response)


def test_zone_page_opens_on_the_view_that_shows_it_and_offers_its_other_views(client, content):
    response = client.get(zone_url("bladder"))

    assert visible_view(parse(response)) == ["medial"]
    tabs = [tab["key"] for tab in response.context["tabs"]]
    assert tabs == ["plantar", "medial"]
    assert visible_view(parse(client.get(zone_url("bladder"), {"view": "plantar"}))) == ["plantar"]
    # A view that does not show this zone is reported and ignored.
    other = client.get(zone_url("bladder"), {"view": "lateral"})
    assert visible_view(parse(other)) == ["medial"]
    assert "We have no view of the feet called" in other.content.decode()


def test_zone_page_lists_published_techniques_that_work_it(client, content):
    techniques = list(Technique.objects.published().filter(zones__slug="solar-plexus"))
    assert techniques, "the data set has techniques for the solar plexus"
    hidden = techniques[0]
    hidden.published = False
    hidden.save(update_fields=["published"])

    html = client.get(zone_url("solar-plexus")).content.decode()

    assert f'href="{hidden.get_absolute_url()}"' not in html
    for technique in techniques[1:]:
        assert f'href="{technique.get_absolute_url()}"' in html


def test_zone_page_links_its_neighbours(client, content):
    response = client.get(zone_url("kidneys"))

    names = [zone.slug for zone in response.context["neighbours"]]
    assert {"adrenals", "ureters"} <= set(names)
    assert f'href="{zone_url("ureters")}"' in response.content.decode()


@pytest.mark.parametrize("slug", ["no-such-zone", "LIVER", "liver-2", "a" * 200])
def test_unknown_zone_is_a_404_in_the_site_style(client, db, slug):
    response = client.get(f"/foot-map/zones/{slug}/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert_csp_clean(response)


def test_zone_that_the_drawing_does_not_know_still_has_a_page(client, content):
    zone = Zone.objects.create(
        slug="new-area", name="New area", surface="plantar", region="heel", body_parts="something"
    )

    response = client.get(zone.get_absolute_url())

    assert response.status_code == 200
    assert not any("is-lit" in shape["class"] for shape in parse(response).shapes)


# --- Queries --------------------------------------------------------------------------------------


def add_tenfold_data():
    """Nine more copies of every zone and system (not drawn, but listed), and many techniques."""
    systems = [
        BodySystem.objects.create(
            slug=f"extra-{n}-{i}", name=f"Extra {n} {i}", colour="#888888", order=200 + i
        )
        for n in range(9)
        for i in range(10)
    ]
    template = list(Zone.objects.all())
    for n in range(9):
        for index, zone in enumerate(template):
            copy = Zone.objects.create(
                slug=f"{zone.slug}-copy-{n}",
                name=f"{zone.name} {n}",
                foot=zone.foot,
                surface=zone.surface,
                region=zone.region,
                body_parts=zone.body_parts,
            )
            copy.systems.add(systems[(n * 10 + index) % len(systems)], *zone.systems.all())
    liver = Zone.objects.get(slug="liver")
    for n in range(30):
        technique = Technique.objects.create(
            slug=f"extra-technique-{n}",
            name=f"Extra technique {n}",
            kind="classical",
            summary="A test technique.",
            body="Text.",
            intensity="gentle",
            suits="Anyone.",
        )
        technique.zones.add(liver)


MAP_QUERIES = 3  # body systems, zones, zones' systems
ZONE_QUERIES = 4  # the same three, and the zone's techniques


def test_map_page_queries_are_fixed_and_do_not_grow_with_ten_times_the_data(
    client, content, django_assert_num_queries
):
    with django_assert_num_queries(MAP_QUERIES):
        assert client.get(MAP_URL, {"system": "digestive"}).status_code == 200
    add_tenfold_data()
    with django_assert_num_queries(MAP_QUERIES):
        response = client.get(MAP_URL, {"system": "digestive"})
    assert response.context["zone_count"] == 450


def test_zone_page_queries_are_fixed_and_do_not_grow_with_ten_times_the_data(
    client, content, django_assert_num_queries
):
    with django_assert_num_queries(ZONE_QUERIES):
        assert client.get(zone_url("liver")).status_code == 200
    add_tenfold_data()
    with django_assert_num_queries(ZONE_QUERIES):
        response = client.get(zone_url("liver"))
    assert len(response.context["techniques"]) >= 30


# --- The small map on a technique page ------------------------------------------------------------


def test_technique_zone_map_lights_and_links_only_the_techniques_zones(content, django_assert_num_queries):
    technique = Technique.objects.published().filter(zones__isnull=False).distinct().first()
    zones = list(technique.zones.prefetch_related("systems"))

    with django_assert_num_queries(0):
        html = render_to_string(
            "reflexology/includes/_technique_zone_map.html", {"technique": technique, "zones": zones}
        )

    parser = Links()
    parser.feed(html)
    assert {shape["href"] for shape in parser.shapes} == {zone.get_absolute_url() for zone in zones}
    assert all("is-lit" in shape["class"] for shape in parser.shapes)
    assert parser.figures and all("hidden" not in figure for figure in parser.figures)
    assert 'aria-live="polite"' in html


def test_technique_zone_map_without_zones_says_so(content):
    html = render_to_string(
        "reflexology/includes/_technique_zone_map.html", {"technique": Technique(name="X"), "zones": []}
    )

    assert "fm-zone" not in html
    assert "whole foot" in html
