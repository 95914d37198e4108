"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server."""

import datetime as dt
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 375, "height": 812}


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import expect, sync_playwright

    # Generous, like the pages' own timeout below: an assertion waits for what a busy two-core
    # machine (CI, with the other test worker) takes, e.g. the API docs building the schema.
    expect.set_options(timeout=30_000)
    # Playwright's sync API keeps an asyncio loop running in this thread, which Django takes
    # for async code; the tests' database calls are plain synchronous code all the same.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server, pinned_clock):
    """new_page(): a page in a fresh browser context (its own cookies), phone-sized; under
    ``pytest --clock`` its scripts read the server's pinned clock, not the machine's."""
    contexts = []

    def open_page(language="zh-CN", viewport=PHONE):
        context = browser.new_context(viewport=viewport, locale=language,
                                      base_url=live_server.url)
        if pinned_clock:
            context.clock.set_system_time(dt.datetime.now(dt.UTC))
        # Generous: CI machines have two cores shared with the other test worker.
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


# The innermost elements whose box or text passes the screen's right edge, as "tag.class: right
# edge (text)", for a failure that says what to fix. Whatever is inside a box that scrolls
# sideways by design does not count.
_STICKING_OUT = """screen => {
  const clipped = node => {
    for (let box = node; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  const right = node => {
    const range = document.createRange();
    range.selectNodeContents(node);
    const text = clipped(node) ? 0 : range.getBoundingClientRect().right;
    return Math.max(node.getBoundingClientRect().right, text) + window.scrollX;
  };
  const out = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (right(element) <= screen || element.closest(".table-scroll, .subnav, .tabs")) continue;
    if ([...element.children].some(child => right(child) > screen)) continue;
    const name = element.tagName.toLowerCase() + [...element.classList].map(c => "." + c).join("");
    const text = element.textContent.trim().slice(0, 40);
    out.push(`${name}: ${Math.round(right(element))} px (${text})`);
  }
  return out.slice(0, 5);
}"""


def assert_fits_the_phone(page):
    """Nothing is wider than the phone's screen (no sideways scrolling of the page)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = page.viewport_size["width"]
    assert width <= screen, (f"{page.url} is {width} px wide on a {screen} px screen: "
                             f"{page.evaluate(_STICKING_OUT, screen)}")


def log_in(page, phone, password):
    """Log in on the console's login page; the console's home opens."""
    page.goto("/accounts/login/")
    assert_fits_the_phone(page)
    page.locator("input[name=username]").fill(phone)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/console/")
    assert_fits_the_phone(page)
