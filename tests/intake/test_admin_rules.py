"""Managers edit the rules in the admin and switch a condition between seed and recommended rules."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from intake.models import Condition, PolicyChoice, ScreeningRule
from intake.rules import load_rules
from intake.screening import screen
from tests.utils import in_both_languages

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, rules_in_db):
    user = User.objects.create_superuser("manager", password="pw")
    client.force_login(user)
    return user


def test_the_rule_admin_pages_render(client, manager, django_assert_max_num_queries):
    rule = ScreeningRule.objects.get(condition__key="diabetes", key="reflexology")

    for url in (
        reverse("admin:intake_condition_changelist"),
        reverse("admin:intake_condition_change", args=[rule.condition_id]),
        reverse("admin:intake_screeningrule_changelist"),
        reverse("admin:intake_screeningrule_change", args=[rule.pk]),
        reverse("admin:intake_policychoice_changelist"),
        reverse("admin:intake_questionnaire_changelist"),
        reverse("admin:intake_healthaccesslog_changelist"),
    ):
        assert client.get(url).status_code == 200, url


def test_the_condition_list_query_count_is_fixed(client, manager, django_assert_num_queries):
    url = reverse("admin:intake_condition_changelist") + "?all="
    client.get(url)
    with django_assert_num_queries(6):
        client.get(url)
    for i in range(30):
        condition = Condition.objects.create(
            key=f"extra_{i}", question="?", short_label="x", category="advisory", group="skin"
        )
        PolicyChoice.objects.create(condition=condition)
    with django_assert_num_queries(6):
        client.get(url)


def test_a_manager_switches_a_condition_to_the_recommended_rules_and_back(client, manager):
    veins = {"varicose_veins": True, "veins_marked": "no", "veins_hot": "no"}
    condition = Condition.objects.get(key="varicose_veins")
    changelist = reverse("admin:intake_condition_changelist")

    response = client.post(
        changelist, {"action": "use_recommended_policy", "_selected_action": [condition.pk]}, follow=True
    )

    assert "now uses the “Recommended (current professional practice)” rules" in response.content.decode()
    assert PolicyChoice.objects.get(condition=condition).changed_by == manager
    assert screen(veins, techniques=[]).outcome_for("classical") == "avoid_area"

    client.post(changelist, {"action": "use_seed_policy", "_selected_action": [condition.pk]})
    assert screen(veins, techniques=[]).outcome_for("classical") == "decline"


def test_switching_a_condition_without_alternative_rules_changes_nothing(client, manager):
    fever = Condition.objects.get(key="fever")

    response = client.post(
        reverse("admin:intake_condition_changelist"),
        {"action": "use_recommended_policy", "_selected_action": [fever.pk]},
        follow=True,
    )

    assert "has no alternative rules" in response.content.decode()
    assert not PolicyChoice.objects.exists()


def test_staff_without_the_policy_permission_cannot_switch(client, rules_in_db):
    from django.contrib.auth.models import Permission

    user = User.objects.create_user("clerk", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_condition", "change_condition"]))
    client.force_login(user)
    condition = Condition.objects.get(key="varicose_veins")

    client.post(
        reverse("admin:intake_condition_changelist"),
        {"action": "use_recommended_policy", "_selected_action": [condition.pk]},
    )

    assert not PolicyChoice.objects.exists()


def test_a_new_contraindication_is_a_new_row_not_code(client, manager):
    condition = Condition.objects.create(
        key="hot_stone_sensitivity",
        question="Are you sensitive to heat on your skin?",
        short_label="heat-sensitive skin",
        category="conditional",
        group="skin",
    )
    ScreeningRule.objects.create(
        condition=condition,
        key="heat",
        kinds=["devices"],
        outcome="decline",
        client_message="Our heated devices would not suit your skin.",
        next_step="A hands-on massage suits you better.",
    )

    screening = screen({"hot_stone_sensitivity": True}, techniques=[("vacuum", "devices")])

    assert screening.outcome_for("vacuum") == "decline"
    assert screening.reasons_for("vacuum") == ["Our heated devices would not suit your skin."]
    assert "Are you sensitive to heat on your skin?" in client.get("/intake/").content.decode()


def test_the_rule_form_refuses_unknown_areas_modifiers_and_follow_up_answers(client, manager):
    from reflexology.models import Zone

    Zone.objects.create(slug="heart", name="Heart", surface="plantar", region="ball", body_parts="heart")
    rule = ScreeningRule.objects.get(condition__key="pregnancy", key="first-trimester")
    url = reverse("admin:intake_screeningrule_change", args=[rule.pk])

    response = client.post(
        url,
        in_both_languages(
            {
                "condition": rule.condition_id,
                "key": rule.key,
                "order": 10,
                "policy": "always",
                "answer": "yes_or_not_sure",
                "when": '{"pregnancy_weeks": ["t9"]}',
                "outcome": "decline",
                "areas": "moon, heart",
                "client_message": "Wait, please.",
            },
            ScreeningRule,
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Unknown area moon" in html
    assert "Answers for pregnancy_weeks are chosen from" in html
    rule.refresh_from_db()
    assert rule.when == {"pregnancy_weeks": ["t1", "not_sure"]}


def test_the_database_refuses_a_hold_without_its_post_clearance_outcome(rules_in_db):
    from django.db import IntegrityError

    condition = Condition.objects.get(key="diabetes")
    with pytest.raises(IntegrityError):
        ScreeningRule.objects.create(
            condition=condition, key="broken", outcome="needs_clearance", client_message="x"
        )


def test_rules_version_changes_when_a_rule_changes(rules_in_db):
    before = load_rules().version
    ScreeningRule.objects.filter(condition__key="fever").update(
        outcome="needs_clearance", outcome_after_clearance="modify"
    )

    assert load_rules().version != before


def test_a_manager_chooses_the_stricter_pregnancy_reading(client, manager):
    second_trimester = {
        "pregnancy": True,
        "pregnancy_weeks": "t2",
        "pregnancy_complications": ["none"],
        "pregnancy_midwife_knows": "yes",
    }
    condition = Condition.objects.get(key="pregnancy")
    assert screen(second_trimester, techniques=[]).outcome_for("relaxing") == "needs_clearance"

    client.post(
        reverse("admin:intake_condition_changelist"),
        {"action": "use_strict_policy", "_selected_action": [condition.pk]},
    )

    assert PolicyChoice.objects.get(condition=condition).variant == "strict"
    assert screen(second_trimester, techniques=[]).outcome_for("relaxing") == "decline"
    # The stricter reading keeps the seed-strict rules (reflexology stays declined in T3).
    third = {**second_trimester, "pregnancy_weeks": "t3"}
    assert screen(third, techniques=[]).outcome_for("reflexology") == "decline"


def test_a_note_for_a_pregnancy_says_its_week_and_none_is_offered_for_an_absolute_condition(manager):
    from intake.admin import ClearanceForm

    form = ClearanceForm(
        data={"condition_key": "pregnancy", "issued_on": "2026-12-01", "valid_until": "2027-01-01"}
    )

    assert not form.is_valid()
    assert "covers only that trimester" in str(form.errors["pregnancy_week"])
    offered = {value for value, _label in form.fields["condition_key"].choices}
    assert "pregnancy" in offered and "fever" not in offered and "blood_clot_current" not in offered
