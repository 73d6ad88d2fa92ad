"""One sign-in link, opened in many tabs at once: exactly one signs in (the nonce's unique constraint).

Real transactions and real threads, each with its own connection; run on PostgreSQL too
(DATABASE_URL=postgres://...), where the inserts truly race.
"""

import threading

import pytest
from django.db import connection

from bookings.accounts import SignInUsed, sign_in_token, use_sign_in_token
from bookings.models import UsedSignInLink

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


def test_a_link_used_in_many_tabs_at_once_signs_in_once():
    token = sign_in_token("anna@example.com")
    barrier = threading.Barrier(THREADS)
    signed_in, refused, errors = [], [], []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait(timeout=30)
            email = use_sign_in_token(token)
            with lock:
                signed_in.append(email)
        except SignInUsed:
            with lock:
                refused.append(True)
        except Exception as error:  # what the test looks for
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert signed_in == ["anna@example.com"]
    assert len(refused) == THREADS - 1
    assert UsedSignInLink.objects.count() == 1


def test_old_used_links_are_forgotten_and_young_ones_kept():
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    UsedSignInLink.objects.create(nonce="old", used_at=timezone.now() - timedelta(hours=1))
    UsedSignInLink.objects.create(nonce="young", used_at=timezone.now() - timedelta(minutes=5))
    call_command("forget_sign_in_links")
    assert list(UsedSignInLink.objects.values_list("nonce", flat=True)) == ["young"]
