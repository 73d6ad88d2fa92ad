"""The technique list, technique pages and the evidence page, rendered from the fixtures."""

import pytest
from django.urls import reverse

from reflexology.models import Claim, Technique
from tests.utils import assert_csp_clean

LIST_QUERIES = 2  # body systems for the filter, techniques
DETAIL_QUERIES = 11  # technique, steps, claims, zones, their systems, related techniques,
# + the screening rules for "Is this right for you?" (4) and the services for "Book this" (1)


def test_technique_list_shows_every_published_technique_as_a_card(client, reference):
    response = client.get(reverse("bookings:technique_list"))
    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    for technique in Technique.objects.published():
        assert technique.get_absolute_url() in html
        assert technique.name in html
    assert "In the studio" in html and "At home" in html
    assert "about 30 min" in html and "10\u201315 min" in html  # durations from the seeds
    assert "Length varies" in html  # no duration in the seeds
    assert "firm pressure" in html and "gentle pressure" in html
    assert "/static/img/techniques/thai_sticks.svg" in html  # our own drawing when there is no upload
    assert 'href="/static/css/reflexology.css"' in html


def test_unpublished_techniques_are_hidden_everywhere(client, reference):
    Technique.objects.filter(slug="vacuum").update(published=False)
    assert "/techniques/vacuum/" not in client.get(reverse("bookings:technique_list")).content.decode()
    assert client.get("/techniques/vacuum/").status_code == 404
    assert "Vacuum" not in client.get("/search/", {"q": "vacuum"}).content.decode().split("<main")[1]


@pytest.mark.parametrize(
    "slug", ["classical", "reflexology", "thai-sticks", "self-massage", "evening-self-massage"]
)
def test_technique_page_shows_steps_durations_claims_and_zones(client, reference, slug):
    technique = Technique.objects.get(slug=slug)
    response = client.get(technique.get_absolute_url())
    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    assert f"<h1>{technique.name}</h1>" in html
    assert '<ol class="steps technique-steps">' in html
    for step in technique.steps.all():
        assert step.text.replace("'", "&#x27;") in html
        if step.duration_note:
            assert step.duration_note in html
    for claim in technique.claims.all():
        assert (claim.text.replace("'", "&#x27;") in html) == claim.published
    for zone in technique.zones.all():
        assert zone.get_absolute_url() in html
    assert reverse("reflexology:evidence") in html
    assert reverse("reflexology:foot_map") in html


def test_claims_carry_their_evidence_labels(client, reference):
    html = client.get("/techniques/reflexology/").content.decode()
    assert "Supported by research" in html and "Traditional belief" in html
    assert "Not supported" not in html
    assert Claim.objects.filter(technique__slug="reflexology", published=False).count() >= 5


def test_technique_page_passes_zones_with_systems_to_the_zone_map_include(
    client, reference, django_assert_num_queries
):
    response = client.get("/techniques/reflexology/")
    assert "reflexology/includes/_technique_zone_map.html" in [t.name for t in response.templates]
    zones = response.context["zones"]
    assert response.context["technique"].slug == "reflexology"
    assert [zone.slug for zone in zones] == list(
        Technique.objects.get(slug="reflexology").zones.order_by("order").values_list("slug", flat=True)
    )
    with django_assert_num_queries(0):
        assert all(zone.systems.all() is not None and list(zone.systems.all()) for zone in zones)


def test_home_routines_read_as_instructions_and_studio_ones_as_a_session(client, reference):
    assert "How to do it" in client.get("/techniques/self-massage/").content.decode()
    assert "What happens in a session" in client.get("/techniques/classical/").content.decode()


def test_unknown_technique_is_a_404_in_the_site_style(client, reference):
    response = client.get("/techniques/no-such-massage/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'class="site-header"' in html


@pytest.mark.parametrize(
    "path", ["/techniques/%00/", "/techniques/classical%20/", "/techniques/" + "a" * 300 + "/"]
)
def test_odd_technique_paths_are_not_found_never_an_error(client, reference, path):
    assert client.get(path).status_code == 404


def test_pages_only_answer_reads(client, reference):
    for url in ["/techniques/", "/techniques/classical/", "/reflexology-and-evidence/", "/search/?q=heel"]:
        assert client.post(url).status_code == 405


def test_evidence_page_is_honest_and_linked(client, reference):
    response = client.get(reverse("reflexology:evidence"))
    assert response.status_code == 200
    assert_csp_clean(response)
    html = response.content.decode()
    for fact in [
        "Ernst",
        "2009",
        "2014",
        "no convincing evidence",
        "Maps differ between schools",
        "never a diagnosis",
    ]:
        assert fact in html, fact
    assert "pubmed.ncbi.nlm.nih.gov/19740047" in html and "PMC4026838" in html


def test_evidence_page_is_linked_from_technique_pages_and_the_list(client, reference):
    evidence = reverse("reflexology:evidence")
    assert evidence in client.get("/techniques/").content.decode()
    assert evidence in client.get("/techniques/relaxing/").content.decode()


# --- Fixed numbers of queries, also with ten times the data -----------------------------------


def test_list_query_count_is_fixed(client, reference, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        client.get("/techniques/")
    with django_assert_num_queries(LIST_QUERIES):
        client.get("/techniques/", {"kind": "therapeutic", "system": "digestive", "setting": "studio"})


def test_list_query_count_does_not_grow_with_ten_times_the_data(client, tenfold, django_assert_num_queries):
    assert Technique.objects.count() == 140
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/techniques/")
    assert len(response.context["techniques"]) == 140
    with django_assert_num_queries(LIST_QUERIES):
        client.get("/techniques/", {"system": "digestive"})


def test_detail_query_count_is_fixed(client, reference, django_assert_num_queries):
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get("/techniques/reflexology/")


def test_detail_query_count_does_not_grow_with_ten_times_the_data(client, tenfold, django_assert_num_queries):
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get("/techniques/reflexology-7/")
    assert response.status_code == 200
    assert len(response.context["zones"]) == Technique.objects.get(slug="reflexology").zones.count()


def test_evidence_page_needs_no_queries(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get(reverse("reflexology:evidence"))


# --- Uploaded images take the place of our drawings ------------------------------------------


def test_uploaded_card_image_replaces_the_drawing(client, reference):
    technique = Technique.objects.get(slug="classical")
    technique.image = "techniques/classical.jpg"
    technique.image_card = "techniques/cards/classical-card.jpg"
    technique.image_alt = "A therapist's hands on a client's foot"
    technique.save()
    html = client.get("/techniques/").content.decode()
    assert "/media/techniques/cards/classical-card.jpg" in html
    assert "A therapist&#x27;s hands on a client&#x27;s foot" in html
    detail = client.get("/techniques/classical/").content.decode()
    assert "/media/techniques/classical.jpg" in detail
