from django import template
from django.utils.translation import gettext_lazy as _

from intake.models import Area
from intake.rules import KINDS, load_rules, who_should_wait
from reflexology import session_map
from reflexology.models import Zone

register = template.Library()


@register.inclusion_tag("intake/includes/_who_should_wait.html", name="who_should_wait")
def who_should_wait_panel(technique):
    """`{% who_should_wait technique %}`: who should wait, from the rules in force (four queries).

    `technique` is a Technique or a kind key (`reflexology`, `thai_sticks`, ...).
    """
    kind = getattr(technique, "kind", technique)
    return {"technique": technique, "wait": who_should_wait(load_rules(), kind)}


# The places to leave out, in the client's words (the rules' area codes stay internal, R11).
CLIENT_AREA_NAMES = {
    Area.AFFECTED_SITE: _("the spot you told us about, with a margin around it"),
    Area.FOOT_LEFT: _("your left foot"),
    Area.FOOT_RIGHT: _("your right foot"),
    Area.PLANTAR_BOTH: _("the soles of both feet"),
    Area.CALF: _("your calves"),
    Area.ANKLE_MEDIAL: _("the hollow just below the inner ankle bone"),
    Area.ANKLE_LATERAL: _("the hollow just below the outer ankle bone"),
    Area.HEEL: _("the heels"),
    Area.LOWER_LEG_ABOVE_INNER_ANKLE: _("the lower leg just above the inner ankle"),
}


@register.inclusion_tag("intake/includes/_avoid_map.html", name="avoid_map")
def avoid_map(questionnaire):
    """`{% avoid_map questionnaire %}`: the places every session will leave out, drawn and named.

    Nothing (and no query) when there are none; else one query for the names of foot-map zones.
    """
    codes = list(dict.fromkeys(code for kind in KINDS for code in questionnaire.areas_for(kind)))
    if not codes:
        return {"places": []}
    zone_codes = [code for code in codes if code not in CLIENT_AREA_NAMES]
    rows = Zone.objects.filter(slug__in=zone_codes).values_list("slug", "name") if zone_codes else []
    zones = {slug: _("the “%(name)s” area of the foot map") % {"name": name} for slug, name in rows}
    names = {**{str(code): str(name) for code, name in CLIENT_AREA_NAMES.items()}, **zones}
    places = [names[code] for code in codes if code in names]
    return {"places": places, "views": session_map.session_views(avoid=session_map.known(codes), uid="avoid")}
