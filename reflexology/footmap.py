"""The foot map's drawing, as data: outlines of both feet and one shape per zone, per view.

We draw the feet ourselves. Each view (sole, top, inner edge, outer edge, and a view of what our
source articles say) is described once, for the RIGHT foot, in its own local coordinates; the left
foot is the mirror image (the side rule of the charts: right foot <-> right half of the body), so a
zone drawn on both feet is written once. Zones that exist on one foot only (heart, spleen and
descending colon on the left; liver, gallbladder and ascending colon on the right) are still written
in right-foot coordinates and drawn on that foot only, mirrored when it is the left one.

Sole and top views show the feet side by side, big toes towards the middle and toes up (the way
charts are printed); edge views show the two profiles one above the other. Everything here is pure:
no database, no HTTP. `build_views()` turns the geometry plus plain zone data into what the
templates draw, and `neighbours()` derives which zones touch from the geometry itself.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from django.utils.translation import gettext_lazy as _

Point = tuple[float, float]

LEFT, RIGHT = "left", "right"
FEET = (LEFT, RIGHT)


# --- Geometry primitives ------------------------------------------------------------------------
# Each primitive knows its SVG path data and a list of sample points along its outline (used to
# work out which zones are neighbours and to test that shapes stay on the foot).


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    u = 1 - t
    return (
        u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
        u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
    )


def _catmull_rom(points: Sequence[Point], closed: bool) -> list[tuple[Point, Point, Point, Point]]:
    """Cubic Bezier segments of a smooth curve through `points` (centripetal-free, tension 1/6)."""
    n = len(points)
    segments = []
    last = n if closed else n - 1
    for i in range(last):
        p0 = points[(i - 1) % n] if (closed or i > 0) else points[i]
        p1 = points[i]
        p2 = points[(i + 1) % n]
        p3 = points[(i + 2) % n] if (closed or i + 2 < n) else points[(i + 1) % n]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        segments.append((p1, c1, c2, p2))
    return segments


def _segments_path(segments: Sequence[tuple[Point, Point, Point, Point]], closed: bool) -> str:
    start = segments[0][0]
    parts = [f"M{_fmt(start[0])} {_fmt(start[1])}"]
    for _p0, c1, c2, p3 in segments:
        parts.append(f"C{_fmt(c1[0])} {_fmt(c1[1])} {_fmt(c2[0])} {_fmt(c2[1])} {_fmt(p3[0])} {_fmt(p3[1])}")
    if closed:
        parts.append("Z")
    return "".join(parts)


def _segments_samples(segments: Sequence[tuple[Point, Point, Point, Point]], per: int = 6) -> list[Point]:
    samples = []
    for p0, c1, c2, p3 in segments:
        samples.extend(_cubic(p0, c1, c2, p3, k / per) for k in range(per))
    return samples


class Geometry:
    """A closed region (or, for `Curve`, an open line) in a view's local coordinates."""

    def d(self) -> str:
        raise NotImplementedError

    def rings(self) -> list[list[Point]]:
        """Outline samples, one list per closed ring."""
        raise NotImplementedError

    def samples(self) -> list[Point]:
        return [point for ring in self.rings() for point in ring]

    def contains(self, point: Point) -> bool:
        """Even-odd point-in-polygon test over the sampled rings."""
        x, y = point
        inside = False
        for ring in self.rings():
            n = len(ring)
            for i in range(n):
                (x1, y1), (x2, y2) = ring[i], ring[(i + 1) % n]
                if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                    inside = not inside
        return inside


@dataclass(frozen=True)
class Blob(Geometry):
    """A smooth closed outline through the given points."""

    points: tuple[Point, ...]

    def d(self) -> str:
        return _segments_path(_catmull_rom(self.points, closed=True), closed=True)

    def rings(self) -> list[list[Point]]:
        return [_segments_samples(_catmull_rom(self.points, closed=True))]


@dataclass(frozen=True)
class Poly(Geometry):
    """A closed polygon with straight sides."""

    points: tuple[Point, ...]

    def d(self) -> str:
        head, *rest = self.points
        return f"M{_fmt(head[0])} {_fmt(head[1])}" + "".join(f"L{_fmt(x)} {_fmt(y)}" for x, y in rest) + "Z"

    def rings(self) -> list[list[Point]]:
        ring = []
        n = len(self.points)
        for i in range(n):
            (x1, y1), (x2, y2) = self.points[i], self.points[(i + 1) % n]
            steps = max(1, int(math.hypot(x2 - x1, y2 - y1) // 6))
            ring.extend((x1 + (x2 - x1) * k / steps, y1 + (y2 - y1) * k / steps) for k in range(steps))
        return [ring]


def Rect(x: float, y: float, w: float, h: float) -> Poly:
    return Poly(((x, y), (x + w, y), (x + w, y + h), (x, y + h)))


@dataclass(frozen=True)
class Ellipse(Geometry):
    cx: float
    cy: float
    rx: float
    ry: float

    def d(self) -> str:
        # Four cubic quarter-arcs (kappa), so every shape is plain M/C/Z path data.
        k = 0.5523
        cx, cy, rx, ry = self.cx, self.cy, self.rx, self.ry
        pts = [
            ((cx + rx, cy), (cx + rx, cy + k * ry), (cx + k * rx, cy + ry), (cx, cy + ry)),
            ((cx, cy + ry), (cx - k * rx, cy + ry), (cx - rx, cy + k * ry), (cx - rx, cy)),
            ((cx - rx, cy), (cx - rx, cy - k * ry), (cx - k * rx, cy - ry), (cx, cy - ry)),
            ((cx, cy - ry), (cx + k * rx, cy - ry), (cx + rx, cy - k * ry), (cx + rx, cy)),
        ]
        return _segments_path(pts, closed=True)

    def rings(self) -> list[list[Point]]:
        steps = 24
        return [
            [
                (
                    self.cx + self.rx * math.cos(2 * math.pi * k / steps),
                    self.cy + self.ry * math.sin(2 * math.pi * k / steps),
                )
                for k in range(steps)
            ]
        ]


def Circle(cx: float, cy: float, r: float) -> Ellipse:
    return Ellipse(cx, cy, r, r)


@dataclass(frozen=True)
class Band(Geometry):
    """A ribbon of even width along a smooth centre line (colon, ureter, spine, guide bands)."""

    points: tuple[Point, ...]
    width: float
    round_ends: bool = True

    def _centre(self) -> list[Point]:
        return [*_segments_samples(_catmull_rom(self.points, closed=False), per=8), self.points[-1]]

    def _outline(self) -> list[Point]:
        centre = self._centre()
        half = self.width / 2
        left, right = [], []
        for i, (x, y) in enumerate(centre):
            ax, ay = centre[max(i - 1, 0)]
            bx, by = centre[min(i + 1, len(centre) - 1)]
            length = math.hypot(bx - ax, by - ay) or 1
            nx, ny = -(by - ay) / length, (bx - ax) / length
            left.append((x + nx * half, y + ny * half))
            right.append((x - nx * half, y - ny * half))
        if not self.round_ends:
            return left + right[::-1]
        return (
            left
            + self._cap(centre[-1], centre[-2], half)
            + right[::-1]
            + self._cap(centre[0], centre[1], half)
        )

    @staticmethod
    def _cap(end: Point, before: Point, half: float) -> list[Point]:
        angle = math.atan2(end[1] - before[1], end[0] - before[0])
        return [
            (end[0] + half * math.cos(angle + a), end[1] + half * math.sin(angle + a))
            for a in (math.pi / 2 - math.pi * k / 6 for k in range(1, 6))
        ]

    def d(self) -> str:
        outline = self._outline()
        head, *rest = outline
        return f"M{_fmt(head[0])} {_fmt(head[1])}" + "".join(f"L{_fmt(x)} {_fmt(y)}" for x, y in rest) + "Z"

    def rings(self) -> list[list[Point]]:
        return [self._outline()]


@dataclass(frozen=True)
class Curve(Geometry):
    """An open smooth line: drawing details only (creases, guide lines), never a zone."""

    points: tuple[Point, ...]

    def d(self) -> str:
        return _segments_path(_catmull_rom(self.points, closed=False), closed=False)

    def rings(self) -> list[list[Point]]:
        return [_segments_samples(_catmull_rom(self.points, closed=False))]


@dataclass(frozen=True)
class Multi(Geometry):
    """Several regions that form one zone (e.g. the sinus area on four toes)."""

    parts: tuple[Geometry, ...]

    def d(self) -> str:
        return "".join(part.d() for part in self.parts)

    def rings(self) -> list[list[Point]]:
        return [ring for part in self.parts for ring in part.rings()]

    def contains(self, point: Point) -> bool:
        return any(part.contains(point) for part in self.parts)


# --- Drawing data structures --------------------------------------------------------------------

# Which part of the outline a zone shape is clipped to: the foot body, the toes, or both.
BODY, TOES, FOOT = "body", "toes", "foot"


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
    geometry: Curve
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


# --- The drawing: sole (plantar) ----------------------------------------------------------------
# Right foot, seen as charts print it: toes up, big toe on the left (towards the other foot).
# The box is 150 x 400; y grows towards the heel. Landmarks (y): toe creases ~80-104, shoulder line
# just under them, diaphragm line 150-162 (base of the ball), waist line 222 (level with the bump of
# the 5th metatarsal on the outer edge), heel line 305 (where the heel pad starts).
# The coordinates below are hand-drawn; the formatter is asked to keep them one shape per line.

# fmt: off
_TOE_OUTLINE = (
    (0.0, 0.0), (0.68, 0.075), (0.96, 0.22), (1.0, 0.38), (0.9, 0.6), (0.92, 0.8), (0.6, 0.95),
    (0.0, 1.0), (-0.6, 0.95), (-0.92, 0.8), (-0.9, 0.6), (-1.0, 0.38), (-0.96, 0.22), (-0.68, 0.075),
)
# fmt: on


def _toe(cx: float, top: float, bottom: float, width: float, lean: float = 0.0) -> Blob:
    """A toe seen from below or above: a rounded pad, a slightly narrower neck, a soft crease.

    `lean` shifts the tip sideways (the small toes curl a little towards the big toe).
    """
    h, r = bottom - top, width / 2
    return Blob(
        tuple((round(cx + fx * r + lean * (1 - fy), 1), round(top + fy * h, 1)) for fx, fy in _TOE_OUTLINE)
    )


@dataclass(frozen=True)
class ToeSpec:
    cx: float
    top: float
    bottom: float
    width: float
    lean: float
    column: tuple[float, float]  # x-range that holds this toe and no other (for toe zones)

    def blob(self) -> Blob:
        return _toe(self.cx, self.top, self.bottom, self.width, self.lean)

    def part(self, start: float, stop: float) -> Poly:
        """The slice of this toe between two fractions of its length (0 = tip, 1 = crease)."""
        h = self.bottom - self.top
        y0 = self.top + start * h if start > 0 else self.top - 12
        y1 = self.top + stop * h if stop < 1 else self.bottom + 30
        return Rect(self.column[0], y0, self.column[1] - self.column[0], y1 - y0)

    def nail(self) -> Ellipse:
        h = self.bottom - self.top
        return Ellipse(self.cx + self.lean * 0.85, self.top + 0.19 * h, self.width * 0.3, h * 0.15)


def _parts(toes: Iterable[ToeSpec], start: float, stop: float) -> Multi:
    return Multi(tuple(toe.part(start, stop) for toe in toes))


def _z(
    zone: str,
    geometry: Geometry,
    clip: str | None = BODY,
    *,
    feet: tuple[str, ...] = FEET,
    style: str = "area",
    tone: int = 0,
) -> Shape:
    """A zone drawn as one piece (the common case)."""
    return Shape(zone, (Piece(geometry, clip),), feet=feet, style=style, tone=tone)


def _diaphragm_y(x: float) -> float:
    return 150 + 0.08 * x


# fmt: off
TOE_SPECS = (
    ToeSpec(27, 4, 82, 44, 2, (-12, 50)),
    ToeSpec(63.5, 11, 80, 26, -2, (50, 77)),
    ToeSpec(89.5, 22, 86, 24, -3, (77, 102.5)),
    ToeSpec(114, 36, 94, 21, -4, (102.5, 125.5)),
    ToeSpec(136, 54, 104, 19, -5, (125.5, 160)),
)
BIG, SECOND, THIRD, FOURTH, LITTLE = TOE_SPECS
SOLE_TOES = tuple(toe.blob() for toe in TOE_SPECS)
SOLE_BODY = Blob((
    (8, 56), (3, 84), (1, 112), (3, 140), (9, 172), (16, 206), (20, 240), (21, 270), (23, 300),
    (27, 334), (37, 364), (54, 388), (76, 397), (99, 391), (115, 372), (124, 344), (128, 312),
    (131, 282), (135, 252), (141, 224), (144, 200), (147, 174), (149, 148), (149, 124), (147, 104),
    (142, 92), (126, 86), (114, 78), (102, 74), (90, 68), (77, 64), (64, 60), (50, 58), (30, 54),
))

PLANTAR_SHAPES = (
    # The ball: lungs under toes 2-5, the throat and thyroid under the big toe, the shoulder on the
    # outer side, the heart (left foot) towards the inner middle.
    _z("lungs", Poly(((-12, 40), (172, 40), (172, 163.8), (-12, 149))), BODY, tone=1),
    Shape("neck-throat-thyroid", (
        Piece(BIG.part(0.6, 1), TOES),
        Piece(Blob(((-10, 46), (50, 46), (51, 96), (44, 124), (26, 138), (-10, 140))), BODY),
    )),
    _z("shoulder", Poly(((127, 70), (172, 70), (172, 163.8), (124, 160), (122, 130), (123, 100))), BODY),
    _z("heart", Blob(((30, 110), (44, 102), (60, 106), (72, 118), (68, 136), (52, 148), (36, 144),
                                (28, 128))), BODY, feet=(LEFT,)),
    # Upper arch, right foot: the liver over the outer two-thirds, stomach and pancreas on the inner side
    # (each region is drawn a little larger than it shows, so the next one covers the seam).
    _z("liver", Poly(((30, 152.4), (172, 163.8), (172, 230), (30, 230))), BODY, feet=(RIGHT,)),
    _z("stomach", Blob(((-12, 149), (38, 153), (45, 170), (39, 186), (-12, 188))), BODY, feet=(RIGHT,)),
    _z("pancreas", Blob(((-12, 191), (34, 190), (48, 199), (46, 216), (24, 228), (-12, 229))), BODY,
        feet=(RIGHT,), tone=1),
    _z("gallbladder", Ellipse(112, 194, 8.5, 10.5), BODY, feet=(RIGHT,), tone=-1),
    # Upper arch, left foot: a larger stomach, the pancreas beneath it, the spleen on the outer edge.
    _z("pancreas", Poly(((-12, 190), (172, 190), (172, 230), (-12, 230))), BODY, feet=(LEFT,), tone=1),
    _z("stomach", Blob(((-12, 149), (60, 154.8), (113, 159.5), (114, 180), (100, 196), (50, 198),
                        (-12, 198))), BODY, feet=(LEFT,)),
    _z("spleen", Poly(((112, 159), (172, 163.8), (172, 227), (126, 226), (114, 212), (110, 180))), BODY,
        feet=(LEFT,)),
    # The diaphragm band along the base of the ball, and the solar plexus just beneath it.
    _z("diaphragm", Band(((-12, _diaphragm_y(-12)), (170, _diaphragm_y(170))), 10, False), BODY,
        tone=-1),
    _z("solar-plexus", Circle(70, 165, 11), BODY),
    # Waist line and lower arch: the colon's path from the right foot to the left around the small
    # intestine; kidneys on the waist line, ureters down to the bladder at the inner heel.
    _z("small-intestine", Rect(-12, 234, 184, 71), BODY, tone=1),
    _z("transverse-colon", Band(((-12, 231), (170, 231)), 12, False), BODY, tone=-1),
    _z("ileocecal-ascending", Multi((Band(((133, 225), (134, 294)), 17, False),
                                     Ellipse(128, 297, 13, 9))), BODY, feet=(RIGHT,), tone=-1),
    _z("descending-sigmoid-rectum", Band(((133, 225), (135, 262), (130, 287), (108, 299), (74, 300),
                                          (50, 294)), 15, False), BODY, feet=(LEFT,), tone=-1),
    _z("adrenals", Ellipse(60, 204, 8.5, 6), BODY),
    _z("kidneys", Blob(((52, 216), (62, 210), (72, 216), (74, 232), (66, 246), (56, 244), (52, 234),
                                  (56, 226))), BODY, feet=(LEFT,)),
    _z("kidneys", Blob(((52, 220), (62, 214), (72, 220), (74, 236), (66, 250), (56, 248), (52, 238),
                                  (56, 230))), BODY, feet=(RIGHT,)),
    _z("ureters", Band(((60, 247), (52, 262), (40, 278), (28, 290)), 7), BODY, tone=-1),
    _z("bladder", Ellipse(22, 294, 17, 13), BODY, tone=1),
    # Heel.
    _z("pelvis-sciatic", Rect(-12, 305, 174, 100), BODY),
    # Toes, drawn after the ball so their creases sit on top of it.
    _z("head-brain", BIG.part(0, 0.6), TOES),
    _z("pituitary", Circle(28, 30, 7), TOES),
    _z("sinuses", _parts(TOE_SPECS[1:], 0, 0.45), TOES),
    _z("eyes", _parts((SECOND, THIRD), 0.45, 1), TOES, tone=-1),
    _z("ears", _parts((FOURTH, LITTLE), 0.45, 1), TOES, tone=-1),
    # Places only our source articles name: dashed, on top of the chart.
    _z("kidney-seed", Circle(77, 91, 6), None, style="seed"),
    _z("heel-centre", Ellipse(76, 352, 17, 14), BODY, style="seed"),
)

PLANTAR_GUIDES = (
    Guide("shoulder", _("shoulder line"), Curve(((-8, 84), (70, 92), (160, 106))), 88),
    Guide("diaphragm", _("diaphragm line"), Curve(((-8, _diaphragm_y(-8)), (160, _diaphragm_y(160)))), 152),
    Guide("waist", _("waist line"), Curve(((-8, 222), (160, 222))), 222),
    Guide("heel", _("heel line"), Curve(((-8, 305), (160, 305))), 305),
)


# --- Top (dorsal) -------------------------------------------------------------------------------
# Right foot from above: toes up, big toe on the left, the ankle bones and a short stretch of leg.

# From above, only the free part of each toe shows; it joins the foot at the webs, without a crease.
TOP_TOE_SPECS = tuple(
    replace(toe, bottom=bottom) for toe, bottom in zip(TOE_SPECS, (64, 68, 76, 86, 98), strict=True)
)
TOP_BIG = TOP_TOE_SPECS[0]
TOP_TOES = tuple(toe.blob() for toe in TOP_TOE_SPECS)
TOP_BODY = Blob((
    (8, 56), (3, 84), (1, 112), (3, 142), (7, 176), (12, 210), (17, 240), (21, 262), (19, 280), (13, 294),
    (14, 307), (23, 317), (42, 326), (75, 330), (108, 328), (125, 322), (136, 313), (136, 300), (131, 288),
    (129, 270), (133, 246), (139, 220), (144, 190), (147, 166), (149, 142), (149, 120), (147, 104),
    (142, 92), (126, 86), (114, 78), (102, 74), (90, 68), (77, 64), (64, 60), (50, 58), (30, 54),
))
TOP_DETAILS = (
    *(Detail(toe.nail(), "fm-nail") for toe in TOP_TOE_SPECS),
    # Faint tendon lines fanning from the toes to the front of the ankle.
    *(
        Detail(Curve(((toe.cx, toe.bottom + 6), (toe.cx * 0.72 + 20, 190), (60 + i * 8, 286))), "fm-tendon")
        for i, toe in enumerate(TOP_TOE_SPECS)
    ),
)
DORSAL_SHAPES = (
    _z("chest-upper-back", Rect(-12, 40, 174, 170), BODY, tone=1),
    _z("lower-back-dorsal", Rect(-12, 210, 174, 92), BODY),
    _z("fallopian-groin-lymph", Band(((-12, 291), (40, 295), (75, 298), (110, 301), (170, 307)), 18,
        False), BODY),
    _z("mouth-teeth", Multi((TOP_BIG.part(0, 0.6), *(toe.part(0, 1) for toe in TOP_TOE_SPECS[1:]))), TOES),
    _z("neck-throat-thyroid", TOP_BIG.part(0.6, 1), TOES),
    _z("upper-lymph", Multi((Ellipse(50, 66, 6.5, 10), Ellipse(77, 73, 4.5, 8),
                                       Ellipse(102.5, 82, 4.5, 8), Ellipse(125.5, 94, 4.5, 8))), None),
    _z("dorsal-1-2", Circle(50, 110, 8), BODY, style="seed"),
)


# --- Inner edge (medial) -------------------------------------------------------------------------
# Right foot seen from its inner side: toes point left, the heel is on the right, the sole at the
# bottom with the inner arch lifted between ball and heel, and the leg rising above the ankle.
# Ground at y=188; the foot is 380 long; the inner ankle bone sits high and towards the front.

MEDIAL_BODY = Blob((
    (8, 170), (10, 157), (20, 149), (36, 145), (56, 143), (78, 137), (104, 131), (140, 121), (178, 106),
    (212, 91), (240, 77), (258, 62), (266, 40), (270, 16), (271, -6), (351, -6), (351, 30), (355, 62),
    (362, 92), (372, 116), (384, 138), (390, 160), (385, 178), (368, 188), (338, 190), (310, 187),
    (284, 178), (250, 168), (214, 162), (178, 165), (140, 174), (108, 184), (82, 189), (56, 188),
    (34, 186), (16, 182),
))
MEDIAL_DETAILS = (
    Detail(Blob(((12, 153), (20, 148), (33, 147), (37, 151), (27, 154), (16, 156))), "fm-nail"),
    Detail(Curve(((58, 146), (61, 166), (56, 186))), "fm-crease"),
    Detail(Circle(310, 76, 14), "fm-bone"),
)
_SPINE_LINE = ((-20, 166), (40, 168), (90, 170), (150, 158), (210, 145), (260, 148), (300, 156), (340, 164),
               (420, 160))
# fmt: on


def _spine(x0: float, x1: float) -> Band:
    """A stretch of the spine band, which follows the bony inner edge (lifted along the arch)."""
    xs = [x0 + (x1 - x0) * k / 8 for k in range(9)]
    return Band(tuple((x, _spine_y(x)) for x in xs), 19, False)


def _spine_y(x: float) -> float:
    for (xa, ya), (xb, yb) in itertools.pairwise(_SPINE_LINE):
        if xa <= x <= xb:
            return ya + (yb - ya) * (x - xa) / (xb - xa)
    return _SPINE_LINE[-1][1]


def _vertebrae(x0: float, x1: float, step: float) -> tuple[Detail, ...]:
    """Short ticks across the spine band, so it reads as a column of vertebrae."""
    ticks = []
    x = x0 + step / 2
    while x < x1:
        y = _spine_y(x)
        ticks.append(Detail(Curve(((x, y - 7), (x, y + 7))), "fm-vertebra"))
        x += step
    return tuple(ticks)


MEDIAL_DETAILS += _vertebrae(8, 384, 13)

# fmt: off
MEDIAL_SHAPES = (
    _z("cervical-spine", _spine(-12, 60), BODY, tone=1),
    _z("thoracic-spine", _spine(60, 200), BODY),
    _z("lumbar-spine", _spine(200, 300), BODY, tone=1),
    _z("sacrum-coccyx", _spine(300, 410), BODY, tone=-1),
    _z("bladder", Ellipse(292, 171, 20, 8), BODY),
    _z("uterus-prostate", Ellipse(338, 106, 15, 13), BODY),
    _z("fallopian-groin-lymph", Band(((328, 98), (312, 94), (292, 88), (270, 76), (252, 68)), 9)),
)


# --- Outer edge (lateral) ------------------------------------------------------------------------
# Right foot seen from its outer side: toes point right, heel on the left; the outer edge rests on
# the ground almost all along, with the bump of the 5th metatarsal near its middle. The little toe
# is in front; the longer toes show beyond it. The outer ankle bone sits lower and further back.

LATERAL_BODY = Blob((
    (70, -6), (70, 36), (64, 72), (52, 102), (34, 128), (18, 148), (12, 166), (20, 182), (42, 189),
    (90, 189), (150, 189), (206, 188), (270, 189), (322, 189), (352, 186),
    (374, 184), (390, 178), (395, 168), (390, 160), (374, 155), (344, 148), (306, 135), (262, 118),
    (222, 101), (190, 84), (166, 64), (154, 36), (151, -6),
))
LATERAL_LITTLE_TOE = Blob(((330, 166), (340, 156), (356, 156), (370, 162), (374, 174), (366, 183),
                           (346, 186), (332, 180)))
LATERAL_DETAILS = (
    Detail(LATERAL_LITTLE_TOE, "fm-toe-detail"),
    Detail(Blob(((360, 161), (367, 160), (371, 165), (367, 169), (360, 167))), "fm-nail"),
    Detail(Blob(((380, 160), (388, 160), (392, 166), (387, 170), (380, 167))), "fm-nail"),
    Detail(Circle(98, 86, 13), "fm-bone"),
)
LATERAL_SHAPES = (
    _z("hip-knee-leg", Poly(((-12, 150), (60, 152), (140, 158), (204, 160), (204, 204), (-12, 204))), BODY),
    _z("arm-elbow", Poly(((204, 160), (300, 160), (316, 158), (316, 204), (204, 204))), BODY, tone=1),
    _z("shoulder", Blob(((316, 146), (336, 146), (340, 166), (336, 204), (316, 204))), BODY, tone=-1),
    _z("ovary-testis", Ellipse(70, 114, 14, 12), BODY),
    _z("fallopian-groin-lymph", Band(((80, 106), (98, 104), (120, 98), (144, 84), (162, 74)), 9)),
)


# --- What our source articles say (sole) ---------------------------------------------------------
# The seeds' own coarse statements overlap the chart zones, so they get a view of their own where
# nothing covers them: the toes, the toe tips, the middle of the sole, the "fan lines", two points.

FAN_HUB = (44, 238)
SOURCES_SHAPES = (
    _z("peritoneal-organs", Rect(-12, 158, 174, 147), BODY, style="seed", tone=1),
    _z("toes-nerve-endings", Rect(-12, -12, 174, 140), TOES, style="seed", tone=1),
    _z("toe-tips-all-organs", _parts(TOE_SPECS, 0, 0.24), TOES, style="seed", tone=-1),
    _z("fan-lines", Multi((*(Band((FAN_HUB, (toe.cx + toe.lean * 0.2, toe.bottom + 4)), 6)
        for toe in TOE_SPECS), Circle(*FAN_HUB, 8))), BODY, style="seed"),
    _z("kidney-seed", Circle(77, 91, 6), None, style="seed"),
    _z("heel-centre", Ellipse(76, 352, 17, 14), BODY, style="seed"),
)
# fmt: on


# --- The views ------------------------------------------------------------------------------------

PAIR_LAYOUT = Layout(
    width=400,
    height=456,
    # Right foot as drawn; the left foot is its mirror image, big toes towards the middle.
    transforms={LEFT: "translate(160 48) scale(-1 1)", RIGHT: "translate(240 48)"},
    labels={LEFT: (85, 26, "middle"), RIGHT: (315, 26, "middle")},
    guide_label_x=200,
    origin_y=48,
)
ROWS_LAYOUT = Layout(
    width=400,
    height=460,
    transforms={LEFT: "translate(400 36) scale(-1 1)", RIGHT: "translate(0 268)"},
    labels={LEFT: (4, 24, "start"), RIGHT: (4, 256, "start")},
)

VIEWS: tuple[View, ...] = (
    View(
        "plantar",
        _("Sole"),
        _("sole"),
        PAIR_LAYOUT,
        Outline(SOLE_BODY, SOLE_TOES),
        PLANTAR_SHAPES,
        PLANTAR_GUIDES,
        _("Both soles as charts print them: toes up, big toes towards the middle."),
    ),
    View(
        "dorsal",
        _("Top"),
        _("top of the foot"),
        PAIR_LAYOUT,
        Outline(TOP_BODY, TOP_TOES, TOP_DETAILS),
        DORSAL_SHAPES,
        (),
        _("The tops of both feet, seen from above, toes up."),
    ),
    View(
        "medial",
        _("Inner edge"),
        _("inner edge"),
        ROWS_LAYOUT,
        Outline(MEDIAL_BODY, (), MEDIAL_DETAILS, open_box=(-20, 10, 440, 220)),
        MEDIAL_SHAPES,
        (),
        _("The inner edge of each foot, from the big toe to the heel, with the inner ankle bone."),
    ),
    View(
        "lateral",
        _("Outer edge"),
        _("outer edge"),
        ROWS_LAYOUT,
        Outline(LATERAL_BODY, (), LATERAL_DETAILS, open_box=(-20, 10, 440, 220)),
        LATERAL_SHAPES,
        (),
        _("The outer edge of each foot, from the heel to the little toe, with the outer ankle bone."),
    ),
    View(
        "sources",
        _("Our sources"),
        _("sole, as our source articles describe it"),
        PAIR_LAYOUT,
        Outline(SOLE_BODY, SOLE_TOES),
        SOURCES_SHAPES,
        (),
        _(
            "What the articles we learned from say, where it overlaps or differs from the chart: "
            "drawn with dashed outlines."
        ),
    ),
)
VIEW_KEYS = tuple(view.key for view in VIEWS)
DEFAULT_VIEW = "plantar"
_VIEWS_BY_KEY = {view.key: view for view in VIEWS}


def get_view(key: str) -> View:
    return _VIEWS_BY_KEY[key]


# --- Pure helpers ---------------------------------------------------------------------------------


def zone_slugs() -> frozenset[str]:
    """Every zone slug the drawing has a shape for."""
    return frozenset(shape.zone for view in VIEWS for shape in view.shapes)


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

GRID = 2.5  # cell size in drawing units
MIN_CONTACT = 2  # touching cells needed, so a single stray corner does not make two zones neighbours
Cell = tuple[int, int]


def _parts_of(geometry: Geometry) -> tuple[Geometry, ...]:
    return geometry.parts if isinstance(geometry, Multi) else (geometry,)


def raster_cells(geometry: Geometry) -> frozenset[Cell]:
    """Grid cells whose centre lies inside the geometry (scanline fill, even-odd within each part)."""
    cells: set[Cell] = set()
    for part in _parts_of(geometry):
        edges = [(ring[i], ring[(i + 1) % len(ring)]) for ring in part.rings() for i in range(len(ring))]
        ys = [point[1] for edge in edges for point in edge]
        for row in range(math.floor(min(ys) / GRID), math.ceil(max(ys) / GRID) + 1):
            y = (row + 0.5) * GRID
            crossings = sorted(
                x1 + (y - y1) * (x2 - x1) / (y2 - y1) for (x1, y1), (x2, y2) in edges if (y1 > y) != (y2 > y)
            )
            for left, right in zip(crossings[0::2], crossings[1::2], strict=False):
                first, last = math.ceil(left / GRID - 0.5), math.floor(right / GRID - 0.5)
                cells.update((col, row) for col in range(first, last + 1))
    return frozenset(cells)


@cache
def _clip_cells(view_key: str, clip: str | None) -> frozenset[Cell] | None:
    outline = get_view(view_key).outline
    if clip is None:
        return None
    parts = {BODY: [outline.body], TOES: list(outline.toes), FOOT: [outline.body, *outline.toes]}[clip]
    return frozenset().union(*(raster_cells(part) for part in parts))


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


NEUTRAL_FILL = "#f3e9dc"
HIGHLIGHT_FILL = "#a4553a"


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
    names: Mapping[int, tuple[str, ...]]  # id(geometry) -> local names of its parts

    @staticmethod
    @cache
    def of(view_key: str) -> _Paths:
        view = get_view(view_key)
        seen: dict[str, str] = {}
        names: dict[int, tuple[str, ...]] = {}

        def name(geometry: Geometry) -> tuple[str, ...]:
            result = []
            for part in _parts_of(geometry):
                d = part.d()
                if d not in seen:
                    seen[d] = f"p{len(seen)}"
                result.append(seen[d])
            names[id(geometry)] = tuple(result)
            return names[id(geometry)]

        name(view.outline.body)
        for toe in view.outline.toes:
            name(toe)
        for detail in view.outline.details:
            name(detail.geometry)
        for guide in view.guides:
            name(guide.geometry)
        for shape in view.shapes:
            for piece in shape.pieces:
                name(piece.geometry)
        return _Paths(defs=tuple((local, d) for d, local in seen.items()), names=names)

    def ref(self, prefix: str, geometry: Geometry) -> list[str]:
        return [f"{prefix}-{local}" for local in self.names[id(geometry)]]


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
) -> list[DrawnView]:
    """Everything the SVG template draws, for the given views.

    `colours` maps system slugs to colours. With `system`, that system's zones are lit (in its
    colour) and the rest dimmed; with `highlight`, those zones are lit and the rest dimmed (in
    `single_colour` when given, for small maps). Shapes whose zone is missing from `zones` are drawn
    as plain, unlinked areas, so a half-loaded data set never breaks the page. `uid` keeps the ids
    of several maps on one page apart.
    """
    lit_zones = set(highlight)
    wanted = set(views) if views is not None else None
    drawn_views = []
    for view in VIEWS:
        if wanted is not None and view.key not in wanted:
            continue
        prefix = f"{uid}-{view.key}"
        paths = _Paths.of(view.key)
        clip_ids = {BODY: f"{prefix}-body", TOES: f"{prefix}-toes", FOOT: f"{prefix}-foot"}
        drawn = DrawnView(
            key=view.key,
            label=str(view.label),
            intro=str(view.intro),
            width=view.layout.width,
            height=view.layout.height,
            clip_ids=clip_ids,
            defs=[(f"{prefix}-{local}", d) for local, d in paths.defs],
            body=paths.ref(prefix, view.outline.body)[0],
            toes=[paths.ref(prefix, toe)[0] for toe in view.outline.toes],
            details=[(ref, d.css) for d in view.outline.details for ref in paths.ref(prefix, d.geometry)],
            guides=[
                {
                    "key": g.key,
                    "label": str(g.label),
                    "ref": paths.ref(prefix, g.geometry)[0],
                    "label_x": view.layout.guide_label_x,
                    "label_y": g.label_y + view.layout.origin_y + 3,
                }
                for g in view.guides
            ]
            if view.layout.guide_label_x is not None
            else [],
            feet=[],
            active=view.key == active,
            toe_creases=view.outline.toe_creases,
            outline_clip_d=_outline_clip(view.outline),
            box_clip_d=_box(view.outline.open_box) if view.outline.open_box else "",
        )
        for foot in FEET:
            x, y, anchor = view.layout.labels[foot]
            drawn_foot = DrawnFoot(
                foot=foot,
                label=str(FOOT_LABELS[foot]),
                transform=view.layout.transforms[foot],
                label_x=x,
                label_y=y,
                label_anchor=anchor,
            )
            for shape in view.shapes:
                if foot in shape.feet:
                    parts = [
                        (ref, clip_ids.get(piece.clip) if piece.clip else None)
                        for piece in shape.pieces
                        for ref in paths.ref(prefix, piece.geometry)
                    ]
                    drawn_foot.shapes.append(
                        _draw_shape(
                            shape,
                            zones.get(shape.zone),
                            foot,
                            view,
                            parts,
                            colours,
                            system,
                            lit_zones,
                            single_colour,
                        )
                    )
            drawn.feet.append(drawn_foot)
        drawn_views.append(drawn)
    return drawn_views


def _outline_clip(outline: Outline) -> str:
    """Clip for the foot's outline stroke: inside the open box, and not across the toes."""
    if not outline.toes and outline.open_box is None:
        return ""
    return _box(outline.open_box or (-40, -40, 520, 520)) + "".join(toe.d() for toe in outline.toes)


def _box(box: tuple[float, float, float, float]) -> str:
    x, y, w, h = box
    return f"M{_fmt(x)} {_fmt(y)}h{_fmt(w)}v{_fmt(h)}h{_fmt(-w)}Z"


def _draw_shape(
    shape: Shape,
    info: ZoneInfo | None,
    foot: str,
    view: View,
    parts: list[tuple[str, str | None]],
    colours: Mapping[str, str],
    system: str | None,
    lit_zones: set[str],
    single_colour: str | None,
) -> DrawnShape:
    systems = info.systems if info else ()
    fill = shade(colours.get(systems[0], NEUTRAL_FILL) if systems else NEUTRAL_FILL, shape.tone)
    css = ["fm-zone", f"fm-{shape.style}"]
    if system:
        if system in systems:
            fill = shade(colours.get(system, fill), shape.tone)
            css.append("is-lit")
        else:
            css.append("is-dim")
    elif lit_zones:
        if shape.zone in lit_zones:
            css.append("is-lit")
            fill = single_colour or fill
        else:
            css.append("is-dim")
    if info is None:
        return DrawnShape(zone=shape.zone, parts=parts, fill=NEUTRAL_FILL, css=" ".join(css), link=False)
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
