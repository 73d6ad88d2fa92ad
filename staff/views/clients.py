"""The client's card, opened from one of their appointments (the day view, the appointment page)."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bookings.models import Appointment
from staff.client_card import client_card
from staff.permissions import staff_view


@staff_view()
def client(request, pk):
    """/staff/appointments/<pk>/client/: the client's history, questionnaire, notes and prepaid sessions."""
    queryset = Appointment.objects.select_related("service__technique", "therapist")
    appointment = get_object_or_404(queryset, pk=pk)
    request.staff.check_can_see(appointment)
    card = client_card(appointment=appointment, access=request.staff, now=timezone.now())
    return render(request, "staff/client.html", {"card": card, "appointment": appointment})
