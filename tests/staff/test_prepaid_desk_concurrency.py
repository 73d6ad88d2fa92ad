"""Two desks take the same certificate at the same moment, through the page: one wins, the other
is told what is left, and the balance is its ledger's sum. Real transactions and threads, each with
its own connection (PostgreSQL: SQLite runs one writer at a time anyway)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from bookings.models import CertificateEntry
from bookings.prepaid import sell_certificate
from staff.roles import Role, assign_role, ensure_roles

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]

DESKS = 6


def test_desks_taking_one_certificate_at_once_never_spend_more_than_it_holds(django_user_model):
    ensure_roles()
    user = django_user_model.objects.create_user("desk", password="a-long-test-password")
    assign_role(user, Role.RECEPTION)
    certificate = sell_certificate(payment_method="cash", buyer_name="Vera", amount=Decimal("3000"))
    barrier = threading.Barrier(DESKS)
    statuses, problems = [], []
    lock = threading.Lock()

    def desk():
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=30)
            response = client.post(
                reverse("staff:prepaid_redeem"), {"code": certificate.code, "amount": "2000"}
            )
            with lock:
                statuses.append(response.status_code)
        except Exception as error:  # reported in the test's own thread
            with lock:
                problems.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=desk) for _ in range(DESKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert problems == []
    assert sorted(statuses) == [302] + [400] * (DESKS - 1)
    certificate.refresh_from_db()
    ledger = CertificateEntry.objects.filter(certificate=certificate).aggregate(total=Sum("amount"))["total"]
    assert certificate.balance == ledger == Decimal("1000.00")
