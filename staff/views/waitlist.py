"""The waitlist for the front desk: who waits, per day and per service; offering a freed time by hand.

    /staff/waitlist/?day=&service=&ended=1   entries covering the day, for the service (or all), in the
                                             order they joined, each with what it was offered and when
    /staff/waitlist/<pk>/                    one entry: its offers, and the free times in its range
    POST /staff/waitlist/<pk>/offer/         hold a chosen free time for it (`bookings.waitlist.offer_time`)

Reception and managers (`manage_bookings`). Contact details only; nothing from the questionnaire.
The list runs a fixed number of queries, whatever the number of entries and offers.
"""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.errors import BookingError
from bookings.models import Service, Therapist, WaitlistEntry, WaitlistOffer
from bookings.waitlist import free_times_for, offer_time
from staff.forms import ISO_DATE, choices_of
from staff.permissions import staff_view

LONGEST_LIST = 200
MOST_FREE_TIMES = 60


class WaitlistFilterForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Day"),
        required=False,
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Session"),
        required=False,
        queryset=Service.objects.order_by("name"),
        to_field_name="slug",
        empty_label=gettext_lazy("All sessions"),
    )
    ended = forms.BooleanField(label=gettext_lazy("Show ended entries too"), required=False)


class OfferForm(forms.Form):
    slot = forms.CharField(error_messages={"required": gettext_lazy("Please choose a time to offer.")})

    def clean_slot(self) -> tuple[datetime, str]:
        start, _sep, therapist = self.cleaned_data["slot"].partition("|")
        try:
            return datetime.fromisoformat(start), therapist
        except ValueError:
            raise forms.ValidationError(_("Please choose a time from the list.")) from None


def _offers():
    return Prefetch(
        "offers", queryset=WaitlistOffer.objects.select_related("therapist", "user").order_by("offered_at")
    )


@staff_view("manage_bookings")
def waitlist(request):
    """The waitlist per day and per service, each entry with its offers."""
    form = WaitlistFilterForm(request.GET or None)
    choices_of(form.fields["service"])
    entries = WaitlistEntry.objects.select_related("service", "therapist").prefetch_related(_offers())
    filters = form.cleaned_data if form.is_valid() else {}
    if not filters.get("ended"):
        entries = entries.waiting()
    if filters.get("day"):
        entries = entries.covering(filters["day"], filters["day"])
    if filters.get("service"):
        entries = entries.filter(service=filters["service"])
    entries = list(entries.order_by("service__name", "created_at", "pk")[:LONGEST_LIST])
    context = {"form": form, "entries": entries, "longest": LONGEST_LIST}
    return render(request, "staff/waitlist.html", context, status=400 if form.errors else 200)


@staff_view("manage_bookings")
def waitlist_entry(request, pk):
    """One entry: what it was offered, and the free times in its range that staff may offer."""
    return _entry_page(request, pk, OfferForm())


def _entry_page(request, pk, form, status=200):
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("service", "therapist").prefetch_related(_offers()), pk=pk
    )
    free = free_times_for(entry)[:MOST_FREE_TIMES] if entry.status == "waiting" else []
    context = {"entry": entry, "free": free, "form": form}
    return render(request, "staff/waitlist_entry.html", context, status=status)


@staff_view("manage_bookings", methods=("POST",))
def waitlist_offer(request, pk):
    """POST: hold the chosen free time for this entry and e-mail the client the link."""
    entry = get_object_or_404(WaitlistEntry.objects.select_related("service", "therapist"), pk=pk)
    form = OfferForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, pk, form, status=400)
    start, slug = form.cleaned_data["slot"]
    therapist = Therapist.objects.filter(slug=slug).first() if slug else None
    try:
        offer_time(
            entry=entry, start=start, therapist=therapist, by=WaitlistOffer.By.STAFF, user=request.user
        )
    except BookingError as error:
        form.add_error(None, str(error))
        return _entry_page(request, pk, form, status=400)
    messages.success(
        request,
        _("The time is held for %(name)s, and they have been e-mailed.") % {"name": entry.client_name},
    )
    return redirect("staff:waitlist_entry", pk=pk)
