"""Staff sign-in lockouts (django-axes) use the rate limits' client address (common.ratelimit.client_ip):
behind our TLS proxy every request comes from the proxy, so axes must key on the forwarded address,
or anyone could lock a staff account for everyone by failing to sign in as it."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory

from common.ratelimit import client_ip

PROXY = "10.0.0.2"
PASSWORD = "a-long-test-password"


@pytest.fixture
def behind_proxy(settings):
    settings.RATE_LIMIT_TRUST_FORWARDED_FOR = True


@pytest.fixture
def desk(django_user_model):
    return django_user_model.objects.create_user("desk", password=PASSWORD)


def sign_in(client, forwarded_for, password):
    return client.post(
        "/staff/login/",
        {"username": "desk", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_axes_reads_the_client_address_from_the_ratelimit_module():
    assert settings.AXES_CLIENT_IP_CALLABLE == "common.ratelimit.client_ip"


def test_behind_the_proxy_each_forwarded_address_is_locked_out_on_its_own(client, db, desk, behind_proxy):
    attacker = "198.51.100.1, 203.0.113.66"  # the first entry is whatever the client claimed
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, attacker, "wrong")
    assert sign_in(client, attacker, PASSWORD).status_code == 429

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]

    # The member of staff, through the same proxy from their own address, still signs in.
    assert sign_in(client, "203.0.113.7", PASSWORD).status_code == 302


def test_without_the_proxy_the_forwarded_header_is_ignored(client, db, desk):
    sign_in(client, "203.0.113.66", "wrong")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


@pytest.mark.parametrize(
    ("address", "forwarded", "trusted", "expected"),
    [
        ("192.0.2.7", None, False, "192.0.2.7"),
        ("192.0.2.7", "203.0.113.9", False, "192.0.2.7"),
        ("10.0.0.2", "198.51.100.1, 203.0.113.9", True, "203.0.113.9"),
        ("10.0.0.2", "not an address", True, None),
        ("2001:db8:1:2:aaaa::1", None, False, "2001:db8:1:2:aaaa::1"),  # no /64 grouping here
        ("::ffff:192.0.2.7", None, False, "192.0.2.7"),
        ("not an address", None, False, None),
        ("", None, False, None),
    ],
)
def test_client_ip_is_a_plain_address_or_none(settings, address, forwarded, trusted, expected):
    settings.RATE_LIMIT_TRUST_FORWARDED_FOR = trusted
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client_ip(RequestFactory().post("/", REMOTE_ADDR=address, **extra)) == expected


@pytest.fixture
def sign_in_ceiling(settings, shared_cache):
    settings.RATE_LIMIT = True
    return settings.RATE_LIMITS["staff:login"][0]


def test_one_address_trying_many_user_names_meets_a_ceiling(client, db, desk, sign_in_ceiling):
    # As the probe did: wrong passwords over many names, never AXES_FAILURE_LIMIT for any one of them.
    answers = [
        client.post(
            "/staff/login/",
            {"username": f"name-{n}", "password": "Wr0ng-Passw0rd"},
            REMOTE_ADDR="198.51.100.9",
        )
        for n in range(sign_in_ceiling + 5)
    ]

    assert [answer.status_code for answer in answers[:sign_in_ceiling]] == [200] * sign_in_ceiling
    refused = answers[sign_in_ceiling:]
    assert {answer.status_code for answer in refused} == {429}
    page = refused[0].content.decode()
    assert "name-" in page  # what was typed is kept...
    assert "Wr0ng-Passw0rd" not in page  # ...but never the password
    # Even the right password waits now, from that address; another address signs in.
    locked = client.post(
        "/staff/login/", {"username": "desk", "password": PASSWORD}, REMOTE_ADDR="198.51.100.9"
    )
    assert locked.status_code == 429
    fine = client.post(
        "/staff/login/", {"username": "desk", "password": PASSWORD}, REMOTE_ADDR="198.51.100.10"
    )
    assert fine.status_code == 302


def test_the_ceiling_is_above_what_a_front_desk_needs():
    limit, seconds = settings.RATE_LIMITS["staff:login"]
    assert limit > settings.AXES_FAILURE_LIMIT * 2
    assert seconds <= 60 * 60
