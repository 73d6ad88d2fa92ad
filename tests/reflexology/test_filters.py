"""Filtering the technique cards by kind, body system and setting, with and without htmx."""

import pytest

from reflexology.models import Technique
from reflexology.selectors import technique_cards
from tests.utils import assert_csp_clean


def slugs(response) -> set[str]:
    return {technique.slug for technique in response.context["techniques"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"kind": "therapeutic"},
            {"therapeutic-flat-feet", "therapeutic-hallux-valgus", "therapeutic-arthrosis"},
        ),
        ({"kind": "devices"}, {"vacuum", "mats-and-devices"}),
        ({"kind": "thai_sticks"}, {"thai-sticks"}),
        ({"kind": "devices", "setting": "home"}, {"mats-and-devices"}),
        ({"kind": "devices", "setting": "studio"}, {"vacuum"}),
        ({"system": "cardiovascular"}, set()),  # no technique lists the heart zone among those it works
        ({"system": "urinary"}, {"reflexology"}),
        ({"kind": "reflexology", "system": "digestive"}, {"reflexology"}),
    ],
)
def test_filters_narrow_the_cards(client, reference, params, expected):
    response = client.get("/techniques/", params)
    assert response.status_code == 200
    assert slugs(response) == expected


def test_system_filter_finds_techniques_through_the_zones_they_work(client, reference):
    found = slugs(client.get("/techniques/", {"system": "digestive"}))
    expected = set(
        Technique.objects.filter(zones__systems__slug="digestive").distinct().values_list("slug", flat=True)
    )
    assert found == expected and len(found) > 5
    assert "thai-sticks" in found  # works the small intestine zone


def test_setting_filter_keeps_techniques_offered_in_both_places(reference):
    Technique.objects.filter(slug="partner-massage").update(setting=Technique.Setting.BOTH)
    assert "partner-massage" in {t.slug for t in technique_cards(setting="studio")}
    assert "partner-massage" in {t.slug for t in technique_cards(setting="home")}


def test_no_match_offers_a_way_back(client, reference):
    response = client.get("/techniques/", {"system": "cardiovascular"})
    html = response.content.decode()
    assert "Nothing matches all of those choices" in html
    assert "See all techniques" in html


def test_the_form_keeps_the_choices_made(client, reference):
    html = client.get("/techniques/", {"kind": "relaxing", "system": "senses"}).content.decode()
    assert '<option value="relaxing" selected>' in html
    assert '<option value="senses" selected>' in html
    assert "Clear the filters" in html


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "shiatsu"},
        {"system": "nonsense"},
        {"setting": "moon"},
        {"kind": "<script>alert(1)</script>"},
        {"kind": "classical\x00"},
        {"system": "x" * 5000},
        {"kind": ["classical", "relaxing"]},
    ],
)
def test_bad_filter_values_get_a_message_and_the_rest_still_works(client, reference, params):
    response = client.get("/techniques/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "We do not recognise that choice" in html or slugs(response)
    assert "<script>alert(1)</script>" not in html
    assert len(slugs(response)) >= 1


def test_a_bad_filter_does_not_throw_away_a_good_one(client, reference):
    response = client.get("/techniques/", {"kind": "therapeutic", "system": "no-such-system"})
    assert slugs(response) == {"therapeutic-flat-feet", "therapeutic-hallux-valgus", "therapeutic-arthrosis"}
    assert "We do not recognise that choice" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_htmx_request_gets_only_the_results_fragment(client, reference):
    response = client.get("/techniques/", {"kind": "relaxing"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "technique-grid" in html
    assert "Relaxing foot massage" in html and "Classical foot massage" not in html
    assert "HX-Request" in response.headers["Vary"]
    # The count sits outside the swapped area (a steady live region) and is updated out of band.
    assert '<p id="results-count" class="results-count" role="status" hx-swap-oob="true">' in html
    assert "4 techniques" in html
    assert "hx-swap-oob" not in client.get("/techniques/", {"kind": "relaxing"}).content.decode()


def test_htmx_history_restore_gets_the_whole_page(client, reference):
    response = client.get(
        "/techniques/",
        {"kind": "relaxing"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_the_filter_form_works_without_javascript(client, reference):
    response = client.get("/techniques/")
    assert_csp_clean(response)
    html = response.content.decode()
    assert 'method="get"' in html and 'action="/techniques/"' in html
    assert 'type="submit"' in html
    assert 'hx-get="/techniques/"' in html and 'hx-target="#technique-results"' in html
