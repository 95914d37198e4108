"""Retake the README's screenshots: `python docs/screenshots.py` (needs /usr/bin/chromium).

Starts `weishang demo` with a fresh data folder on a free port, then photographs the shop, a
product page and the owner's console at 375 px wide (2x pixels) into docs/.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            sys.exit("weishang demo stopped")
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("weishang demo did not start")


def photograph(base: str, password: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 375, "height": 812},
                                      device_scale_factor=2, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{base}/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=DOCS / "screenshot-shop.png")

        page.locator(".tile").first.click()
        page.wait_for_load_state("networkidle")
        page.locator(".spec-value").nth(2).click()
        page.locator(".spec-group").nth(1).locator(".spec-value").nth(1).click()
        page.evaluate("window.scrollTo(0, 240)")
        page.screenshot(path=DOCS / "screenshot-product.png")

        page.goto(f"{base}/accounts/login/")
        page.locator("input[name=username]").fill("13800000000")
        page.locator("input[name=password]").fill(password)
        page.locator("input[name=password]").press("Enter")
        page.wait_for_url("**/console/")
        page.goto(f"{base}/console/products/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=DOCS / "screenshot-console.png")
        browser.close()


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="weishang-screenshots-") as home:
        log = Path(home) / "demo.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "weishang", "demo", "--port", str(port)],
                env={**os.environ, "WEISHANG_HOME": home},
                stdout=output, stderr=subprocess.STDOUT,
            )
        try:
            wait_until_up(base, process)
            password = re.search(r"password:\s+(\S+)", log.read_text()).group(1)
            photograph(base, password)
        finally:
            process.terminate()
            process.wait(timeout=30)
    print("docs/screenshot-{shop,product,console}.png updated")


if __name__ == "__main__":
    main()
