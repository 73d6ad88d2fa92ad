"""The therapist's session sheet: one printable A4 page with the client's first name, the session,
the foot map drawn for it and the instructions. Opening it is a read of health data: logged."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bookings.availability import studio_zone
from bookings.models import Appointment
from intake.access import log_read
from intake.models import HealthAccessLog
from staff.permissions import staff_view
from staff.session_sheet import session_plan


@staff_view("view_screening_details")
def session_sheet(request, pk):
    """/staff/appointments/<pk>/sheet/: the session sheet, for staff who may see the screening."""
    queryset = Appointment.objects.select_related("service__technique", "therapist", "room", "questionnaire")
    appointment = get_object_or_404(queryset.prefetch_related("questionnaire__clearances"), pk=pk)
    request.staff.check_can_see(appointment)
    if appointment.questionnaire is not None:
        log_read(request.user, appointment.questionnaire, via=HealthAccessLog.Via.STAFF)
    context = {
        "appointment": appointment,
        "first_name": appointment.client_name.split()[0] if appointment.client_name.strip() else "",
        "local_start": timezone.localtime(appointment.start, studio_zone()),
        "local_end": timezone.localtime(appointment.end, studio_zone()),
        "plan": session_plan(appointment, uid="sheet", described=True),
    }
    return render(request, "staff/sheet.html", context)
