"""The confirm step under real concurrency (threads, each with its own connection): the same form sent
at once books one appointment and sends one e-mail; two clients racing for one time get one booking
and one "that time was just taken", never a 500."""

import re
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client

from bookings.models import Appointment
from tests.bookings.factories import at
from tests.bookings.web.flow_support import make_studio, ready_client, slot_token

pytestmark = pytest.mark.django_db(transaction=True)


def confirmation_for(client, token) -> str:
    page = client.get("/book/summary/", {"slot": token}).content.decode()
    return re.search(r'name="confirmation" value="([^"]+)"', page).group(1)


def race(posts) -> list:
    """Run every (client, data) POST to /book/confirm/ in its own thread, released together."""
    barrier = threading.Barrier(len(posts))
    results, lock = [], threading.Lock()

    def run(client, data):
        try:
            barrier.wait(timeout=30)
            response = client.post("/book/confirm/", data)
            outcome = (response.status_code, response.get("Location", ""), response.content.decode())
        except Exception as error:  # the test looks for any
            outcome = ("error", repr(error), "")
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def twin(client) -> Client:
    """Another browser tab of the same visitor: same session cookie."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return other


def test_the_same_confirmation_sent_eight_times_at_once_books_once(set_policy):
    studio = make_studio(set_policy)
    client = Client()
    ready_client(client)
    confirmation = confirmation_for(client, slot_token(studio["service"], at(studio["day"], "10:00")))
    mail.outbox = []

    results = race([(twin(client), {"confirmation": confirmation}) for _ in range(8)])

    assert [status for status, _, _ in results] == [302] * 8, results
    assert len({location for _, location, _ in results}) == 1
    assert Appointment.objects.count() == 1
    assert len([m for m in mail.outbox if "Your session on" in m.subject]) == 1


def test_two_clients_racing_for_the_last_time_get_one_booking_and_a_kind_refusal(set_policy):
    studio = make_studio(set_policy)
    start = at(studio["day"], "10:00")
    posts = []
    for email in ("first@example.com", "second@example.com"):
        client = Client()
        ready_client(client, email=email)
        posts.append(
            (
                client,
                {
                    "confirmation": confirmation_for(
                        client, slot_token(studio["service"], start, studio["anna"])
                    )
                },
            )
        )

    results = race(posts)

    statuses = sorted(status for status, _, _ in results)
    assert statuses == [302, 409], results
    refused = next(body for status, _, body in results if status == 409)
    assert "That time was just taken." in refused
    assert Appointment.objects.count() == 1
