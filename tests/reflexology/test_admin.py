"""The admin for every reference model: lists, filters, search and forms load."""

import pytest
from django.urls import reverse

from reflexology.models import BodySystem, Claim, Technique, TechniqueStep, Zone

MODELS = [BodySystem, Zone, Technique, TechniqueStep, Claim]


def admin_url(model, action, *args):
    return reverse(f"admin:reflexology_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_load(admin_client, reference, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "params", "expected"),
    [
        (Zone, {"q": "heel"}, "Pelvis, sciatic nerve and legs"),
        (Zone, {"surface__exact": "lateral"}, "Arm and elbow"),
        (Zone, {"origin__exact": "differs"}, "Gallbladder"),
        (Technique, {"kind__exact": "therapeutic"}, "Supportive massage for arthrosis"),
        (Technique, {"q": "sticks"}, "Thai foot massage with sticks"),
        (Claim, {"published__exact": "0", "evidence__exact": "unsupported"}, "Removes toxins"),
        (TechniqueStep, {"q": "socks"}, "Put on a pair of socks"),
        (BodySystem, {"q": "breathing"}, "Lungs and breathing"),
    ],
)
def test_changelists_filter_and_search(admin_client, reference, model, params, expected):
    response = admin_client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_technique_form_has_step_and_claim_inlines_and_a_prepopulated_slug(admin_client, reference):
    html = admin_client.get(admin_url(Technique, "add")).content.decode()
    assert 'name="steps-TOTAL_FORMS"' in html and 'name="claims-TOTAL_FORMS"' in html
    assert "data-prepopulated-fields=" in html and "&quot;#id_slug&quot;" in html
    change = admin_client.get(admin_url(Technique, "change", Technique.objects.get(slug="classical").pk))
    assert "No picture yet" in change.content.decode()


def test_publishing_an_unsupported_claim_is_refused(admin_client, reference):
    claim = Claim.objects.filter(evidence=Claim.Evidence.UNSUPPORTED).first()
    response = admin_client.post(
        admin_url(Claim, "change", claim.pk),
        {
            "technique": claim.technique_id,
            "order": claim.order,
            "text": claim.text,
            "evidence": "unsupported",
            "note": claim.note,
            "published": "on",
            "source": claim.source,
        },
    )
    assert response.status_code == 200
    assert "cannot be published" in response.content.decode()
    claim.refresh_from_db()
    assert not claim.published


def test_admin_needs_staff(client, reference):
    response = client.get(admin_url(Technique, "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
