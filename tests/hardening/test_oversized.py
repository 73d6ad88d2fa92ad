"""Oversized and malformed requests get the site's own 400 / 413 page, never a 500."""

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from tests.utils import assert_csp_clean


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def assert_too_large(response):
    assert response.status_code == 413
    html = response.content.decode()
    assert "That was more than our forms take" in html
    assert "css/studio.css" in html
    assert_csp_clean(response)


def test_a_form_body_over_the_limit_is_refused_kindly(client, db):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert_too_large(client.post("/intake/", {"client_name": big}))
    assert_too_large(client.post("/book/details/", {"client_name": big}))


def test_too_many_fields_are_refused_kindly(client, db):
    fields = {f"field{index}": "x" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert_too_large(client.post("/intake/", fields))


def test_a_body_over_the_request_cap_is_refused_before_it_is_read(client, db, settings):
    settings.MAX_REQUEST_BYTES = 1000
    body = encode_multipart(BOUNDARY, {"upload": "x" * 2000})
    assert_too_large(client.generic("POST", "/intake/", body, content_type=MULTIPART_CONTENT))
    # The header alone decides: a client that lies about the length gets no further either.
    assert_too_large(client.generic("POST", "/search/", b"", CONTENT_LENGTH="999999999"))


def test_a_large_uploaded_file_under_the_cap_is_just_ignored_by_forms_without_files(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.bin", b"\0" * (3 * 1024 * 1024))
    response = client.post("/intake/", {"client_name": "Anna", "attachment": upload})
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--nope\r\nContent-Disposition: form-data; name=\r\n\r\n", "multipart/form-data; boundary=zzz"),
        (b"anything", "multipart/form-data"),  # no boundary at all
        (b"client_name=%FF%FE%00&c_fever=%C3%28", "application/x-www-form-urlencoded"),
        (b'{"client_name": "Anna"}', "application/json"),
        (b"\xff\xfe\x00\x01" * 100, "application/octet-stream"),
        (b"a=" + b"%" * 5000, "application/x-www-form-urlencoded"),
    ],
    ids=["bad-boundary", "no-boundary", "bad-utf8", "json", "binary", "broken-escapes"],
)
@pytest.mark.parametrize("path", ["/intake/", "/book/confirm/", "/book/details/", "/staff/login/"])
def test_malformed_bodies_are_never_a_server_error(client, db, body, content_type, path):
    response = client.generic("POST", path, body, content_type=content_type)
    assert response.status_code < 500
    if response.status_code == 400:
        assert "css/studio.css" in response.content.decode()  # a page of the site, not a bare error


def test_a_very_long_query_string_is_answered(client, db):
    assert client.get("/techniques/", QUERY_STRING="kind=" + "x" * 100_000).status_code < 500
    assert client.get("/api/availability/", QUERY_STRING="service=" + "x" * 100_000).status_code == 400


def test_a_host_we_do_not_serve_gets_the_400_page(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "We could not make sense of that request" in response.content.decode()


def test_garbage_cookies_are_ignored(client, db):
    client.cookies["sessionid"] = "x" * 4000
    client.cookies["csrftoken"] = "\u00ff" * 50
    client.cookies["messages"] = "not-signed"
    assert client.get("/intake/").status_code == 200
    assert client.post("/intake/", {"client_name": "Anna"}).status_code < 500
