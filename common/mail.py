"""Sending the studio's e-mails from templates, the same way everywhere.

Each e-mail is three templates: `<name>_subject.txt`, `<name>.txt` and (optionally)
`<name>.html`. Callers send from a task (see settings.TASKS), never inside the request
that changed the data, and never put health details into a body: e-mails carry links.
"""

from contextlib import suppress

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string


def send_templated_mail(
    *,
    template: str,
    to: list[str],
    context: dict,
    attachments: list[tuple[str, bytes | str, str]] = (),
    reply_to: list[str] | None = None,
) -> None:
    """Render `template` (e.g. "bookings/email/confirmation") and send it to `to`."""
    context = {"STUDIO_NAME": settings.STUDIO_NAME, "STUDIO_PHONE": settings.STUDIO_PHONE, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or [settings.STUDIO_EMAIL],
    )
    with suppress(TemplateDoesNotExist):
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
