import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse to start on what `manage.py check` would refuse.
from studio.checks import refuse_to_start_misconfigured  # noqa: E402

refuse_to_start_misconfigured()
