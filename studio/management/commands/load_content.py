"""Load the site's content data set (techniques, zones, systems, screening rules) from fixtures/."""

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import transaction

# Order matters: later files refer to earlier ones by natural key.
CONTENT_FIXTURES = [
    "body_systems.json",
    "zones.json",
    "techniques.json",
    "conditions.json",
    "screening_rules.json",
]


class Command(BaseCommand):
    help = (
        "Load (or refresh) the content fixtures in fixtures/. "
        "Safe to run again: rows are matched by natural key."
    )

    def handle(self, *args, **options):
        fixture_dir = Path(settings.BASE_DIR) / "fixtures"
        present = [name for name in CONTENT_FIXTURES if (fixture_dir / name).exists()]
        if not present:
            self.stdout.write("No content fixtures yet; nothing to load.")
            return
        with transaction.atomic():
            for name in present:
                call_command("loaddata", str(fixture_dir / name), verbosity=0)
                self.stdout.write(f"Loaded {name}")
        self.stdout.write(self.style.SUCCESS(f"Content loaded ({len(present)} files)."))
