"""Create demo data (therapists, hours, rooms, services, bookings) for trying the site locally."""

from importlib import import_module

from django.core.management import BaseCommand

# Each app that has demo data offers `demo.build_demo(stdout) -> None`, idempotent.
DEMO_MODULES = ["bookings.demo", "staff.demo"]


class Command(BaseCommand):
    help = "Create demo data for local use. Idempotent: running it twice does not duplicate anything."

    def handle(self, *args, **options):
        for module_name in DEMO_MODULES:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name:
                    raise
                self.stdout.write(f"{module_name}: not there yet, skipped.")
                continue
            module.build_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
