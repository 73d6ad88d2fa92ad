"""The foot map: its views, read from the drawing (SVG files), and what the templates draw.

The drawing is an asset, not code: `reflexology/drawings/<view>.svg`, one file per view, each the
RIGHT foot in its own coordinates with one element per zone (`id="zone-<slug>"`), editable in
Inkscape (see reflexology/drawing.py for what a file must hold). The left foot is the mirror image
(the side rule of the charts: right foot <-> right half of the body); a zone drawn on one foot only
says so in the file. This module adds what is not drawing: the views' names and layout on the
page, links, accessible names and colours at render (`build_views`), and which zones touch
(`neighbours`, from what is seen on the drawing). Pure: no database, no HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext_lazy as _

from reflexology.drawing import Cell, Geometry, fmt, raster_cells, read_drawing

LEFT, RIGHT = "left", "right"
FEET = (LEFT, RIGHT)

# Which part of the outline a zone shape is clipped to: the foot body, the body without the toes
# (for zones on the ball that reach up under the toes), the toes, or the whole foot.
BODY, BALL, TOES, FOOT = "body", "ball", "toes", "foot"


@dataclass(frozen=True)
class Piece:
    geometry: Geometry
    clip: str | None = FOOT


@dataclass(frozen=True)
class Shape:
    """One zone's shape on one view; `feet` says on which foot (or both) it is drawn."""

    zone: str
    pieces: tuple[Piece, ...]
    feet: tuple[str, ...] = FEET
    # "area": a chart zone; "seed": a place only our source articles name (dashed outline, on top).
    style: str = "area"
    # Lighter (1) or deeper (-1) shade of the zone's colour, so neighbours of one system stay apart.
    tone: int = 0


@dataclass(frozen=True)
class Detail:
    """Part of the drawing that is not a zone: toe nails, ankle bones, creases."""

    geometry: Geometry
    css: str


@dataclass(frozen=True)
class Guide:
    """A chart guide line (shoulder, diaphragm, waist, heel), drawn on both feet and labelled."""

    key: str
    label: str
    geometry: Geometry
    label_y: float


@dataclass(frozen=True)
class Outline:
    body: Geometry
    toes: tuple[Geometry, ...]
    details: tuple[Detail, ...] = ()
    # Sole: each toe's outline is drawn whole (its bottom is the crease on the ball). Top: only the
    # free part of each toe is outlined, so toes join the foot without a line across them.
    toe_creases: bool = True
    # Where the drawing simply stops (the leg above the ankle): no outline is drawn past this box.
    open_box: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Layout:
    """Where each foot goes on the canvas and where its label sits."""

    width: float
    height: float
    transforms: Mapping[str, str]
    labels: Mapping[str, tuple[float, float, str]]  # foot -> (x, y, text-anchor)
    guide_label_x: float | None = None
    origin_y: float = 0  # where the right foot's local y=0 lands (for the guide labels)


@dataclass(frozen=True)
class View:
    key: str
    label: str
    surface_label: str  # used in accessible names: "Liver, right foot, sole"
    layout: Layout
    outline: Outline
    shapes: tuple[Shape, ...]
    guides: tuple[Guide, ...] = ()
    intro: str = ""
    areas: tuple[Shape, ...] = ()  # places to leave out that are not zones (drawn only when avoided)


# --- The views ------------------------------------------------------------------------------------
# Sole and top views show the feet side by side, big toes towards the middle and toes up (the way
# charts are printed); edge views show the two profiles one above the other, toes first.

PAIR_LAYOUT = Layout(
    width=400,
    height=456,
    # Right foot as drawn; the left foot is its mirror image, big toes towards the middle.
    transforms={LEFT: "translate(160 48) scale(-1 1)", RIGHT: "translate(240 48)"},
    labels={LEFT: (85, 28, "middle"), RIGHT: (315, 28, "middle")},
    guide_label_x=200,
    origin_y=48,
)
ROWS_LAYOUT = Layout(
    width=400,
    height=460,
    transforms={LEFT: "translate(400 36) scale(-1 1)", RIGHT: "translate(0 268)"},
    labels={LEFT: (4, 26, "start"), RIGHT: (4, 258, "start")},
)
GUIDE_LABELS = {
    "shoulder": _("shoulder line"),
    "diaphragm": _("diaphragm line"),
    "waist": _("waist line"),
    "heel": _("heel line"),
}
# key, tab label, surface (in accessible names), layout, intro.
# fmt: off
VIEW_TEXTS = (
    ("plantar", _("Sole"), _("sole"), PAIR_LAYOUT,
     _("Both soles as charts print them: toes up, big toes towards the middle.")),
    ("dorsal", _("Top"), _("top of the foot"), PAIR_LAYOUT,
     _("The tops of both feet, seen from above, toes up.")),
    ("medial", _("Inner edge"), _("inner edge"), ROWS_LAYOUT,
     _("The inner edge of each foot, from the big toe to the heel, with the inner ankle bone.")),
    ("lateral", _("Outer edge"), _("outer edge"), ROWS_LAYOUT,
     _("The outer edge of each foot, from the heel to the little toe, with the outer ankle bone.")),
    ("sources", _("Our sources"), _("sole, as our source articles describe it"), PAIR_LAYOUT,
     _("What the articles we learned from say, where it overlaps or differs from the chart: "
       "drawn with dashed outlines.")),
)
# fmt: on


def _shapes(named, style: str = "") -> tuple[Shape, ...]:
    """Shapes from a file's named elements; consecutive parts alike (feet, tone, style) make one shape."""
    shapes: list[Shape] = []
    for slug, parts in named:
        for part in parts:
            feet, look = (part.foot,) if part.foot else FEET, style or part.style
            last = shapes[-1] if shapes else None
            if last and (last.zone, last.feet, last.tone, last.style) == (slug, feet, part.tone, look):
                shapes[-1] = Shape(
                    slug, (*last.pieces, Piece(part.geometry, part.clip)), feet, look, part.tone
                )
            else:
                shapes.append(Shape(slug, (Piece(part.geometry, part.clip),), feet, look, part.tone))
    return tuple(shapes)


def _load_view(key: str, label: str, surface: str, layout: Layout, intro: str) -> View:
    drawing = read_drawing(key)
    outline = Outline(
        body=drawing.body,
        toes=drawing.toes,
        details=tuple(Detail(geometry, css) for geometry, css in drawing.details),
        toe_creases=drawing.toe_creases,
        open_box=drawing.open_box,
    )
    guides = tuple(Guide(k, GUIDE_LABELS.get(k, k), geometry, y) for k, geometry, y in drawing.guides)
    return View(
        key,
        label,
        surface,
        layout,
        outline,
        _shapes(drawing.zones),
        guides,
        intro,
        _shapes(drawing.areas, "place"),
    )


VIEWS: tuple[View, ...] = tuple(_load_view(*texts) for texts in VIEW_TEXTS)
VIEW_KEYS = tuple(view.key for view in VIEWS)
DEFAULT_VIEW = "plantar"
_VIEWS_BY_KEY = {view.key: view for view in VIEWS}


def get_view(key: str) -> View:
    return _VIEWS_BY_KEY[key]


# --- Pure helpers ---------------------------------------------------------------------------------


def zone_slugs() -> frozenset[str]:
    """Every zone slug the drawing has a shape for."""
    return frozenset(shape.zone for view in VIEWS for shape in view.shapes)


def area_codes() -> frozenset[str]:
    """Every place that is not a zone (the hollow below the inner ankle, the heel...) the drawing has."""
    return frozenset(shape.zone for view in VIEWS for shape in view.areas)


def views_for_zone(slug: str) -> list[str]:
    """The views that show this zone, in tab order."""
    return [view.key for view in VIEWS if any(shape.zone == slug for shape in view.shapes)]


def feet_for_zone(slug: str) -> frozenset[str]:
    return frozenset(
        foot for view in VIEWS for shape in view.shapes if shape.zone == slug for foot in shape.feet
    )


def primary_view(slug: str, surface: str | None = None) -> str:
    """The view to show a zone on: its main surface when drawn there, else the first view with it."""
    keys = views_for_zone(slug)
    if surface in keys:
        return surface
    return keys[0] if keys else DEFAULT_VIEW


def clean_view(value: str | None) -> str | None:
    """The view key if `value` names one, else None (unknown values are ignored by the pages)."""
    return value if value in _VIEWS_BY_KEY else None


# A zone of several body systems wears the colour of one of them. By default that is the first in
# legend order; these zones are drawn in the colour that says most about them on the drawing.
TINTS = {
    "pituitary": "endocrine",
    "neck-throat-thyroid": "endocrine",
    "pancreas": "digestive",
    "chest-upper-back": "musculoskeletal",
    "pelvis-sciatic": "musculoskeletal",
    "heel-centre": "reproductive",
    "ovary-testis": "reproductive",
    "fallopian-groin-lymph": "reproductive",
}


def colour_first[T](zone: str, systems: Iterable[T], *, slug: Callable[[T], str]) -> list[T]:
    """The zone's systems with the one whose colour it wears first (stable otherwise)."""
    items = list(systems)
    tint = TINTS.get(zone)
    return sorted(items, key=lambda item: slug(item) != tint)


# The list under the map groups zones by the part of the foot they sit on, front to back.
REGION_GROUPS = (
    ("toes", _("Toes"), ("toe_tips", "toes", "toe_bases")),
    ("ball", _("Ball of the foot"), ("ball",)),
    ("arch", _("Arch"), ("arch_upper", "arch_lower")),
    ("heel", _("Heel"), ("heel",)),
    ("inner", _("Inner edge and inner ankle"), ("inner_edge", "ankle_medial")),
    ("outer", _("Outer edge and outer ankle"), ("outer_edge", "ankle_lateral")),
    ("top", _("Top of the foot and front of the ankle"), ("instep", "ankle_front")),
)


def group_zones[T](zones: Iterable[T], *, region: Callable[[T], str]) -> list[tuple[str, str, list[T]]]:
    """Zones grouped by part of the foot (keeping their order), empty groups left out."""
    groups: dict[str, list[T]] = {key: [] for key, _label, _regions in REGION_GROUPS}
    group_of = {name: key for key, _label, regions in REGION_GROUPS for name in regions}
    rest: list[T] = []
    for zone in zones:
        key = group_of.get(region(zone))
        (groups[key] if key else rest).append(zone)
    result = [(key, str(label), groups[key]) for key, label, _regions in REGION_GROUPS if groups[key]]
    if rest:
        result.append(("other", str(_("Elsewhere on the foot")), rest))
    return result


# --- Neighbours, from the drawing as it is seen ---------------------------------------------------
# Each view is painted onto a coarse grid, shape by shape in drawing order (later shapes cover earlier
# ones, clipped to the foot as in the SVG); zones are neighbours where their visible cells touch. So a
# zone hidden under another (the lungs under the diaphragm band) does not count as touching what lies
# beyond it.

MIN_CONTACT = 2  # touching cells needed, so a single stray corner does not make two zones neighbours


@cache
def _clip_cells(view_key: str, clip: str | None) -> frozenset[Cell] | None:
    outline = get_view(view_key).outline
    if clip is None:
        return None
    body = raster_cells(outline.body)
    toes = frozenset().union(*(raster_cells(toe) for toe in outline.toes))
    return {BODY: body, BALL: body - toes, TOES: toes, FOOT: body | toes}[clip]


def painted(view: View, foot: str) -> dict[Cell, str]:
    """Which zone is seen in each grid cell of one foot on one view."""
    top: dict[Cell, str] = {}
    for shape in view.shapes:
        if foot not in shape.feet:
            continue
        for piece in shape.pieces:
            cells = raster_cells(piece.geometry)
            clip = _clip_cells(view.key, piece.clip)
            for cell in cells if clip is None else cells & clip:
                top[cell] = shape.zone
    return top


@cache
def neighbours() -> Mapping[str, frozenset[str]]:
    """Zones whose visible areas touch on any view and foot of the drawing."""
    contacts: dict[tuple[str, str], int] = {}
    for view in VIEWS:
        for foot in FEET:
            top = painted(view, foot)
            for (col, row), zone in top.items():
                for other in (top.get((col + 1, row)), top.get((col, row + 1))):
                    if other and other != zone:
                        pair = (min(zone, other), max(zone, other))
                        contacts[pair] = contacts.get(pair, 0) + 1
    found: dict[str, set[str]] = {slug: set() for slug in zone_slugs()}
    for (a, b), count in contacts.items():
        if count >= MIN_CONTACT:
            found[a].add(b)
            found[b].add(a)
    return {slug: frozenset(others) for slug, others in found.items()}


# --- What the templates draw ----------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneInfo:
    """What the drawing needs to know about a zone (from the database, as plain values)."""

    slug: str
    name: str
    url: str
    systems: tuple[str, ...] = ()  # slugs; the first one gives the zone its colour
    caption: str = ""


@dataclass
class DrawnShape:
    zone: str
    parts: list[tuple[str, str | None]]  # (id of the path in <defs>, clip id or None)
    fill: str
    css: str
    label: str = ""
    url: str = ""
    caption: str = ""
    systems: str = ""
    fills: str = ""  # "system:#colour ..." for zones of several systems (the script relights them)
    link: bool = True


@dataclass
class DrawnFoot:
    foot: str
    label: str
    transform: str
    label_x: float
    label_y: float
    label_anchor: str
    shapes: list[DrawnShape] = field(default_factory=list)


@dataclass
class DrawnView:
    """One view, ready to draw. Every path is written once in <defs> and drawn with <use>, so the
    two feet (one the mirror of the other) share their path data."""

    key: str
    label: str
    intro: str
    width: float
    height: float
    clip_ids: Mapping[str, str]
    defs: list[tuple[str, str]]
    body: str
    toes: list[str]
    details: list[tuple[str, str]]
    guides: list[dict]
    feet: list[DrawnFoot]
    active: bool
    toe_creases: bool = True
    outline_clip_d: str = ""
    box_clip_d: str = ""
    ball_clip_d: str = ""
    hatch_id: str = ""  # the hatching pattern's id, when some zones are to be avoided


NEUTRAL_FILL = "#f3e9dc"


def shade(colour: str, tone: int) -> str:
    """The colour, lightened (tone > 0, towards white) or deepened (tone < 0, towards ink)."""
    if not tone:
        return colour
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    target, amount = ((255, 255, 255), 0.32) if tone > 0 else ((43, 53, 48), 0.16)
    mixed = (round(c + (t - c) * amount * abs(tone)) for c, t in zip((r, g, b), target, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


FOOT_LABELS = {LEFT: _("Left foot"), RIGHT: _("Right foot")}
FOOT_NAMES = {LEFT: _("left foot"), RIGHT: _("right foot")}


def shape_label(name: str, foot: str, view: View) -> str:
    """The accessible name of one shape: which zone, which foot, which surface."""
    return _("%(zone)s, %(foot)s, %(surface)s") % {
        "zone": name,
        "foot": FOOT_NAMES[foot],
        "surface": view.surface_label,
    }


@dataclass(frozen=True)
class _Paths:
    """The path data of one view, each distinct path once, with a short local name."""

    defs: tuple[tuple[str, str], ...]  # (local name, path data)
    names: Mapping[int, str]  # id(geometry) -> local name

    @staticmethod
    @cache
    def of(view_key: str) -> _Paths:
        view = get_view(view_key)
        seen: dict[str, str] = {}
        names: dict[int, str] = {}
        outline = view.outline
        geometries = [outline.body, *outline.toes, *(d.geometry for d in outline.details)]
        geometries += [g.geometry for g in view.guides]
        geometries += [piece.geometry for shape in (*view.shapes, *view.areas) for piece in shape.pieces]
        for geometry in geometries:
            names[id(geometry)] = seen.setdefault(geometry.d(), f"p{len(seen)}")
        return _Paths(defs=tuple((local, d) for d, local in seen.items()), names=names)

    def ref(self, prefix: str, geometry: Geometry) -> str:
        return f"{prefix}-{self.names[id(geometry)]}"


@dataclass(frozen=True)
class Look:
    """How zones are painted: by body system (the map), or some lit and some hatched (small maps)."""

    colours: Mapping[str, str]
    system: str | None = None
    lit: frozenset[str] = frozenset()
    single_colour: str | None = None
    avoid: frozenset[str] = frozenset()


def build_views(
    zones: Mapping[str, ZoneInfo],
    *,
    colours: Mapping[str, str],
    active: str = DEFAULT_VIEW,
    system: str | None = None,
    highlight: Iterable[str] = (),
    views: Iterable[str] | None = None,
    uid: str = "fm",
    single_colour: str | None = None,
    avoid: Iterable[str] = (),
) -> list[DrawnView]:
    """Everything the SVG template draws, for the given views.

    `colours` maps system slugs to colours. With `system`, that system's zones are lit (in its
    colour) and the rest dimmed; with `highlight`, those zones are lit and the rest dimmed (in
    `single_colour` when given, for small maps); zones in `avoid` are hatched (and win over lit).
    Shapes whose zone is missing from `zones` are drawn as plain, unlinked areas, so a half-loaded
    data set never breaks the page; a zone with no url is drawn unlinked too. `uid` keeps the ids
    of several maps on one page apart.
    """
    look = Look(colours, system, frozenset(highlight), single_colour, frozenset(avoid))
    wanted = set(views) if views is not None else set(VIEW_KEYS)
    return [_draw_view(view, zones, look, uid=uid, active=active) for view in VIEWS if view.key in wanted]


def _draw_view(view: View, zones: Mapping[str, ZoneInfo], look: Look, *, uid: str, active: str) -> DrawnView:
    prefix = f"{uid}-{view.key}"
    paths = _Paths.of(view.key)
    clip_ids = {clip: f"{prefix}-{clip}" for clip in (BODY, BALL, TOES, FOOT)}
    outline, layout = view.outline, view.layout
    guides = [
        {
            "key": g.key,
            "label": str(g.label),
            "ref": paths.ref(prefix, g.geometry),
            "label_x": layout.guide_label_x,
            "label_y": g.label_y + layout.origin_y + 3,
        }
        for g in view.guides
        if layout.guide_label_x is not None
    ]
    feet = []
    for foot in FEET:
        x, y, anchor = layout.labels[foot]
        drawn_foot = DrawnFoot(foot, str(FOOT_LABELS[foot]), layout.transforms[foot], x, y, anchor)
        avoided = (shape for shape in view.areas if shape.zone in look.avoid)
        for shape in (shape for shape in (*view.shapes, *avoided) if foot in shape.feet):
            parts = [
                (paths.ref(prefix, piece.geometry), piece.clip and clip_ids[piece.clip])
                for piece in shape.pieces
            ]
            drawn_foot.shapes.append(
                _draw_shape(shape, zones.get(shape.zone), foot, view, parts, look, prefix)
            )
        feet.append(drawn_foot)
    return DrawnView(
        key=view.key,
        label=str(view.label),
        intro=str(view.intro),
        width=layout.width,
        height=layout.height,
        clip_ids=clip_ids,
        defs=[(f"{prefix}-{local}", d) for local, d in paths.defs],
        body=paths.ref(prefix, outline.body),
        toes=[paths.ref(prefix, toe) for toe in outline.toes],
        details=[(paths.ref(prefix, d.geometry), d.css) for d in outline.details],
        guides=guides,
        feet=feet,
        active=view.key == active,
        toe_creases=outline.toe_creases,
        outline_clip_d=_outline_clip(outline),
        box_clip_d=_box(outline.open_box) if outline.open_box else "",
        ball_clip_d="".join(g.d() for g in (outline.body, *outline.toes)) if outline.toes else "",
        hatch_id=f"{prefix}-hatch" if look.avoid else "",
    )


def _outline_clip(outline: Outline) -> str:
    """Clip for the foot's outline stroke: inside the open box, and not across the toes."""
    if not outline.toes and outline.open_box is None:
        return ""
    return _box(outline.open_box or (-40, -40, 520, 520)) + "".join(toe.d() for toe in outline.toes)


def _box(box: tuple[float, float, float, float]) -> str:
    x, y, w, h = box
    return f"M{fmt(x)} {fmt(y)}h{fmt(w)}v{fmt(h)}h{fmt(-w)}Z"


def _draw_shape(
    shape: Shape,
    info: ZoneInfo | None,
    foot: str,
    view: View,
    parts: list[tuple[str, str | None]],
    look: Look,
    prefix: str,
) -> DrawnShape:
    systems = info.systems if info else ()
    colours = look.colours
    fill = shade(colours.get(systems[0], NEUTRAL_FILL) if systems else NEUTRAL_FILL, shape.tone)
    css = ["fm-zone", f"fm-{shape.style}"]
    if shape.zone in look.avoid:
        css.append("is-avoid")
        fill = f"url(#{prefix}-hatch)"
    elif look.system:
        lit = look.system in systems
        css.append("is-lit" if lit else "is-dim")
        fill = shade(colours.get(look.system, fill), shape.tone) if lit else fill
    elif look.lit or look.avoid:
        lit = shape.zone in look.lit
        css.append("is-lit" if lit else "is-dim")
        fill = (look.single_colour or fill) if lit else fill
    if info is None or not info.url:
        return DrawnShape(zone=shape.zone, parts=parts, fill=fill, css=" ".join(css), link=False)
    return DrawnShape(
        zone=shape.zone,
        parts=parts,
        fill=fill,
        css=" ".join(css),
        label=shape_label(info.name, foot, view),
        url=info.url,
        caption=info.caption,
        systems=" ".join(systems),
        fills=" ".join(f"{slug}:{shade(colours[slug], shape.tone)}" for slug in systems if slug in colours)
        if len(systems) > 1
        else "",
    )
