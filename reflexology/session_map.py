"""A session's foot map: the zones a session works, shaded, and the places to leave out, hatched.

Used by the therapist's session sheet (staff) and the client's questionnaire result (intake): they
pass plain sets of zone slugs and area codes, so this module knows nothing of screening rules.
Pure: no database, no HTTP.
"""

from collections.abc import Iterable

from reflexology import footmap

SESSION_VIEWS = ("plantar", "dorsal", "medial", "lateral")
WORKED_FILL = "#d58a68"  # zones a session works: one warm accent, one meaning


def known(codes: Iterable[str]) -> set[str]:
    """The codes the drawing can show (zone slugs and area codes); the rest are named in words only."""
    return set(codes) & (footmap.zone_slugs() | footmap.area_codes())


def session_views(
    *, worked: Iterable[str] = (), avoid: Iterable[str] = (), uid: str = "sm"
) -> list[footmap.DrawnView]:
    """The views a session needs, with the zones it works shaded and the places to avoid hatched.

    `worked` and `avoid` are plain zone slugs and area codes (`footmap.area_codes()`); unknown ones are
    ignored. Only the views that show one of them are drawn (the sole when none does). Shapes are
    pictures here, not links: the page names the same places in words beside the drawing.
    """
    worked, avoid = set(worked), set(avoid)
    wanted = worked | avoid
    keys = [
        key
        for key in SESSION_VIEWS
        if any(
            shape.zone in wanted for shape in (*footmap.get_view(key).shapes, *footmap.get_view(key).areas)
        )
    ]
    views = footmap.build_views(
        {},
        colours={},
        highlight=worked,
        avoid=avoid,
        views=keys or [footmap.DEFAULT_VIEW],
        uid=uid,
        single_colour=WORKED_FILL,
    )
    for view in views:
        view.active = True
    return views
