"""The waitlist's job: expire unclaimed holds (the time goes to the next client), end past entries."""

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from bookings.models import OfferStatus, WaitlistEntry, WaitlistOffer
from bookings.waitlist import end_past_entries, expire_holds, local_today, purge_ended


class Command(BaseCommand):
    help = (
        "Expire waitlist holds whose time is up and offer each freed time to the next client; end entries "
        "whose dates have passed. With --purge-older-than DAYS, also delete entries (and what they were "
        "offered) that ended more than DAYS ago (retention). Idempotent; run it every minute. "
        "--dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )
        parser.add_argument("--purge-older-than", type=int, metavar="DAYS", dest="purge_days", default=None)

    def handle(self, *args, dry_run: bool, purge_days: int | None, **options):
        if purge_days is not None and purge_days < 0:
            raise CommandError("--purge-older-than must be 0 or more days.")
        now = timezone.now()
        if dry_run:
            due = WaitlistOffer.objects.filter(status=OfferStatus.HELD, expires_at__lte=now).count()
            past = WaitlistEntry.objects.waiting().filter(last_day__lt=local_today(now)).count()
            self.stdout.write(f"Would expire {due} hold(s) and end {past} entr(ies) whose dates have passed.")
        else:
            expired = expire_holds(now=now)
            ended = end_past_entries(now=now)
            self.stdout.write(
                f"Expired {len(expired)} hold(s); ended {ended} entr(ies) whose dates have passed."
            )
        if purge_days is not None:
            purged = purge_ended(older_than_days=purge_days, now=now, dry_run=dry_run)
            verb = "Would delete" if dry_run else "Deleted"
            self.stdout.write(f"{verb} {purged} entr(ies) that ended more than {purge_days} days ago.")
