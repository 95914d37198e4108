"""A button takes the user back to the page it was on, and never off the site."""

import pytest
from django.test import RequestFactory

from weishang.core.views import back_url


@pytest.mark.parametrize("posted, expected", [
    ("/console/catalog/?page=2", "/console/catalog/?page=2"),
    ("http://testserver/console/", "http://testserver/console/"),
    ("https://evil.example.com/", "/fallback/"),
    ("//evil.example.com/", "/fallback/"),
    ("", "/fallback/"),
])
def test_back_to_the_page_the_form_was_on_only_when_it_is_on_this_site(posted, expected):
    request = RequestFactory().post("/anything/", {"next": posted})
    assert back_url(request, "/fallback/") == expected
