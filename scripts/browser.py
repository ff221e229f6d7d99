"""Drive Home Assistant's web UI in headless Chromium (Debian's package) with Playwright.

Shared by ``scripts/screenshots`` and the browser smoke test in ``tests/e2e``. Playwright's
locators pierce the shadow DOM the HA frontend is built from, so text checks see what a
person sees. No browser is downloaded: Playwright drives ``/usr/bin/chromium``.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import os
from pathlib import Path
import shutil
import subprocess
from typing import Any

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Collects the text of the page including every open shadow root, in document order.
DEEP_TEXT_JS = """
() => {
  const out = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const t = node.textContent.trim();
      if (t) out.push(t);
      return;
    }
    if (node.nodeType === Node.ELEMENT_NODE && ['STYLE', 'SCRIPT', 'TEMPLATE'].includes(node.tagName)) return;
    if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE
        && node.nodeType !== Node.DOCUMENT_NODE) return;
    if (node.shadowRoot) walk(node.shadowRoot);
    if (node.tagName === 'SLOT') {
      for (const n of node.assignedNodes()) walk(n);
    }
    for (const child of node.childNodes) walk(child);
  };
  walk(document);
  return out.join('\\n');
}
"""


def chromium_path() -> str | None:
    """Return the Chromium binary, or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def ensure_chromium() -> str | None:
    """Return Chromium's path, installing Debian's package first when possible."""
    found = chromium_path()
    if found or os.environ.get("SKIP_BROWSER_INSTALL"):
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium", "fonts-dejavu-core"],
            check=False,
            env=env,
        )
    return chromium_path()


@contextlib.contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator[Any]:
    """Yield a Playwright page in headless Chromium."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional dependency

    executable = chromium_path()
    if executable is None:
        msg = "Chromium is not installed (apt-get install chromium)"
        raise RuntimeError(msg)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height},
                locale="en-GB",
                timezone_id="Europe/London",
                color_scheme="light",
            )
            yield context.new_page()
        finally:
            browser.close()


def login(page: Any, url: str, username: str, password: str) -> None:
    """Log in through HA's login page and wait for the default dashboard."""
    page.goto(f"{url}/", wait_until="domcontentloaded")
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(password)
    page.locator("input[name='password']").press("Enter")
    page.wait_for_url(lambda u: "/auth/" not in u, timeout=30_000)
    page.locator("home-assistant").wait_for(timeout=30_000)


def deep_text(page: Any) -> str:
    """Return the rendered text of the page, shadow DOM included."""
    text: str = page.evaluate(DEEP_TEXT_JS)
    return text


def wait_for_text(page: Any, needle: str, timeout: float = 20) -> str:
    """Wait until ``needle`` is part of the rendered text; return the text."""
    import time  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = deep_text(page)
        if needle in text:
            return text
        page.wait_for_timeout(250)
    msg = f"{needle!r} did not appear; the page shows:\n{text[:3000]}"
    raise AssertionError(msg)


def screenshot(page: Any, path: Path) -> None:
    """Save a PNG of the viewport."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
