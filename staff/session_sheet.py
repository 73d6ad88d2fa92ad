"""The therapist's session plan: the booked technique's zones and the client's screening, drawn and said.

    session_plan(appointment, uid=...) -> SessionPlan | None

Read from the stored screening (never recomputed), like `staff.screening`: the areas to leave out
(hatched on the foot map and named), the areas to keep light, the modifiers as plain instructions,
the rules' notes for the therapist and the clinician's limits from valid doctor's notes (R8). None
without a questionnaire (or once it was erased). Nothing of the answers themselves: only what the
therapist needs to give the session. The caller decides who may see it (`can_see_screening_details`)
and logs the sheet as a read of health data.

One query (the technique's zones and the names of zones to leave out); the appointment comes with
its service, technique and questionnaire, and the questionnaire's doctor's notes prefetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Area, Modifier
from reflexology import session_map
from reflexology.footmap import DrawnView
from reflexology.models import Zone

# What each modifier asks of the therapist, as an instruction to read at a glance.
INSTRUCTIONS = {
    Modifier.GENTLE_PRESSURE: _("Gentle pressure only."),
    Modifier.NO_POINT_PRESSURE: _("No sustained thumb or knuckle point work."),
    Modifier.NO_STICKS: _("No sticks."),
    Modifier.NO_VACUUM: _("No vacuum cups."),
    Modifier.NO_ELECTRIC_DEVICE: _("No electric devices."),
    Modifier.NO_HEAT: _("No heat: no warming cream, hot towels or heated devices."),
    Modifier.NO_FORCED_JOINT_MOVES: _("No toe pulling, forceful rotation or stretching."),
    Modifier.NO_DEEP_CALF_WORK: _("No deep calf work."),
    Modifier.SHORT_SESSION: _("Keep the session short."),
    Modifier.DELAY_START: _("Start a little later (not straight after a meal)."),
    Modifier.FRAGRANCE_FREE: _("Fragrance-free products only."),
    Modifier.NUT_FREE_OIL: _("Nut-free oil only."),
    Modifier.GLOVES: _("Wear gloves."),
    Modifier.SKIN_CHECK: _("Check the skin of both feet first, and again at the end."),
    Modifier.SLOW_RISE: _("Let the client sit up slowly; offer water."),
    Modifier.CALM_PACE: _("Calm, slow strokes; nothing vigorous."),
}


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    drawn: bool  # False: named in words only (the spot the client described)


@dataclass
class SessionPlan:
    technique_name: str
    worked: list[str]  # zone names, in the data set's order
    avoid: list[Place]
    gentle: list[Place]
    instructions: list[str]
    therapist_notes: list[str]
    clinician_limits: list[str]
    views: list[DrawnView] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # zone slug -> name, of the zones named above
    described: str = ""  # the client's own words for "the spot I described" (the sheet only: logged)

    @property
    def drawn_avoid(self) -> list[Place]:
        return [place for place in self.avoid if place.drawn]


def session_plan(appointment, *, uid: str = "sheet", described: bool = False) -> SessionPlan | None:
    """What the therapist needs for this session, with the foot map drawn for it (one query).

    `described`: add the client's own description of the spot to leave out, when the rules say
    so (the sheet, whose every opening is logged; not the appointment page).
    """
    questionnaire = appointment.questionnaire
    if questionnaire is None or questionnaire.anonymised_at is not None:
        return None
    technique = appointment.service.technique
    at = min(timezone.now(), appointment.start)
    areas, gentle = questionnaire.areas_for(technique), questionnaire.gentle_areas_for(technique)
    area_names = dict(Area.choices)
    zone_codes = [code for code in areas + gentle if code not in area_names]
    rows = Zone.objects.filter(Q(slug__in=zone_codes) | Q(techniques=technique.pk)).values_list(
        "slug", "name", "techniques"
    )
    names = {
        **{code: str(name) for code, name in area_names.items()},
        **{slug: name for slug, name, _t in rows},
    }
    worked = list(dict.fromkeys(slug for slug, _name, of in rows if of == technique.pk))
    drawable = session_map.known(areas)
    cleared = questionnaire.cleared_for(technique, at)
    clinician = list(cleared.therapist_notes) if cleared else []
    return SessionPlan(
        technique_name=technique.name,
        worked=[names[slug] for slug in worked],
        avoid=[Place(code, names.get(code, code), code in drawable) for code in areas],
        gentle=[Place(code, names.get(code, code), False) for code in gentle],
        instructions=[
            str(INSTRUCTIONS.get(code, Modifier(code).label if code in Modifier.values else code))
            for code in questionnaire.modifiers_for(technique, at)
        ],
        therapist_notes=[
            note for note in questionnaire.therapist_notes_for(technique, at) if note not in clinician
        ],
        clinician_limits=clinician,
        views=session_map.session_views(worked=worked, avoid=drawable, uid=uid),
        names={slug: name for slug, name, _t in rows},
        described=questionnaire.areas_to_avoid if described and Area.AFFECTED_SITE in areas else "",
    )
