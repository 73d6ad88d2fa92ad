"""Reading the foot map's drawing: SVG files in reflexology/drawings/, one per view.

Each file draws the RIGHT foot in its own coordinates (the site mirrors it for the left foot) and
is meant to be edited in Inkscape. What this module reads from a file:

- `#outline`: `#body` (the foot) and `#toe-1` ... (each toe), closed shapes;
- `#areas`: places to leave out that are not zones (`id="area-<code>"`, e.g. the hollow below the
  inner ankle bone), shaped like zones; drawn only on a session's map, hatched;
- `#zones`: one element per zone, `id="zone-<slug>"`, either a shape or a `<g>` of shapes. Each shape
  may say `data-clip` (ball, body, toes, foot or none; default body: which part of the outline it
  is clipped to), `data-foot` (left or right; default both), `data-tone` (-1 or 1: a deeper or
  lighter shade of the zone's colour) and `data-style="seed"` (a place only our sources name). A
  `<g>` passes its attributes on to its shapes. Document order is painting and keyboard order;
- `#details` (lines and marks that are not zones; `class` is their CSS class) and `#guides`
  (`id="guide-<key>"`, `data-label-y`);
- on the root: `data-open-box="x y w h"` (the drawing stops there: the leg) and
  `data-toe-creases="false"` (toes joined to the foot without a line across them).

Shapes may be `<path>` (any path commands, arcs included), `<rect>`, `<circle>`, `<ellipse>`,
`<polygon>`; `transform` attributes are applied. Everything becomes absolute M/L/C/Z path data, so
the page draws exactly what the file says, and outline samples for working out neighbours.
Pure and cached: no database, no HTTP.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reflexology.errors import ContentError

DRAWINGS = Path(__file__).resolve().parent / "drawings"
SVG = "{http://www.w3.org/2000/svg}"
Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)
Segment = tuple[Point, ...]  # (start, end) for a line, (start, c1, c2, end) for a cubic


class DrawingError(ContentError):
    """The drawing file cannot be read as the map needs it (says which file and what is wrong)."""


def fmt(value: float) -> str:
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


# --- Geometry ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Geometry:
    """One shape: closed (or open) subpaths of lines and cubic curves, in the view's coordinates."""

    subpaths: tuple[tuple[tuple[Segment, ...], bool], ...]  # (segments, closed)

    def d(self) -> str:
        parts = []
        for segments, closed in self.subpaths:
            start = segments[0][0]
            parts.append(f"M{fmt(start[0])} {fmt(start[1])}")
            for seg in segments:
                cmd = "L" if len(seg) == 2 else "C"
                parts.append(cmd + " ".join(f"{fmt(x)} {fmt(y)}" for x, y in seg[1:]))
            if closed:
                parts.append("Z")
        return "".join(parts)

    def rings(self) -> list[list[Point]]:
        """Outline samples, one list per subpath."""
        return [[point for seg in segments for point in _sample(seg)] for segments, _closed in self.subpaths]


def _sample(seg: Segment, per: int = 6) -> list[Point]:
    if len(seg) == 2:
        (x1, y1), (x2, y2) = seg
        steps = max(1, int(math.hypot(x2 - x1, y2 - y1) // 6))
        return [(x1 + (x2 - x1) * k / steps, y1 + (y2 - y1) * k / steps) for k in range(steps)]
    p0, p1, p2, p3 = seg
    points = []
    for k in range(per):
        t = k / per
        u = 1 - t
        a, b, c, e = u**3, 3 * u * u * t, 3 * u * t * t, t**3
        points.append(
            (a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1])
        )
    return points


# --- Painting onto a grid (for neighbours) ---------------------------------------------------------

GRID = 2.5  # cell size in drawing units
Cell = tuple[int, int]


def raster_cells(geometry: Geometry) -> frozenset[Cell]:
    """Grid cells whose centre lies inside the geometry (scanline fill, even-odd, as SVG paints it)."""
    cells: set[Cell] = set()
    edges = [(ring[i], ring[(i + 1) % len(ring)]) for ring in geometry.rings() for i in range(len(ring))]
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


# --- Path data ------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}


def _commands(d: str):
    """(command letter, its numbers) for each command in path data, implicit repeats made explicit."""
    tokens = _TOKEN.findall(d)
    i, cmd = 0, ""
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
        elif not cmd:
            raise DrawingError(f"path data starts with a number: {d[:40]!r}")
        arity = _ARITY[cmd.upper()]
        args = [float(token) for token in tokens[i : i + arity]]
        if len(args) < arity:
            raise DrawingError(f"path data ends in the middle of a command: {d[-40:]!r}")
        i += arity
        yield cmd, args
        if cmd in "Mm":  # numbers after a moveto are linetos
            cmd = "L" if cmd == "M" else "l"
        if arity == 0:
            cmd = ""


def parse_path(d: str) -> list[tuple[list[Segment], bool]]:
    """Path data as absolute subpaths of lines and cubics (quadratics and arcs converted)."""
    subpaths: list[tuple[list[Segment], bool]] = []
    current: list[Segment] = []
    pos = start = (0.0, 0.0)
    last_ctrl: Point | None = None
    last_cmd = ""
    for cmd, args in _commands(d):
        up, rel = cmd.upper(), cmd.islower()
        ox, oy = pos if rel else (0.0, 0.0)
        pts = (
            [(args[k] + ox, args[k + 1] + oy) for k in range(0, len(args) - 1, 2)] if up not in "HVA" else []
        )
        if up == "M":
            if current:
                subpaths.append((current, False))
            current, pos, start = [], pts[0], pts[0]
        elif up in "LHV":
            end = pts[0] if up == "L" else ((args[0] + ox, pos[1]) if up == "H" else (pos[0], args[0] + oy))
            current.append((pos, end))
            pos = end
        elif up in "CS":
            c1 = pts[0] if up == "C" else _reflect(pos, last_ctrl if last_cmd in "CS" else None)
            c2, end = pts[-2], pts[-1]
            current.append((pos, c1, c2, end))
            last_ctrl, pos = c2, end
        elif up in "QT":
            q = pts[0] if up == "Q" else _reflect(pos, last_ctrl if last_cmd in "QT" else None)
            end = pts[-1]
            current.append((pos, _lerp(pos, q, 2 / 3), _lerp(end, q, 2 / 3), end))
            last_ctrl, pos = q, end
        elif up == "A":
            end = (args[5] + ox, args[6] + oy)
            current.extend(_arc(pos, end, *args[:5]))
            pos = end
        elif up == "Z":
            if pos != start:
                current.append((pos, start))
            if current:
                subpaths.append((current, True))
            current, pos = [], start
        last_cmd = up
    if current:
        subpaths.append((current, False))
    return subpaths


def _reflect(pos: Point, ctrl: Point | None) -> Point:
    return pos if ctrl is None else (2 * pos[0] - ctrl[0], 2 * pos[1] - ctrl[1])


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _arc(
    p0: Point, p1: Point, rx: float, ry: float, angle: float, large: float, sweep: float
) -> list[Segment]:
    """An elliptical arc as cubic segments (SVG 1.1 appendix F.6, endpoint to centre form)."""
    rx, ry = abs(rx), abs(ry)
    if not rx or not ry or p0 == p1:
        return [(p0, p1)]
    phi = math.radians(angle)
    cos, sin = math.cos(phi), math.sin(phi)
    dx, dy = (p0[0] - p1[0]) / 2, (p0[1] - p1[1]) / 2
    x1, y1 = cos * dx + sin * dy, -sin * dx + cos * dy
    scale = x1 * x1 / (rx * rx) + y1 * y1 / (ry * ry)
    if scale > 1:
        rx, ry = rx * math.sqrt(scale), ry * math.sqrt(scale)
    num = rx * rx * ry * ry - rx * rx * y1 * y1 - ry * ry * x1 * x1
    root = math.sqrt(max(0.0, num / (rx * rx * y1 * y1 + ry * ry * x1 * x1)))
    root = -root if large == sweep else root
    cx1, cy1 = root * rx * y1 / ry, -root * ry * x1 / rx
    cx, cy = cos * cx1 - sin * cy1 + (p0[0] + p1[0]) / 2, sin * cx1 + cos * cy1 + (p0[1] + p1[1]) / 2
    theta = math.atan2((y1 - cy1) / ry, (x1 - cx1) / rx)
    delta = math.atan2((-y1 - cy1) / ry, (-x1 - cx1) / rx) - theta
    if sweep and delta < 0:
        delta += math.tau
    elif not sweep and delta > 0:
        delta -= math.tau
    count = max(1, math.ceil(abs(delta) / (math.pi / 2)))
    step = delta / count
    k = 4 / 3 * math.tan(step / 4)

    def at(t: float, r: float = 1.0, tangent: bool = False) -> Point:
        ex, ey = (-math.sin(t), math.cos(t)) if tangent else (math.cos(t), math.sin(t))
        x, y = rx * ex * r, ry * ey * r
        return (cos * x - sin * y + (0 if tangent else cx), sin * x + cos * y + (0 if tangent else cy))

    segments: list[Segment] = []
    for n in range(count):
        t0, t1 = theta + n * step, theta + (n + 1) * step
        a, b = at(t0), at(t1)
        ta, tb = at(t0, k, True), at(t1, k, True)
        segments.append((a, (a[0] + ta[0], a[1] + ta[1]), (b[0] - tb[0], b[1] - tb[1]), b))
    return segments


# --- Elements and transforms ---------------------------------------------------------------------

_KAPPA = 0.5523


def _element_d(el: ET.Element) -> str:
    tag = el.tag.removeprefix(SVG)
    num = lambda name: float(el.get(name, 0) or 0)  # noqa: E731
    if tag == "path":
        return el.get("d", "")
    if tag == "rect":
        x, y, w, h = num("x"), num("y"), num("width"), num("height")
        return f"M{x} {y}h{w}v{h}h{-w}Z"
    if tag in ("circle", "ellipse"):
        cx, cy = num("cx"), num("cy")
        rx, ry = (num("r"), num("r")) if tag == "circle" else (num("rx"), num("ry"))
        return f"M{cx + rx} {cy}A{rx} {ry} 0 1 1 {cx - rx} {cy}A{rx} {ry} 0 1 1 {cx + rx} {cy}Z"
    if tag in ("polygon", "polyline"):
        points = el.get("points", "").replace(",", " ").split()
        return "M" + " ".join(points) + ("Z" if tag == "polygon" else "")
    raise DrawingError(
        f"a <{tag}> cannot be a shape of the map (use a path, rect, circle, ellipse or polygon)"
    )


def _multiply(a: Matrix, b: Matrix) -> Matrix:
    return (
        a[0] * b[0] + a[2] * b[1],
        a[1] * b[0] + a[3] * b[1],
        a[0] * b[2] + a[2] * b[3],
        a[1] * b[2] + a[3] * b[3],
        a[0] * b[4] + a[2] * b[5] + a[4],
        a[1] * b[4] + a[3] * b[5] + a[5],
    )


def parse_transform(text: str | None) -> Matrix:
    matrix = IDENTITY
    for name, raw in re.findall(r"(\w+)\s*\(([^)]*)\)", text or ""):
        v = [float(n) for n in re.split(r"[\s,]+", raw.strip()) if n]
        if name == "matrix" and len(v) == 6:
            step = tuple(v)
        elif name == "translate":
            step = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0)
        elif name == "scale":
            step = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        elif name == "rotate":
            a = math.radians(v[0])
            cx, cy = (v[1], v[2]) if len(v) == 3 else (0, 0)
            step = _multiply(
                _multiply((1, 0, 0, 1, cx, cy), (math.cos(a), math.sin(a), -math.sin(a), math.cos(a), 0, 0)),
                (1, 0, 0, 1, -cx, -cy),
            )
        else:
            raise DrawingError(f"the transform {name}() is not understood")
        matrix = _multiply(matrix, step)  # type: ignore[arg-type]
    return matrix


def _apply(m: Matrix, p: Point) -> Point:
    return (m[0] * p[0] + m[2] * p[1] + m[4], m[1] * p[0] + m[3] * p[1] + m[5])


def geometry_of(el: ET.Element, matrix: Matrix = IDENTITY) -> Geometry:
    """The element's shape with its own and its ancestors' transforms applied."""
    m = _multiply(matrix, parse_transform(el.get("transform")))
    subpaths = tuple(
        (tuple(tuple(_apply(m, p) for p in seg) for seg in segments), closed)
        for segments, closed in parse_path(_element_d(el))
        if segments
    )
    if not subpaths:
        raise DrawingError(f"the shape {el.get('id') or el.tag} has no outline")
    return Geometry(subpaths)


# --- Files ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One shape of a zone, with what it inherited from its group."""

    geometry: Geometry
    clip: str | None
    foot: str | None
    tone: int
    style: str


@dataclass(frozen=True)
class Drawing:
    """What one view's file says, in document order."""

    body: Geometry
    toes: tuple[Geometry, ...]
    zones: tuple[tuple[str, tuple[Part, ...]], ...]  # (slug, its shapes)
    areas: tuple[tuple[str, tuple[Part, ...]], ...]  # places that are not zones (the ankle, the heel)
    details: tuple[tuple[Geometry, str], ...]
    guides: tuple[tuple[str, Geometry, float], ...]  # (key, line, label y)
    open_box: tuple[float, float, float, float] | None
    toe_creases: bool


CLIPS = {"ball", "body", "toes", "foot", "none"}
SHAPES = {f"{SVG}{tag}" for tag in ("path", "rect", "circle", "ellipse", "polygon", "polyline")}


def _parts(el: ET.Element, matrix: Matrix, inherited: dict[str, str], where: str) -> list[Part]:
    attrs = {**inherited, **{k: v for k, v in el.attrib.items() if k.startswith("data-")}}
    m = _multiply(matrix, parse_transform(el.get("transform")))
    if el.tag in SHAPES:
        clip = attrs.get("data-clip", "body")
        if clip not in CLIPS or attrs.get("data-foot", "left") not in ("left", "right"):
            raise DrawingError(f"{where}: data-clip or data-foot has an unknown value")
        return [
            Part(
                geometry_of(el, matrix),
                None if clip == "none" else clip,
                attrs.get("data-foot"),
                int(attrs.get("data-tone", 0)),
                attrs.get("data-style", "area"),
            )
        ]
    return [part for child in el for part in _parts(child, m, attrs, where)]


def _group(root: ET.Element, gid: str) -> tuple[ET.Element | None, Matrix]:
    for el in root.iter():
        if el.get("id") == gid:
            return el, parse_transform(el.get("transform"))
    return None, IDENTITY


def _named(root: ET.Element, group: str, prefix: str, where: str) -> tuple[tuple[str, tuple[Part, ...]], ...]:
    """The children of `#group`, each with id="<prefix><name>", as (name, its shapes)."""
    found = []
    group_el, matrix = _group(root, group)
    for el in group_el if group_el is not None else ():
        name = (el.get("id") or "").removeprefix(prefix)
        if not el.get("id", "").startswith(prefix) or not name:
            raise DrawingError(f'{where}: every element in #{group} needs id="{prefix}<slug>"')
        found.append((name, tuple(_parts(el, matrix, {}, f"{where} #{el.get('id')}"))))
    return tuple(found)


@cache
def read_drawing(key: str) -> Drawing:
    """The view's file, read once per process. A file the map cannot use raises DrawingError."""
    path = DRAWINGS / f"{key}.svg"
    root = ET.parse(path).getroot()  # noqa: S314 (our own file in the repository, not input)
    outline, om = _group(root, "outline")
    if outline is None:
        raise DrawingError(f"{path.name}: no #outline group")
    by_id = {el.get("id"): el for el in outline.iter() if el.tag in SHAPES}
    if "body" not in by_id:
        raise DrawingError(f"{path.name}: no #body in #outline")
    toes = sorted((k for k in by_id if k and k.startswith("toe-")), key=lambda k: int(k[4:]))
    zones = _named(root, "zones", "zone-", path.name)
    areas = _named(root, "areas", "area-", path.name)
    details_el, dm = _group(root, "details")
    guides_el, gm = _group(root, "guides")
    box = root.get("data-open-box")
    return Drawing(
        body=geometry_of(by_id["body"], om),
        toes=tuple(geometry_of(by_id[k], om) for k in toes),
        zones=zones,
        areas=areas,
        details=tuple((geometry_of(el, dm), el.get("class", "")) for el in details_el if el.tag in SHAPES)
        if details_el is not None
        else (),
        guides=tuple(
            (el.get("id", "").removeprefix("guide-"), geometry_of(el, gm), float(el.get("data-label-y", 0)))
            for el in guides_el
            if el.tag in SHAPES
        )
        if guides_el is not None
        else (),
        open_box=tuple(float(n) for n in box.split()) if box else None,  # type: ignore[arg-type]
        toe_creases=root.get("data-toe-creases") != "false",
    )
