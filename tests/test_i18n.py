"""Every user-facing string is translated, the compiled catalogs ship, and every page can switch
language."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import weishang
from tests.factories import VariantFactory
from weishang.accounts.services import owner_shop

PACKAGE = Path(weishang.__file__).parent
CHINESE = ("zh_Hans", "zh_Hant")
APPS = sorted(path.parent for path in PACKAGE.glob("*/apps.py"))
CATALOGS = sorted(
    path
    for language in CHINESE
    for path in PACKAGE.glob(f"*/locale/{language}/LC_MESSAGES/django.po")
)


def _has_translatable_strings(app: Path) -> bool:
    markers = {".html": ("{% translate", "{% blocktranslate", "{% trans "),
               ".py": ("gettext", "ngettext", "pgettext")}
    return any(
        any(marker in path.read_text(encoding="utf-8") for marker in markers[path.suffix])
        for path in app.rglob("*")
        if path.suffix in markers and "migrations" not in path.parts and "locale" not in path.parts
    )


def _translations(entries) -> dict:
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
        for entry in entries
        if entry.msgid and not entry.obsolete
    }


@pytest.mark.parametrize("app", [app for app in APPS if _has_translatable_strings(app)],
                         ids=lambda app: app.name)
def test_each_app_with_strings_has_both_chinese_catalogs(app):
    for language in CHINESE:
        assert (app / "locale" / language / "LC_MESSAGES" / "django.po").exists(), (
            f"{app.name} has translatable strings but no {language} catalog"
        )


def test_there_are_catalogs():
    assert CATALOGS


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_catalog_is_complete_and_compiled(po_path):
    catalog = polib.pofile(str(po_path))

    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {po_path}: {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {po_path}: {fuzzy[:5]}"

    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run compilemessages: {mo_path} is missing"
    assert _translations(polib.mofile(str(mo_path))) == _translations(catalog), (
        f"{mo_path} is older than {po_path}: run compilemessages"
    )


@pytest.mark.skipif(not shutil.which("xgettext"),
                    reason="needs GNU gettext (apt-get install gettext)")
@pytest.mark.parametrize("app", sorted({path.parents[3] for path in CATALOGS}),
                         ids=lambda app: app.name)
def test_catalog_holds_every_string_of_the_code(app, tmp_path, monkeypatch, settings):
    """makemessages on a copy of the app finds no string the committed catalog lacks."""
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "static"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = []
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], verbosity=0)

    in_code = set(_translations(polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))))
    committed = set(_translations(polib.pofile(str(app / "locale/zh_Hans/LC_MESSAGES/django.po"))))
    missing = sorted(msgid for _context, msgid in in_code - committed)
    assert not missing, f"run makemessages in weishang/{app.name}: new strings {missing}"


def _pages_without_arguments(resolver=None, namespace=""):
    """Names of the project's own pages that take no URL argument (not admin, API or i18n)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in {"storefront", "accounts", "console", "catalog", "inventory"}:
                yield from _pages_without_arguments(pattern, f"{pattern.namespace}:")
        elif (isinstance(pattern, URLPattern) and pattern.name and namespace
              and not pattern.pattern.regex.groupindex):
            yield namespace + pattern.name


def _language_pages(client, owner):
    client.force_login(owner)
    product = VariantFactory(product__title="语言测试商品").product
    code = owner_shop().code
    # Shop pages take the shop code; the cart and checkout (empty cart: a redirect) are
    # covered by the storefront tests.
    urls = [reverse("storefront:shop", args=[code]), reverse("storefront:cart", args=[code]),
            reverse("storefront:product", args=[code, product.public_id])]
    for name in _pages_without_arguments():
        response = client.get(reverse(name))
        # Whole pages only: htmx fragments and downloads carry no language switch of their own.
        if response.status_code == 200 and b"<html" in response.content:
            urls.append(reverse(name))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_every_page_switches_language(client, owner, language):
    urls = _language_pages(client, owner)
    assert reverse("storefront:lookup") in urls and reverse("console:home") in urls

    for url in urls:
        page = client.get(url).content.decode()
        assert 'action="/i18n/setlang/"' in page, f"{url} has no language switch"
        response = client.post("/i18n/setlang/", {"language": language, "next": url})
        assert response.status_code == 302 and response["Location"] == url
        switched = client.get(url)
        assert switched.headers["Content-Language"] == language, url
        assert f'<html lang="{language}">' in switched.content.decode(), url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Search products"), ("zh-hant", "搜尋商品"), ("zh-hans", "搜索商品")],
)
def test_shop_home_speaks_the_chosen_language(client, owner, language, text):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert text in client.get("/", follow=True).content.decode()
