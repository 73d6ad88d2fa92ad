"""Fixtures for the reference-content tests."""

import pytest

from reflexology.models import BodySystem, Claim, Technique, TechniqueStep, Zone
from tests.db import kept_for_the_module, refuse_transactional, replayed

REFERENCE_FIXTURES = ["fixtures/body_systems.json", "fixtures/zones.json", "fixtures/techniques.json"]


@pytest.fixture(scope="module")
def reference_for_the_module(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        replayed("loaddata", *REFERENCE_FIXTURES)
        yield


@pytest.fixture
def reference(request, reference_for_the_module, db):
    """Only this app's part of the content data set (systems, zones, techniques), loaded once per module;
    each test's changes to it are rolled back."""
    refuse_transactional(request, "reference")


@pytest.fixture
def tenfold(reference):
    """Nine more copies of every system, zone and technique (with steps, claims and zones): 10x the data."""
    systems = list(BodySystem.objects.all())
    zones = list(Zone.objects.prefetch_related("systems"))
    techniques = list(Technique.objects.prefetch_related("steps", "claims", "zones"))
    for copy in range(1, 10):
        new_systems = {
            system.pk: BodySystem.objects.create(
                slug=f"{system.slug}-{copy}",
                name=f"{system.name} {copy}",
                colour=system.colour,
                order=system.order,
            )
            for system in systems
        }
        new_zones = {}
        for zone in zones:
            new_zone = Zone.objects.create(
                slug=f"{zone.slug}-{copy}",
                name=f"{zone.name} {copy}",
                foot=zone.foot,
                surface=zone.surface,
                region=zone.region,
                body_parts=zone.body_parts,
                description=zone.description,
                origin=zone.origin,
                order=zone.order + copy,
            )
            new_zone.systems.set([new_systems[system.pk] for system in zone.systems.all()])
            new_zones[zone.pk] = new_zone
        for technique in techniques:
            new_technique = Technique.objects.create(
                slug=f"{technique.slug}-{copy}",
                name=f"{technique.name} {copy}",
                kind=technique.kind,
                setting=technique.setting,
                summary=technique.summary,
                body=technique.body,
                duration_min=technique.duration_min,
                duration_max=technique.duration_max,
                intensity=technique.intensity,
                suits=technique.suits,
                order=technique.order + copy,
            )
            new_technique.zones.set([new_zones[zone.pk] for zone in technique.zones.all()])
            TechniqueStep.objects.bulk_create(
                TechniqueStep(technique=new_technique, order=step.order, text=step.text)
                for step in technique.steps.all()
            )
            Claim.objects.bulk_create(
                Claim(
                    technique=new_technique,
                    order=claim.order,
                    text=claim.text,
                    evidence=claim.evidence,
                    note=claim.note,
                    published=claim.published,
                )
                for claim in technique.claims.all()
            )
