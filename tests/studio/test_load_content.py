"""load_content on every deploy: adds what is missing, never overwrites what the owner changed."""

import io

import pytest
from django.core.management import call_command
from django.forms import FileField

from intake.models import ScreeningRule
from reflexology.models import Technique, Zone

pytestmark = pytest.mark.django_db


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_content", *args, stdout=out)
    return out.getvalue()


def test_a_second_run_adds_nothing_and_reports_nothing(content):
    output = load()
    assert "0 rows added, 0 updated" in output
    assert "Kept" not in output


def test_an_edit_made_in_the_admin_is_kept_and_reported(content, admin_client):
    technique = Technique.objects.get(slug="classical")
    shipped_summary = technique.summary
    response = admin_client.get(f"/admin/reflexology/technique/{technique.pk}/change/")
    assert response.status_code == 200
    # The owner's own wording, saved through the admin's form (every field as the form shows it).
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if not isinstance(form.fields[name], FileField)}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({f"{management.prefix}-{name}": management[name].value() for name in management.fields})
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                if isinstance(inline_form.fields[name], FileField):
                    continue
                value = inline_form[name].value()
                if value is not None:
                    data[inline_form.add_prefix(name)] = value
    data["summary_en"] = "Our own words about the classical massage."  # the English column
    data = {key: value for key, value in data.items() if value is not False}
    response = admin_client.post(f"/admin/reflexology/technique/{technique.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    output = load()

    technique.refresh_from_db()
    assert technique.summary == "Our own words about the classical massage."
    assert "Kept technique classical as edited; differs from techniques.json in: summary_en" in output

    output = load("--update")

    technique.refresh_from_db()
    assert technique.summary == shipped_summary
    assert "Updated technique classical (techniques.json): summary_en" in output


def test_a_deleted_row_comes_back_and_a_changed_relation_is_kept(content):
    zone = Zone.objects.get(slug=Zone.objects.order_by("pk").values_list("slug", flat=True)[0])
    systems = set(zone.systems.values_list("pk", flat=True))
    assert systems
    zone.systems.clear()
    rule = ScreeningRule.objects.order_by("pk").first()
    key = (rule.condition_id, rule.key)
    rule.delete()

    output = load()

    assert ScreeningRule.objects.filter(condition_id=key[0], key=key[1]).exists()
    assert "1 rows added" in output
    assert not zone.systems.exists()
    assert f"Kept foot zone {zone.slug} as edited; differs from zones.json in: systems" in output

    load("--update")

    assert set(zone.systems.values_list("pk", flat=True)) == systems
