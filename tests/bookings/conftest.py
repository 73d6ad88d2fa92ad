"""Fixtures for the bookings tests: a known studio zone and currency, and the booking rules."""

import pytest

from bookings.models import BookingPolicy


@pytest.fixture(autouse=True)
def studio_settings(settings):
    """Tests do not depend on the machine's STUDIO_* environment."""
    settings.TIME_ZONE = "Europe/Moscow"
    settings.STUDIO_CURRENCY = "RUB"
    settings.STUDIO_PHONE = "+7 495 000-00-00"
    return settings


@pytest.fixture
def set_policy(db):
    """Save the booking rules with some fields changed: set_policy(slot_step_minutes=30)."""

    def save(**fields) -> BookingPolicy:
        policy = BookingPolicy.current()
        for name, value in fields.items():
            setattr(policy, name, value)
        policy.save()
        return policy

    return save
