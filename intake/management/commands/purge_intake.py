"""Delete or anonymise health questionnaires whose validity ended more than DAYS ago."""

from django.core.management import BaseCommand, CommandError

from intake.retention import purge_expired


class Command(BaseCommand):
    help = (
        "Delete health questionnaires that expired more than DAYS ago; anonymise those an appointment "
        "still refers to. Atomic and safe to run again. --dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS", dest="older_than")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )

    def handle(self, *args, older_than, dry_run, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more days.")
        report = purge_expired(older_than_days=older_than, dry_run=dry_run)
        verb = ("Would delete", "would anonymise") if dry_run else ("Deleted", "anonymised")
        self.stdout.write(
            f"{verb[0]} {report.deleted} questionnaire(s) and {verb[1]} {report.anonymised} still linked to "
            f"appointments (validity ended before {report.cutoff:%Y-%m-%d %H:%M} UTC)."
        )
        if not report.deleted and not report.anonymised:
            self.stdout.write("Nothing to do.")
