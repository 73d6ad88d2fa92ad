"""Therapist portraits: an upload checked by Pillow and cropped to two squares (bookings.portraits, reusing
reflexology.images), the admin form's clear refusal of a bad file, the initials when there is no photo,
and the demo's illustrated portraits."""

import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from PIL import Image

from bookings.admin import TherapistAdminForm
from bookings.models import Therapist
from bookings.portraits import store_portrait
from reflexology.errors import ContentError
from tests.bookings.factories import make_therapist

pytestmark = pytest.mark.django_db


def picture(width=900, height=600, format="JPEG", exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), "#c9a35a")
    buffer = io.BytesIO()
    extra = {}
    if exif and format == "JPEG":
        data = Image.Exif()
        data[0x010F] = "Camera maker"  # Make
        extra["exif"] = data.tobytes()
    image.save(buffer, format=format, **extra)
    return SimpleUploadedFile(f"portrait.{format.lower()}", buffer.getvalue(), content_type="image/jpeg")


def opened(field) -> Image.Image:
    field.open("rb")
    try:
        image = Image.open(io.BytesIO(field.read()))
        image.load()
        return image
    finally:
        field.close()


def test_a_portrait_is_cropped_to_two_squares_without_camera_details():
    therapist = make_therapist("anna")

    store_portrait(therapist=therapist, upload=picture(900, 600))
    therapist.save()

    therapist.refresh_from_db()
    large, small = opened(therapist.photo), opened(therapist.photo_small)
    assert large.size == (640, 640)
    assert small.size == (192, 192)
    assert not large.getexif() and not small.getexif()
    assert therapist.photo.name.startswith("therapists/anna")


def test_clearing_the_portrait_clears_both_sizes():
    therapist = make_therapist("anna")
    store_portrait(therapist=therapist, upload=picture())

    store_portrait(therapist=therapist, upload=None)

    assert not therapist.photo and not therapist.photo_small


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("me.jpg", b"not a picture at all", content_type="image/jpeg"),
            "not a picture we can read",
        ),
        (picture(200, 150), "only 200 by 150 pixels"),
    ],
)
def test_the_domain_refuses_what_is_not_a_usable_picture(upload, message):
    with pytest.raises(ContentError, match=message):
        store_portrait(therapist=make_therapist("anna"), upload=upload)


def test_the_admin_form_refuses_a_bad_file_with_a_clear_message_and_keeps_the_rest():
    therapist = make_therapist("anna")
    data = {"slug": "anna", "name": "Anna Typed", "level": "therapist", "order": 0, "active": "on", "bio": ""}
    bad = SimpleUploadedFile("me.jpg", b"GIF89a nonsense", content_type="image/jpeg")

    form = TherapistAdminForm(data=data, files={"photo": bad}, instance=therapist)

    assert not form.is_valid()
    assert "not a picture we can read" in " ".join(form.errors["photo"])
    assert form["name"].value() == "Anna Typed"


def test_the_admin_stores_the_squares_when_a_photo_is_uploaded(admin_user):
    therapist = make_therapist("anna")
    data = {"slug": "anna", "name": "Anna", "level": "therapist", "order": 0, "active": "on", "bio": ""}
    form = TherapistAdminForm(data=data, files={"photo": picture()}, instance=therapist)
    assert form.is_valid(), form.errors
    obj = form.save(commit=False)
    request = RequestFactory().post("/")
    request.user = admin_user

    admin.site._registry[Therapist].save_model(request, obj, form, change=True)

    therapist.refresh_from_db()
    assert opened(therapist.photo).size == (640, 640)
    assert opened(therapist.photo_small).size == (192, 192)


def test_the_avatar_shows_the_small_square_on_cards_and_the_large_one_on_the_profile():
    therapist = make_therapist("anna", name="Anna Sokolova")
    store_portrait(therapist=therapist, upload=picture())
    therapist.save()

    card = render_to_string("bookings/includes/_avatar.html", {"therapist": therapist, "size": "md"})
    profile = render_to_string("bookings/includes/_avatar.html", {"therapist": therapist, "size": "lg"})

    assert f'src="{therapist.photo_small.url}"' in card and 'width="72"' in card
    assert f'src="{therapist.photo.url}"' in profile and 'width="128"' in profile
    assert 'alt="Anna Sokolova"' in card


def test_without_a_photo_the_avatar_falls_back_to_the_initials():
    therapist = make_therapist("anna", name="Anna Sokolova")

    html = render_to_string("bookings/includes/_avatar.html", {"therapist": therapist, "size": "md"})

    assert "<img" not in html
    assert ">AS<" in html and "avatar-initials" in html


def test_the_demo_therapists_get_their_illustrated_portraits(settings, content):
    from django.core.management import call_command

    settings.DEMO_PORTRAITS = True
    call_command("load_demo", stdout=io.StringIO())

    therapists = list(Therapist.objects.all())
    assert therapists and all(t.photo and t.photo_small for t in therapists)
    assert all(opened(t.photo).size == (640, 640) for t in therapists)
