"""Delete the nonces of used sign-in links once no link could still be that young (bookings.accounts)."""

from django.core.management import BaseCommand

from bookings.accounts import forget_used_links


class Command(BaseCommand):
    help = "Delete used sign-in link records older than twice the links' lifetime. Safe to run again."

    def handle(self, *args, **options):
        deleted = forget_used_links()
        self.stdout.write(f"Deleted {deleted} used sign-in link record(s)." if deleted else "Nothing to do.")
