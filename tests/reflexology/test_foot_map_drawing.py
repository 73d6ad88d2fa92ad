"""The foot map's drawing files (reflexology/drawings/*.svg) and the reader that turns them into views."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings

from reflexology import drawing, footmap

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
ZONE_SLUGS = {
    row["fields"]["slug"]
    for row in json.loads((FIXTURES / "zones.json").read_text())
    if row["model"] == "reflexology.zone"
}
TOE_ZONES = {
    "head-brain", "pituitary", "sinuses", "eyes", "ears", "mouth-teeth", "neck-throat-thyroid",
    "toes-nerve-endings", "toe-tips-all-organs",
}  # fmt: skip


@pytest.mark.parametrize("key", footmap.VIEW_KEYS)
def test_each_view_is_an_svg_file_whose_zone_ids_name_zones_of_the_data(key):
    root = ET.parse(drawing.DRAWINGS / f"{key}.svg").getroot()  # noqa: S314
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    zones = root.find(".//*[@id='zones']")

    assert len(ids) == len(set(ids)), "ids in one file are unique"
    slugs = [el.get("id").removeprefix("zone-") for el in zones]
    assert all(el.get("id").startswith("zone-") for el in zones)
    assert set(slugs) <= ZONE_SLUGS
    assert slugs == list(dict.fromkeys(shape.zone for shape in footmap.get_view(key).shapes))


@pytest.mark.parametrize(("key", "first"), [("plantar", TOE_ZONES), ("dorsal", TOE_ZONES),
                                             ("sources", TOE_ZONES), ("medial", {"cervical-spine"}),
                                             ("lateral", {"shoulder"})])  # fmt: skip
def test_keyboard_order_starts_at_the_toes(key, first):
    """Document order is tab order: each view's zones begin with those on (or nearest) the toes."""
    view = footmap.build_views({"x": None}, colours={}, views=[key])[0]
    for foot in view.feet:
        assert foot.shapes[0].zone in first, (key, foot.foot, foot.shapes[0].zone)


def test_path_data_in_every_form_inkscape_writes_becomes_absolute_lines_and_curves():
    subpaths = drawing.parse_path(
        "m10 10 h20 v20 H10 z M50 50 c0 10 10 10 10 0 s10 -10 10 0 q5 5 10 0 t10 0 a5 5 0 0 1 10 0"
    )

    assert [closed for _segments, closed in subpaths] == [True, False]
    square = subpaths[0][0]
    assert [seg[-1] for seg in square] == [(30, 10), (30, 30), (10, 30), (10, 10)]
    curve = subpaths[1][0]
    assert curve[0] == ((50, 50), (50, 60), (60, 60), (60, 50))
    assert curve[1][1] == (60, 40), "s reflects the previous control point"
    assert all(len(seg) == 4 for seg in curve)
    assert curve[-1][-1] == pytest.approx((100, 50))


def test_shapes_and_transforms_are_applied_to_the_outline():
    text = '<circle xmlns="http://www.w3.org/2000/svg" cx="10" cy="10" r="5" transform="translate(100 0)"/>'
    circle = ET.fromstring(text)  # noqa: S314

    ring = drawing.geometry_of(circle).rings()[0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    assert min(xs) == pytest.approx(105, abs=0.1) and max(xs) == pytest.approx(115, abs=0.1)
    assert min(ys) == pytest.approx(5, abs=0.1) and max(ys) == pytest.approx(15, abs=0.1)
    assert drawing.parse_transform("scale(2) translate(1 1)") == (2, 0, 0, 2, 2, 2)


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"/>', "no #outline"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><g id="outline"><path id="body" d="M0 0h9v9z"/></g>'
         '<g id="zones"><path d="M0 0h1v1z"/></g></svg>', 'id="zone-<slug>"'),
        ('<svg xmlns="http://www.w3.org/2000/svg"><g id="outline"><path id="body" d="M0 0h9v9z"/></g>'
         '<g id="zones"><path id="zone-x" data-clip="skin" d="M0 0h1v1z"/></g></svg>', "data-clip"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><g id="outline"><path id="body" d="M0 0 9"/></g></svg>',
         "ends"),
    ],
)  # fmt: skip
def test_a_file_the_map_cannot_use_says_what_is_wrong(tmp_path, monkeypatch, svg, message):
    (tmp_path / "broken.svg").write_text(svg)
    monkeypatch.setattr(drawing, "DRAWINGS", tmp_path)
    drawing.read_drawing.cache_clear()
    try:
        with pytest.raises(drawing.DrawingError, match=message.replace("(", r"\(")):
            drawing.read_drawing("broken")
    finally:
        drawing.read_drawing.cache_clear()


def test_avoided_zones_are_hatched_and_win_over_worked_ones():
    info = footmap.ZoneInfo(slug="liver", name="Liver", url="")
    views = footmap.build_views(
        {"liver": info, "stomach": info}, colours={}, views=["plantar"], uid="s",
        highlight={"stomach", "liver"}, single_colour="#d58a68", avoid={"liver"},
    )  # fmt: skip

    shapes = {s.zone: s for foot in views[0].feet for s in foot.shapes}
    assert views[0].hatch_id == "s-plantar-hatch"
    assert "is-avoid" in shapes["liver"].css and shapes["liver"].fill == "url(#s-plantar-hatch)"
    assert "is-lit" in shapes["stomach"].css and shapes["stomach"].fill == "#d58a68"
    assert "is-dim" in shapes["lungs"].css
    assert not shapes["liver"].link, "a zone with no url is drawn, not linked"
