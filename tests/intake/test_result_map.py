"""The client's result page draws the places their sessions leave out, in their words (R11)."""

import re

from django.urls import reverse

from intake.links import result_token
from reflexology.models import Zone
from tests.bookings.factories import make_questionnaire

PREGNANCY_AREAS = ["ankle_medial", "ankle_lateral", "uterus-prostate", "heel-centre", "affected_site"]


def result_html(client, questionnaire) -> str:
    return client.get(
        reverse("intake:result", kwargs={"token": result_token(questionnaire)})
    ).content.decode()


def test_the_result_page_names_and_hatches_the_places_we_keep_away_from_without_codes(client, db):
    Zone.objects.create(
        slug="uterus-prostate",
        name="Uterus and prostate",
        surface="medial",
        region="inner_edge",
        body_parts="x",
    )
    Zone.objects.create(
        slug="heel-centre", name="Centre of the heel", surface="plantar", region="heel", body_parts="x"
    )
    questionnaire = make_questionnaire(
        screening={"classical": {"outcome": "needs_clearance", "areas": PREGNANCY_AREAS}}
    )

    html = result_html(client, questionnaire)

    assert "we will keep away from these areas" in html
    assert "the hollow just below the inner ankle bone" in html and "the spot you told us about" in html
    assert "the “Uterus and prostate” area of the foot map" in html
    # Two ankle hollows, the pelvic zone and the heel's centre, each on both feet.
    assert len(re.findall(r'class="fm-zone [\w-]+ is-avoid"', html)) == 8
    text = re.sub(r"<[^>]+>", " ", html)
    for code in ("ankle_medial", "affected_site", "uterus-prostate", "avoid_area", "needs_clearance"):
        assert code not in text, code


def test_no_places_to_leave_out_means_no_drawing(client, db):
    questionnaire = make_questionnaire(screening={"classical": {"outcome": "proceed"}})

    assert "fm-session" not in result_html(client, questionnaire)
