"""Pictures uploaded in the admin: real images only, within limits, stored in web sizes without EXIF."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reflexology import images
from reflexology.errors import ContentError
from reflexology.models import BodySystem, Claim, Technique, TechniqueStep
from tests.utils import in_both_languages

ORIENTATION, MAKE, GPS_IFD = 0x0112, 0x010F, 0x8825


def picture(fmt="JPEG", size=(1200, 900), mode="RGB", exif=None, colour=(120, 160, 140)) -> bytes:
    image = Image.new(mode, size, colour if mode == "RGB" else (*colour, 128))
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def camera_jpeg() -> bytes:
    """A photo as phones write them: sideways pixels, an orientation tag, a camera make, a location."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # rotate 90° clockwise to display
    exif[MAKE] = "SecretCam"
    exif.get_ifd(GPS_IFD)[2] = (55.0, 45.0, 0.0)  # latitude
    return picture(size=(1200, 900), exif=exif)


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- The checks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><body>Not a picture</body></html>", "photo.jpg", "not a picture we can read"),
        (b"", "empty.jpg", "The file is empty"),
        (picture()[:4000], "cut.jpg", "damaged or cut off"),
        (picture(fmt="GIF"), "anim.gif", "This is a GIF file"),
        (picture(fmt="BMP"), "old.bmp", "This is a BMP file"),
        (picture(size=(100, 80)), "tiny.jpg", "only 100 by 80 pixels"),
        (b"%PDF-1.7\n" + b"0" * 500, "scan.jpg", "not a picture we can read"),
    ],
    ids=["html-renamed", "empty", "truncated-jpeg", "gif", "bmp", "too-small", "pdf-renamed"],
)
def test_files_that_are_not_usable_pictures_are_refused_with_a_clear_message(content, name, message):
    with pytest.raises(ContentError, match=message):
        images.read_upload(upload=upload(content, name))


def test_a_file_over_the_size_limit_is_refused_before_decoding(monkeypatch):
    big = upload(b"\xff\xd8" + b"\0" * (images.MAX_UPLOAD_BYTES + 1))
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("a huge file must not be decoded"))
    with pytest.raises(ContentError, match="the limit is 10"):
        images.read_upload(upload=big)


def test_a_picture_with_too_many_pixels_is_refused():
    bomb = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(bomb, format="PNG")  # tiny file, 50 megapixels
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(ContentError, match="more than we can use"):
        images.read_upload(upload=upload(bomb.getvalue(), "bomb.png", "image/png"))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_pictures_are_accepted(fmt):
    assert images.read_upload(upload=upload(picture(fmt=fmt), f"ok.{fmt.lower()}")).size == (1200, 900)


# --- Web sizes --------------------------------------------------------------------------------


def test_web_sizes_are_upright_and_carry_no_camera_data():
    assert Image.open(io.BytesIO(camera_jpeg())).getexif()[MAKE] == "SecretCam"  # the original does
    sizes = images.web_sizes(
        image=images.read_upload(upload=upload(camera_jpeg())), name="Classical foot massage"
    )
    full = Image.open(io.BytesIO(sizes.full.read()))
    card = Image.open(io.BytesIO(sizes.card.read()))
    assert full.size == (900, 1200), "turned the right way up from the EXIF orientation"
    assert card.size == images.CARD_SIZE
    for stored, raw in ((full, sizes.full), (card, sizes.card)):
        assert stored.format == "JPEG"
        assert len(stored.getexif()) == 0
        raw.seek(0)
        assert b"SecretCam" not in raw.read()
    assert sizes.full.name == "classical-foot-massage.jpg"
    assert sizes.card.name == "classical-foot-massage-card.jpg"


def test_large_pictures_are_scaled_down_and_transparent_ones_stay_png():
    big = images.web_sizes(image=images.read_upload(upload=upload(picture(size=(4000, 3000)))), name="x")
    assert Image.open(io.BytesIO(big.full.read())).size == (1600, 1200)
    alpha = images.web_sizes(
        image=images.read_upload(upload=upload(picture(fmt="PNG", mode="RGBA"), "a.png")), name="drawing"
    )
    assert alpha.full.name.endswith(".png") and Image.open(io.BytesIO(alpha.card.read())).mode == "RGBA"


# --- Through the admin ------------------------------------------------------------------------


def system_post(**extra):
    data = {
        "name": "Digestion",
        "slug": "digestive",
        "colour": "#e8b07a",
        "description": "",
        "image_alt": "",
        "order": 70,
    }
    data.update(extra)
    return in_both_languages(data, BodySystem)


def test_admin_upload_stores_both_web_sizes(admin_client, reference):
    system = BodySystem.objects.get(slug="digestive")
    response = admin_client.post(
        f"/admin/reflexology/bodysystem/{system.pk}/change/",
        system_post(image=upload(camera_jpeg()), image_alt="A bowl of warm water"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    system.refresh_from_db()
    assert system.image.name.startswith("systems/digestive") and system.image.name.endswith(".jpg")
    assert system.image_card.name.startswith("systems/cards/digestive-card")
    with system.image.open("rb") as stored:
        image = Image.open(stored)
        assert image.size == (900, 1200) and len(image.getexif()) == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html>hello</html>", "photo.jpg", "not a picture we can read"),
        (picture()[:3000], "photo.jpg", "damaged or cut off"),
        (b"\xff\xd8" + b"\0" * (10 * 1024 * 1024 + 10), "huge.jpg", "the limit is 10"),
    ],
    ids=["html-renamed", "truncated", "huge"],
)
def test_admin_shows_a_form_error_for_a_bad_upload_and_keeps_the_rest(
    admin_client, reference, content, name, message
):
    system = BodySystem.objects.get(slug="digestive")
    response = admin_client.post(
        f"/admin/reflexology/bodysystem/{system.pk}/change/",
        system_post(name="Digestion, renamed", image=upload(content, name)),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Digestion, renamed"' in html, "what was typed is kept"
    system.refresh_from_db()
    assert system.name != "Digestion, renamed" and not system.image


def technique_post(**extra):
    data = {
        "name": "Warm stone foot massage",
        "slug": "warm-stones",
        "kind": "relaxing",
        "setting": "studio",
        "published": "on",
        "order": 90,
        "summary": "Smooth warm stones glide over the feet.",
        "body": "A calm session with warm stones.",
        "suits": "Anyone who likes warmth.",
        "duration_min": "",
        "duration_max": "",
        "duration_note": "",
        "intensity": "gentle",
        "image_alt": "Warm stones on a towel",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-0-order": "1",
        "steps-0-text": "The stones are warmed in water.",
        "steps-0-duration_note": "",
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return in_both_languages(data, Technique, TechniqueStep, Claim)


def test_admin_adds_a_technique_with_a_picture_and_the_card_uses_it(admin_client, client, reference):
    response = admin_client.post(
        "/admin/reflexology/technique/add/",
        technique_post(image=upload(picture(size=(2000, 1500)), "stones.jpg")),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    technique = Technique.objects.get(slug="warm-stones")
    assert technique.steps.count() == 1
    assert technique.image_card.name.startswith("techniques/cards/warm-stones-card")
    html = client.get("/techniques/").content.decode()
    assert technique.image_card.url in html and "Warm stones on a towel" in html


def test_clearing_the_picture_removes_both_sizes(admin_client, reference):
    admin_client.post(
        "/admin/reflexology/technique/add/", technique_post(image=upload(picture(), "stones.jpg"))
    )
    technique = Technique.objects.get(slug="warm-stones")
    step = technique.steps.get()
    response = admin_client.post(
        f"/admin/reflexology/technique/{technique.pk}/change/",
        technique_post(
            **{
                "image-clear": "on",
                "steps-INITIAL_FORMS": "1",
                "steps-0-id": str(step.pk),
                "steps-0-technique": str(technique.pk),
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    technique.refresh_from_db()
    assert not technique.image and not technique.image_card
