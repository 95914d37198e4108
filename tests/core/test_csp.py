"""The Content-Security-Policy on every answer, and no template that it would break: no inline
script, event handler attribute or style anywhere (the browser test runs the main pages)."""

import re
from pathlib import Path

import pytest

import weishang
from weishang.core import csp

TEMPLATES = sorted(Path(weishang.__file__).parent.glob("*/templates/**/*.html"))
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}
DJANGO_COMMENT = re.compile(r"\{#.*?#\}")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/", "/nowhere/"])
def test_every_answer_carries_the_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy


def test_uploads_on_another_host_are_allowed_where_they_are_used(settings):
    settings.MEDIA_URL = "https://media.example.com/shop/"
    csp.content_security_policy.cache_clear()
    try:
        policy = csp.content_security_policy()
    finally:
        csp.content_security_policy.cache_clear()
    assert "connect-src 'self' https://media.example.com;" in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_template_has_anything_inline(template):
    text = DJANGO_COMMENT.sub("", template.read_text())
    found = {what for what, pattern in INLINE.items() if pattern.search(text)}
    assert not found, f"{template}: {', '.join(sorted(found))}"


def test_the_scan_reads_every_apps_templates():
    assert len(TEMPLATES) > 100
