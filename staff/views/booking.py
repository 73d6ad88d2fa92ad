"""Booking a phone or walk-in client: the same `book_appointment` as online, with source "staff".

The page offers real free times (the availability engine), finds the client's valid questionnaire
by e-mail (staff may; it is their job) and shows its screening for the chosen service as flags.
`book_appointment` itself always uses that questionnaire (bookings/screening_gate.py): it cannot
be left out, and without one the booking is marked "questionnaire needed". A screening refusal is
shown with its reason, for staff; a manager may book anyway with a recorded reason, unless the
reason is absolute (the domain checks both).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.availability import compute_slots, load_availability_data
from bookings.booking import book_appointment
from bookings.errors import BookingError, NotSuitable
from bookings.models import AppointmentSource, BookingPolicy, Service
from bookings.rules import notice_for
from bookings.screening_gate import questionnaire_on_file
from intake.consents import record_consent
from intake.models import BOOKABLE, ConsentSource, Outcome, Questionnaire
from staff.forms import QuestionnaireLookupForm, SlotSearchForm, StaffBookingForm, choices_of, today
from staff.permissions import staff_view
from staff.screening import flags_for


def _slots(search, policy: BookingPolicy) -> list:
    if not search.is_valid():
        return []
    data = load_availability_data(
        service=search.cleaned_data["service"],
        first_day=search.cleaned_data["date"],
        last_day=search.cleaned_data["date"],
        therapist=search.cleaned_data["therapist"],
        policy=policy,
        min_notice=notice_for(source=AppointmentSource.STAFF),
    )
    return compute_slots(data)


def _questionnaire(email: str) -> Questionnaire | None:
    if not email:
        return None
    return questionnaire_on_file(email, at=timezone.now())


def _booked_message(appointment) -> str:
    values = {"name": appointment.client_name}
    if appointment.questionnaire_needed:
        return (
            _(
                "Booked, as “questionnaire needed”: %(name)s has been sent a confirmation with the link "
                "to the health questionnaire."
            )
            % values
        )
    return _("Booked. %(name)s has been sent a confirmation.") % values


@staff_view("manage_bookings", methods=("GET", "HEAD", "POST"))
def book(request):
    """/staff/book/: choose service, therapist (or anyone), day and a free time; the client; book."""
    if request.method == "POST":
        form, search = StaffBookingForm(request.POST), SlotSearchForm(request.POST)
        appointment, refusal = _book(request, form) if form.is_valid() else (None, None)
        if appointment is not None:
            messages.success(request, _booked_message(appointment))
            return redirect("staff:appointment", pk=appointment.pk)
        return _book_page(request, form, search, refusal=refusal, status=400)
    params = request.GET.copy()
    params.setdefault("date", today().isoformat())
    search = SlotSearchForm(params if "service" in request.GET else None, initial={"date": today()})
    form = StaffBookingForm(initial=params.dict())
    return _book_page(request, form, search, status=400 if search.is_bound and not search.is_valid() else 200)


def _book(request, form: StaffBookingForm):
    """Book the valid form (the domain e-mails the client, and uses their valid questionnaire on file):
    (appointment, None), or (None, a screening refusal or None) with the reason added to the form."""
    data = form.cleaned_data
    try:
        appointment = book_appointment(
            service=data["service"],
            start=data["start"],
            therapist=data["therapist"],
            client_name=data["client_name"],
            client_email=data["client_email"],
            client_phone=data["client_phone"],
            language=data["language"],
            source=AppointmentSource.STAFF,
            idempotency_key=data["key"],
            user=request.user,
            override_reason=data["override_reason"],
        )
    except BookingError as error:
        form.add_error(None, str(error))
        return None, error if isinstance(error, NotSuitable) else None
    method = data["consent_method"]
    record_consent(email=appointment.client_email, source=ConsentSource.DESK, method=method, by=request.user)
    return appointment, None


def _book_page(request, form, search, *, refusal=None, status: int = 200):
    chosen = search.cleaned_data if search.is_bound and search.is_valid() else {}
    policy = BookingPolicy.current()
    context = {
        "search": search,
        "form": form,
        "slots": _slots(search, policy) if search.is_bound else [],
        "searched": search.is_bound,
        "chosen_service": chosen.get("service"),
        "chosen_start": form.data.get("start", "") if form.is_bound else "",
        "refusal": refusal,
        "can_override": request.staff.can("override_screening"),
        "service_choices": choices_of(search.fields["service"]),
        "therapist_choices": choices_of(search.fields["therapist"]),
        "policy": policy,
    }
    template = "staff/book.html"
    if request.htmx and request.method == "GET":
        template += "#slots"
    return render(request, template, context, status=status)


@staff_view("manage_bookings")
def questionnaire_lookup(request):
    """/staff/book/questionnaire/?email=&service=: the client's valid questionnaire as flags (htmx)."""
    query = QuestionnaireLookupForm.from_query(request.GET)
    email = query["email"]
    service = Service.objects.active().select_related("technique").filter(slug=query["service"]).first()
    questionnaire = _questionnaire(email) if "@" in email else None
    flags, outcome = [], None
    if questionnaire is not None and service is not None:
        flags = flags_for(questionnaire, service.technique)
        outcome = Outcome(questionnaire.outcome_for(service.technique))
    context = {
        "email": email,
        "service": service,
        "questionnaire": questionnaire,
        "flags": flags,
        "outcome": outcome,
        "refused": outcome is not None
        and questionnaire.effective_outcome_for(service.technique) not in BOOKABLE,
    }
    return render(request, "staff/includes/_questionnaire_lookup.html", context)
