"""SITE_URL: the address of the links people share, copy, print and scan."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from weishang import settings as weishang_settings
from weishang.core.site import absolute_url


def test_a_link_is_on_the_site_address_else_the_requests_else_only_a_path(settings):
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    settings.SITE_URL = ""
    assert absolute_url("/s/abc/", request) == "http://127.0.0.1:8000/s/abc/"
    assert absolute_url("/s/abc/") == "/s/abc/"
    settings.SITE_URL = "https://shop.example.com"
    assert absolute_url("/s/abc/", request) == "https://shop.example.com/s/abc/"
    assert absolute_url("/s/abc/") == "https://shop.example.com/s/abc/"


@pytest.mark.parametrize("value, expected", [
    ("", ""), ("https://shop.example.com/", "https://shop.example.com"),
    (" http://192.168.1.5:8000 ", "http://192.168.1.5:8000")])
def test_site_url_is_read_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("SITE_URL", value)
    assert weishang_settings._site_url() == expected


@pytest.mark.parametrize("value", ["shop.example.com", "ftp://shop.example.com",
                                   "https://shop.example.com/shop/", "https://"])
def test_a_site_url_that_is_not_a_scheme_and_host_is_refused(monkeypatch, value):
    monkeypatch.setenv("SITE_URL", value)
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        weishang_settings._site_url()
