"""Uploaded pictures for techniques and body systems (and the team's portraits): checked with Pillow,
stored in web sizes.

An upload is accepted only if Pillow can decode every byte of it as a JPEG, PNG or WebP within the
size limits. It is then turned the right way up (from its EXIF orientation) and saved again as
two new files, a large one for the page and a 4:3 one for cards (`web_sizes`), or two squares cropped
from the middle for portraits (`square_sizes`), with no EXIF, XMP or comments, so no camera details
or locations leave the admin.
"""

import io
import struct
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from reflexology.errors import ContentError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # well under Pillow's own bomb limit; a 40-megapixel photo is plenty
MIN_WIDTH, MIN_HEIGHT = 320, 240
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
FULL_BOX = (1600, 1600)
CARD_SIZE = (800, 600)
JPEG_QUALITY = 82
HELP_TEXT = _lazy(
    "A JPEG, PNG or WebP picture, at least 320 by 240 pixels and at most 10 MB. We keep a large copy "
    "and a small 4:3 copy for cards, and remove camera details such as the location."
)

# Pillow raises a handful of different errors for broken files; all of them mean "not usable".
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, Image.DecompressionBombError)


PORTRAIT_SIZE = (640, 640)
PORTRAIT_SMALL_SIZE = (192, 192)
PORTRAIT_HELP_TEXT = _lazy(
    "A JPEG, PNG or WebP picture, at least 320 by 240 pixels and at most 10 MB. We crop it to a square "
    "around the middle, keep a large and a small copy, and remove camera details such as the location."
)


@dataclass(frozen=True)
class WebImage:
    full: ContentFile
    card: ContentFile


@dataclass(frozen=True)
class SquareImage:
    large: ContentFile
    small: ContentFile


def read_upload(*, upload: UploadedFile) -> Image.Image:
    """The decoded picture in `upload`, or ContentError with a message the uploader can act on."""
    size = upload.size or 0
    if size == 0:
        raise ContentError(_("The file is empty. Please choose the picture again."))
    if size > MAX_UPLOAD_BYTES:
        raise ContentError(
            _("This file is %(size)s; the limit is %(limit)s. Please upload a smaller copy of the picture.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
        )
    upload.seek(0)
    try:
        image = Image.open(upload)
    except (UnidentifiedImageError, *DECODE_ERRORS) as error:
        raise ContentError(
            _("This file is not a picture we can read. Please upload a JPEG, PNG or WebP image.")
        ) from error
    if image.format not in ALLOWED_FORMATS:
        raise ContentError(
            _("This is a %(format)s file. Please upload a JPEG, PNG or WebP image instead.")
            % {"format": image.format or _("different kind of")}
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ContentError(
            _(
                "This picture is %(width)s by %(height)s pixels, which is more than we can use. "
                "Please upload a copy no larger than about 6000 by 6000."
            )
            % {"width": width, "height": height}
        )
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ContentError(
            _(
                "This picture is only %(width)s by %(height)s pixels. Please upload one at least "
                "%(min_width)s by %(min_height)s so it stays sharp on the site."
            )
            % {"width": width, "height": height, "min_width": MIN_WIDTH, "min_height": MIN_HEIGHT}
        )
    try:
        image.load()  # decodes every byte: a truncated or corrupted file fails here, not later
    except DECODE_ERRORS as error:
        raise ContentError(
            _(
                "This picture seems to be damaged or cut off (perhaps it did not finish downloading). "
                "Please try another copy."
            )
        ) from error
    finally:
        upload.seek(0)
    return image


def _upright(image: Image.Image) -> tuple[Image.Image, bool]:
    """`image` the right way up, in RGB or RGBA, without any metadata; and whether it has alpha."""
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    upright = upright.convert("RGBA" if has_alpha else "RGB")
    upright.info = {}  # drop EXIF, XMP, comments and the like before anything is written
    return upright, has_alpha


def web_sizes(*, image: Image.Image, name: str) -> WebImage:
    """A large copy and a 4:3 card copy of `image`, upright and without any metadata."""
    upright, has_alpha = _upright(image)

    full = upright.copy()
    full.thumbnail(FULL_BOX, Image.Resampling.LANCZOS)
    card = ImageOps.fit(upright, CARD_SIZE, Image.Resampling.LANCZOS)

    stem = slugify(name)[:50] or "image"
    extension = "png" if has_alpha else "jpg"
    return WebImage(
        full=ContentFile(_encode(full, has_alpha), name=f"{stem}.{extension}"),
        card=ContentFile(_encode(card, has_alpha), name=f"{stem}-card.{extension}"),
    )


def square_sizes(*, image: Image.Image, name: str) -> SquareImage:
    """Two squares cropped from the middle of `image` (a portrait), upright and without any metadata."""
    upright, has_alpha = _upright(image)
    stem = slugify(name)[:50] or "portrait"
    extension = "png" if has_alpha else "jpg"
    large = ImageOps.fit(upright, PORTRAIT_SIZE, Image.Resampling.LANCZOS)
    small = ImageOps.fit(upright, PORTRAIT_SMALL_SIZE, Image.Resampling.LANCZOS)
    return SquareImage(
        large=ContentFile(_encode(large, has_alpha), name=f"{stem}.{extension}"),
        small=ContentFile(_encode(small, has_alpha), name=f"{stem}-small.{extension}"),
    )


def store_web_sizes(*, instance, upload: UploadedFile | None) -> None:
    """Put web-size copies of `upload` on `instance.image` / `.image_card`; None or False clears both.

    `instance` is a Technique or a BodySystem; the caller saves it.
    """
    if not upload:
        instance.image = ""
        instance.image_card = ""
        return
    sizes = web_sizes(image=read_upload(upload=upload), name=instance.slug or instance.name)
    instance.image = sizes.full
    instance.image_card = sizes.card


def _encode(image: Image.Image, has_alpha: bool) -> bytes:
    buffer = io.BytesIO()
    if has_alpha:
        image.save(buffer, format="PNG", optimize=True)
    else:
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()
