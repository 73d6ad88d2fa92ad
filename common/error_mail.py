"""The reporter of the error e-mails to ADMINS (settings.LOGGING's mail_admins handler).

The traceback's local variables (a view's `token`, the resolver's path) carry a signed link as well as
the request line does, so the whole report is masked like every log record (common/logging.py).
"""

from django.views.debug import ExceptionReporter

from common.logging import mask_signed_links


class MaskedExceptionReporter(ExceptionReporter):
    def get_traceback_text(self):
        return mask_signed_links(super().get_traceback_text())

    def get_traceback_html(self):
        return mask_signed_links(super().get_traceback_html())
