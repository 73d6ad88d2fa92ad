"""Fixtures for the intake tests: the shipped rules (with no database), techniques, questionnaires."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from intake.models import PolicyVariant
from intake.rules import RuleSet, build_rules
from tests.db import kept_for_the_module, refuse_transactional, replayed

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


def fixture_rows() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {"intake.condition": [], "intake.followup": [], "intake.screeningrule": []}
    for name in ("conditions.json", "screening_rules.json"):
        for item in json.loads((FIXTURE_DIR / name).read_text()):
            rows[item["model"]].append(item["fields"])
    return rows


def fixture_rules(variant: str = PolicyVariant.SEED) -> RuleSet:
    """The shipped rules with every reviewable condition set to `variant`, built without a database."""
    rows = fixture_rows()
    conditions = {row["condition"][0] for row in rows["intake.screeningrule"] if row["policy"] != "always"}
    return build_rules(
        conditions=rows["intake.condition"],
        follow_ups=rows["intake.followup"],
        rules=rows["intake.screeningrule"],
        policies=dict.fromkeys(conditions, variant),
    )


SEED_RULES = fixture_rules(PolicyVariant.SEED)
RECOMMENDED_RULES = fixture_rules(PolicyVariant.RECOMMENDED)
STRICT_RULES = fixture_rules(PolicyVariant.STRICT)


@pytest.fixture(scope="module")
def rules_for_the_module(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        replayed("loaddata", str(FIXTURE_DIR / "conditions.json"), str(FIXTURE_DIR / "screening_rules.json"))
        yield


@pytest.fixture
def rules_in_db(request, rules_for_the_module, db):
    """conditions.json and screening_rules.json loaded (they depend on no other fixture), once per module;
    each test's changes to them are rolled back."""
    refuse_transactional(request, "rules_in_db")


@pytest.fixture
def techniques(db):
    from tests.intake.factories import make_techniques

    return make_techniques()
