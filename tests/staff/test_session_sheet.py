"""The therapist's session sheet and the screening drawn on the foot map (staff.session_sheet,
staff/views/sheet.py, reflexology.session_map), and the client's version on the result page."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake.models import Area, HealthAccessLog
from intake.screening import screen
from reflexology import footmap, session_map
from reflexology.models import Zone
from tests.intake.conftest import RECOMMENDED_RULES, SEED_RULES
from tests.staff.conftest import SECRET_MEDICINE
from tests.utils import assert_csp_clean

RULE_AREAS = sorted(
    {
        area
        for row in json.loads((Path(settings.BASE_DIR) / "fixtures" / "screening_rules.json").read_text())
        for area in (*row["fields"]["areas"], *row["fields"]["gentle_areas"])
    }
)
# Where the client showed us: no fixed place on a chart, so it is named in words (with their own
# description on the sheet), never drawn.
WORDS_ONLY = {Area.AFFECTED_SITE}


def hatched(views) -> dict[str, set[str]]:
    """{place code: the feet it is hatched on} over the drawn views."""
    found: dict[str, set[str]] = {}
    for view in views:
        for foot in view.feet:
            for shape in foot.shapes:
                if "is-avoid" in shape.css.split():
                    found.setdefault(shape.zone, set()).add(foot.foot)
    return found


def sheet_url(appointment) -> str:
    return reverse("staff:session_sheet", args=[appointment.pk])


# --- The drawing against the rule table -----------------------------------------------------------


def test_the_rule_table_is_read():
    assert len(RULE_AREAS) >= 10 and "ankle_medial" in RULE_AREAS


@pytest.mark.parametrize("code", RULE_AREAS)
def test_every_area_the_rules_can_produce_is_hatched_on_the_drawing(code):
    if code in WORDS_ONLY:
        assert code not in session_map.known([code])
        return
    assert code in footmap.zone_slugs() | footmap.area_codes(), f"{code}: nothing on the drawing"

    views = session_map.session_views(avoid=session_map.known([code]))

    assert views, code
    feet = hatched(views).get(code, set())
    expected = {"foot_left": {"left"}, "foot_right": {"right"}}.get(code)
    assert feet == (expected or feet) and feet, code
    assert all(view.hatch_id for view in views)


def test_every_area_code_of_the_drawing_is_one_the_rules_know():
    assert footmap.area_codes() <= set(Area.values)


PREGNANCY = {
    "pregnancy": True,
    "pregnancy_weeks": "t2",
    "pregnancy_complications": [],
    "pregnancy_midwife_knows": "yes",
}


def test_a_pregnancy_profile_hatches_the_ankles_the_pelvic_zones_and_the_heel():
    result = screen(PREGNANCY, techniques=["classical"], rules=SEED_RULES).results["classical"]

    views = session_map.session_views(avoid=session_map.known(result.areas))

    assert set(hatched(views)) == {
        "ankle_medial", "ankle_lateral", "uterus-prostate", "ovary-testis", "heel-centre",
        "lower_leg_above_inner_ankle", "dorsal-1-2",
    }  # fmt: skip
    assert all(feet == {"left", "right"} for feet in hatched(views).values())
    assert [view.key for view in views] == ["plantar", "dorsal", "medial", "lateral"]


def test_a_varicose_vein_profile_hatches_nothing_and_names_the_spot_in_words():
    answers = {"varicose_veins": True, "veins_marked": "no", "veins_hot": "no"}
    result = screen(answers, techniques=["classical"], rules=RECOMMENDED_RULES).results["classical"]

    assert result.areas == ("affected_site",)
    assert "no_deep_calf_work" in result.modifiers
    views = session_map.session_views(avoid=session_map.known(result.areas))
    assert hatched(views) == {}
    assert [view.key for view in views] == ["plantar"]


# --- The sheet -----------------------------------------------------------------------------------


def test_the_therapist_opens_the_sheet_and_the_read_is_logged(client, studio):
    client.force_login(studio.user("therapist"))

    response = client.get(sheet_url(studio.appointment))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Clara" in html and "Clara Client" not in html, "the first name only"
    assert "Gentle pressure only." in html and "Wear gloves." in html
    assert "Bruise on the left heel: keep well away." in html
    assert "the heel" in html and "not on the drawing" in html
    assert set(hatched(response.context["plan"].views)) == {"heel", "solar-plexus"}
    for private in (SECRET_MEDICINE, "client@example.com", "+7 900", "₽2,500"):
        assert private not in html
    assert "@media print" in (Path(settings.BASE_DIR) / "static/css/session-sheet.css").read_text()
    log = HealthAccessLog.objects.get()
    assert (log.user, log.questionnaire, log.via) == (studio.user("therapist"), studio.questionnaire, "staff")
    assert_csp_clean(response)


def test_the_sheet_quotes_the_clients_own_words_for_the_spot_and_the_page_does_not(client, studio):
    type(studio.questionnaire).objects.filter(pk=studio.questionnaire.pk).update(
        areas_to_avoid="Scar on the left arch"
    )
    client.force_login(studio.user("therapist"))

    assert "Scar on the left arch" in client.get(sheet_url(studio.appointment)).content.decode()
    page = client.get(reverse("staff:appointment", args=[studio.appointment.pk])).content.decode()
    assert "Scar on the left arch" not in page, "the page is not logged: the client's words stay on the sheet"


@pytest.mark.parametrize("role", ["reception", "other_therapist"])
def test_the_sheet_is_refused_without_the_permission_or_for_another_therapists_client(client, studio, role):
    client.force_login(studio.user(role))

    response = client.get(sheet_url(studio.appointment))

    assert response.status_code == 403
    assert "Gentle pressure" not in response.content.decode()
    assert HealthAccessLog.objects.count() == 0


def test_the_sheet_asks_for_a_sign_in_and_logs_nothing_for_a_visitor(client, studio):
    response = client.get(sheet_url(studio.appointment))

    assert response.status_code == 302
    assert HealthAccessLog.objects.count() == 0


def test_a_session_without_a_questionnaire_has_a_sheet_and_no_log(client, studio):
    client.force_login(studio.user("manager"))

    response = client.get(sheet_url(studio.boris_appointment))

    assert response.status_code == 200
    assert "No health questionnaire" in response.content.decode()
    assert HealthAccessLog.objects.count() == 0


def test_the_sheet_shades_the_zones_the_technique_works(client, studio):
    zones = [
        Zone.objects.create(
            slug=slug, name=slug.title(), surface="plantar", region="arch_upper", body_parts="x"
        )
        for slug in ("liver", "kidneys")
    ]
    studio.service.technique.zones.add(*zones)
    client.force_login(studio.user("therapist"))

    plan = client.get(sheet_url(studio.appointment)).context["plan"]

    lit = {
        shape.zone
        for view in plan.views
        for foot in view.feet
        for shape in foot.shapes
        if "is-lit" in shape.css
    }
    assert lit == {"liver", "kidneys"}
    assert sorted(plan.worked) == ["Kidneys", "Liver"]


# session, user, permissions (2), the appointment (with service, technique, therapist, room and
# questionnaire), doctor's notes, the access log line, the technique's zones and the zones to leave out.
SHEET_QUERIES = 8


def test_the_sheet_runs_a_fixed_number_of_queries(client, studio):
    client.force_login(studio.user("therapist"))
    counts = []
    for extra in (0, 20):
        for index in range(extra):
            Zone.objects.create(
                slug=f"z-{index}", name=f"Z {index}", surface="plantar", region="arch_upper", body_parts="x"
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(sheet_url(studio.appointment)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts == [SHEET_QUERIES, SHEET_QUERIES]


def test_the_appointment_page_draws_the_plan_and_links_the_sheet_for_the_therapist(client, studio):
    client.force_login(studio.user("therapist"))

    html = client.get(reverse("staff:appointment", args=[studio.appointment.pk])).content.decode()

    assert sheet_url(studio.appointment) in html
    assert "fm-session" in html and "Hatched: leave out" in html
    assert HealthAccessLog.objects.count() == 0, (
        "the page is not the sheet: opening the sheet is the logged read"
    )
