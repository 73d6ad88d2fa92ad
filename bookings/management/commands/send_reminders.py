"""E-mail a reminder to every client whose session starts within the next 24 hours, once."""

from datetime import timedelta

from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bookings.models import Appointment, AppointmentStatus
from bookings.tasks import send_reminder


def _label(appointment: Appointment) -> str:
    start = timezone.localtime(appointment.start)
    return f"#{appointment.pk} {start:%a %d %b %H:%M} ({appointment.service.name})"


class Command(BaseCommand):
    help = (
        "E-mail clients whose booked session starts within the next HOURS hours (default 24), once each: "
        "the reminder is marked sent in the same transaction, by a conditional update, so runs that "
        "overlap never send twice. Cancelled sessions are skipped. --dry-run only lists them. "
        "Run it every hour or so, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent; send nothing.")
        parser.add_argument(
            "--hours", type=int, default=24, help="How far ahead to remind (default 24 hours)."
        )

    def handle(self, *args, dry_run: bool, hours: int, **options):
        if not 1 <= hours <= 24 * 7:
            raise CommandError("--hours must be between 1 and 168.")
        now = timezone.now()
        window = Appointment.objects.filter(start__gt=now, start__lte=now + timedelta(hours=hours))
        due = list(
            window.filter(status=AppointmentStatus.BOOKED, reminder_sent_at__isnull=True)
            .select_related("service")
            .order_by("start", "pk")
        )
        already = window.filter(status=AppointmentStatus.BOOKED, reminder_sent_at__isnull=False).count()
        cancelled = window.filter(status=AppointmentStatus.CANCELLED).count()

        if dry_run:
            self.stdout.write(f"Would send {len(due)} reminder(s) for sessions in the next {hours} hours.")
            for appointment in due:
                self.stdout.write(f"  would remind {_label(appointment)}")
        else:
            sent = [appointment for appointment in due if self._claim_and_send(appointment, now)]
            self.stdout.write(f"Sent {len(sent)} reminder(s) for sessions in the next {hours} hours.")
            for appointment in sent:
                self.stdout.write(f"  reminded {_label(appointment)}")
            if len(sent) < len(due):
                self.stdout.write(
                    f"Skipped {len(due) - len(sent)} that another run reminded or that changed meanwhile."
                )
        self.stdout.write(
            f"Not reminded: {already} already reminded, {cancelled} cancelled."
            if already or cancelled
            else "Nothing else in that window."
        )

    @staticmethod
    def _claim_and_send(appointment: Appointment, now) -> bool:
        """Mark the reminder sent, only if nobody has (conditional UPDATE); send once that commits."""
        with transaction.atomic():
            claimed = Appointment.objects.filter(
                pk=appointment.pk,
                status=AppointmentStatus.BOOKED,
                start=appointment.start,
                reminder_sent_at__isnull=True,
            ).update(reminder_sent_at=now)
            if claimed:
                transaction.on_commit(lambda pk=appointment.pk: send_reminder.enqueue(pk), robust=True)
        return bool(claimed)
