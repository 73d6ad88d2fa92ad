"""The team's portraits: an upload checked and cropped by reflexology.images, stored in two square sizes.

    store_portrait(therapist=..., upload=...)   puts the copies on `photo` and `photo_small`; the caller saves

Raises reflexology's ContentError (a message the uploader can act on) for a file that is not a usable
picture; the admin's form has already said so in words before this runs.
"""

from django.core.files.uploadedfile import UploadedFile

from bookings.models import Therapist
from reflexology import images


def store_portrait(*, therapist: Therapist, upload: UploadedFile | None) -> None:
    """Square web-size copies of `upload` on `therapist`; None or False clears both (initials show)."""
    if not upload:
        therapist.photo = ""
        therapist.photo_small = ""
        return
    sizes = images.square_sizes(
        image=images.read_upload(upload=upload), name=therapist.slug or therapist.name
    )
    therapist.photo = sizes.large
    therapist.photo_small = sizes.small
