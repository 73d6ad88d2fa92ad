"""{% who_should_wait technique %}: kind words from the rules in force, in a fixed number of queries."""

import pytest
from django.template import Context, Template

from intake.models import Condition, PolicyChoice, PolicyVariant, ScreeningRule
from tests.utils import assert_csp_clean  # noqa: F401  (the panel is plain HTML, checked below)

pytestmark = pytest.mark.django_db


def render(technique) -> str:
    return Template("{% load intake_tags %}{% who_should_wait technique %}").render(
        Context({"technique": technique})
    )


POSTPONE = "Please postpone your visit"
NOT_OFFERED = "This technique is not offered"
NOTE_FIRST = "A short note from your doctor first"


def section(html: str, heading: str) -> str:
    if heading not in html:
        return ""
    return html.split(heading, 1)[1].split("</ul>", 1)[0]


def test_reflexology_lists_who_should_wait_and_who_needs_a_note(rules_in_db, techniques):
    reflexology = next(t for t in techniques if t.slug == "reflexology")

    html = render(reflexology)

    assert "a raised temperature" in section(html, POSTPONE)
    not_for = section(html, NOT_OFFERED)
    assert "<li>diabetes</li>" in not_for
    assert "<li>pregnancy</li>" in not_for  # refused as a whole (seed-strict): no narrower lines
    assert "first 13 weeks" not in not_for
    assert "<li>varicose veins</li>" in not_for  # seed-strict default
    assert "a raised temperature" not in not_for
    note_first = section(html, NOTE_FIRST)
    assert "an operation in the last six months" in note_first
    assert "<li>pregnancy" not in note_first
    assert "contraindicat" not in html.lower()
    assert 'href="/intake/"' in html


def test_classical_massage_needs_a_note_for_diabetes_rather_than_refusing(rules_in_db, techniques):
    html = render(next(t for t in techniques if t.slug == "classical"))

    assert "diabetes" in section(html, NOTE_FIRST)
    assert "diabetes" not in section(html, NOT_OFFERED)
    assert "the first 13 weeks of pregnancy" in section(html, NOT_OFFERED)
    assert "pregnancy from week 14" in section(html, NOTE_FIRST)


def test_the_panel_follows_the_policy_in_force(rules_in_db):
    PolicyChoice.objects.create(
        condition=Condition.objects.get(key="varicose_veins"), variant=PolicyVariant.RECOMMENDED
    )

    html = render("classical")

    assert "large or painful varicose veins" in section(html, NOTE_FIRST)
    assert "varicose" not in section(html, NOT_OFFERED)


def test_a_kind_key_works_as_well_as_a_technique(rules_in_db):
    assert "Thai massage with sticks" not in render("thai_sticks")
    assert "sticks" not in render("thai_sticks").split("<h2", 1)[0]
    assert "diabetes" in render("thai_sticks")


def test_the_panel_uses_a_fixed_number_of_queries(rules_in_db, django_assert_num_queries):
    with django_assert_num_queries(4):
        render("devices")
    condition = Condition.objects.get(key="fever")
    for i in range(50):
        ScreeningRule.objects.create(
            condition=condition,
            key=f"extra-{i}",
            outcome="decline",
            client_message="x",
            next_step="y",
            audience=f"extra reason {i}",
        )
    with django_assert_num_queries(4):
        html = render("devices")
    assert "extra reason 49" in html


def test_nothing_is_shown_when_no_rule_applies(db):
    assert render("classical").strip() == ""
