"""Every page of every role on a 360 px phone: nothing scrolls sideways, and axe-core finds nothing serious.

One demo seed and one live server for the whole module (a seed costs ~12 s), one browser. For each role the
test signs in, then walks the site from the home page and the menu, following same-site links and visiting
each kind of page once (paths that differ only by a code or a number are one kind: `/dossiers/<code>/`). On
every page it measures `document.scrollingElement.scrollWidth` against the viewport and runs axe-core
(node_modules/axe-core, pinned in package-lock.json, injected by the test: the pages never load it) on each kind
of page once as the public or a citizen sees it and once as officers do (axe is most of the time spent). Failures
are collected and reported together, naming the role, the page and the culprit. Not walked: Django's admin
and the API's own docs (third-party pages), files (PDF, XLSX) and anything that is not a GET page.
"""

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings

from precinct.core.demo import DEMO_PASSWORD
from tests.browser.conftest import second_factor

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 780}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ROLES = {
    "anonymous": None,
    "citizen": "022090012345",
    "ward officer": "canbo.haan",
    "ward leader": "lanhdao.haan",
    "duty officer": "truc.haan",
    "provincial leader": "lanhdao.tinh",
    "administrator": "admin",
}
# Pages to start from besides the home page and the menu (reached only by a form or typed by people).
EXTRA_START = ["/accounts/login/", "/accounts/register/", "/accounts/logout/", "/verify/", "/report/follow-up/"]
# Downloads (a file, not a page) and pages that leave the site.
SKIP = re.compile(
    r"^/(admin|api|static|media|i18n)/|\.(pdf|xlsx|docx|csv|png|jpg|json)$|/files/|/pay/$|/payments/sandbox/"
)
MAX_PAGES_PER_ROLE = 60

# Elements wider than the screen, for the failure message: the innermost ones that stick out.
CULPRITS_JS = """() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0) {
      let scrolled = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p).overflowX;
        if (s === 'auto' || s === 'scroll' || s === 'hidden') { scrolled = true; break; }
      }
      const names = typeof el.className === 'string' ? el.className.trim() : '';
      const cls = names ? '.' + names.split(/\\s+/).join('.') : '';
      if (!scrolled) out.push(el.tagName.toLowerCase() + cls + ' (' + Math.round(r.right) + 'px)');
    }
  }
  return out.slice(-4);
}"""

AXE_JS = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo data and a live server, once for the module; the database is emptied afterwards, as a
    transactional test would leave it. The tests ask for `db` (a transaction each, rolled back): the seed is
    committed before, so what a test's pages write (sessions) goes and the seed stays for the next test."""
    from pytest_django.live_server_helper import LiveServer

    # The accounts are made with the fast hasher the tests sign in with (the root conftest's, per test).
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", stdout=quiet)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def shape(path: str) -> str:
    """One kind of page: segments holding a digit are codes or numbers."""
    return "/".join("<n>" if re.search(r"\d", part) else part for part in path.split("/"))


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    # Leaders and administrators pass the second factor, with the code their authenticator app would show.
    page.wait_for_url(re.compile(re.escape(base) + r"/(accounts/second-factor/.*)?$"))
    if "/accounts/second-factor/" in page.url:
        second_factor(page, username)
        page.wait_for_url(base + "/")


def walk(page, base: str) -> Iterator[str]:
    """Visit each kind of page the role can reach, yielding its path once the page is loaded."""
    queue = ["/", *EXTRA_START]
    seen: set[str] = set()
    visited = 0
    while queue and visited < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        response = page.goto(base + path)
        if response is None or response.status >= 400 or not page.url.startswith(base):
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited += 1
        yield path
        for href in page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"):
            url = urlsplit(urljoin(base + path, href))
            if f"{url.scheme}://{url.netloc}" != base or SKIP.search(url.path):
                continue
            if shape(url.path) not in seen:
                queue.append(url.path)


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(browser, site, db):
    failures: list[str] = []
    visited: dict[str, list[str]] = {}
    # axe takes most of the time: each kind of page once as the public or a citizen sees it, once as officers do.
    checked_by_axe: set[tuple[str, bool]] = set()
    for role, username in ROLES.items():
        context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
        context.add_init_script(path=str(AXE))  # injected by the browser, so the pages' CSP does not apply
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            sign_in(page, site, username)
        visited[role] = []
        started = time.monotonic()
        for path in walk(page, site):
            visited[role].append(path)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > PHONE["width"]:
                culprits = ", ".join(page.evaluate(CULPRITS_JS))
                failures.append(f"{role} {path}: {width} px wide ({culprits})")
            key = (shape(path), role not in ("anonymous", "citizen"))
            if key not in checked_by_axe:
                checked_by_axe.add(key)
                for violation in page.evaluate(AXE_JS):
                    failures.append(f"{role} {path}: axe {violation}")
        context.close()
        print(f"{role}: {len(visited[role])} pages in {time.monotonic() - started:.1f} s")
    # The walk reached the pages each role works in (so a broken menu cannot pass by visiting nothing).
    assert {"/services/", "/lookup/", "/report/", "/stats/public/"} <= set(visited["anonymous"])
    assert "/dossiers/" in visited["citizen"] and "/cameras/mine/" in visited["citizen"]
    for role in ("ward officer", "ward leader", "duty officer", "provincial leader"):
        reached = {shape(p) for p in visited[role]}
        assert {
            "/dossiers/",
            "/dossiers/<n>/",
            "/incidents/",
            "/cameras/console/",
            "/residence/",
            "/planning/",
        } <= reached, (
            role,
            sorted(reached),
        )
    assert "/tips/" in visited["duty officer"] and "/stats/" in visited["provincial leader"]
    assert "/portal-sync/" in visited["administrator"]
    assert not failures, "\n".join(failures)


SCREENS = {
    "phone": {"width": 360, "height": 780},
    "phone390": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 768},
}
MAIN_PAGES = {
    "home": "/",
    "services": "/services/",
    "dossiers": "/dossiers/",
    "stats": "/stats/",
    "logout": "/accounts/logout/",
}


def test_menu_button_and_one_line_header(browser, site, db, shot):
    """On a phone the menu is a disclosure button; at 1366 px the Vietnamese header is a title row and one
    line of navigation, even for the administrator, who has the most links. With PRECINCT_SCREENSHOTS=1,
    screenshots of the main pages in both languages at 360, 390 and 1366 px go to test-artifacts/screenshots/
    for a person to look at (they take longer than the checks, so not on every run)."""
    for screen, viewport in SCREENS.items():
        context = browser.new_context(viewport=viewport, locale="vi-VN", is_mobile=screen != "desktop")
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, site, "admin")
        button = page.locator(".menu-btn")
        nav = page.locator("nav.nav")
        if screen == "desktop":
            assert not button.is_visible()
            tops = {round(box["y"]) for box in (a.bounding_box() for a in nav.get_by_role("link").all()) if box}
            assert len(tops) == 1, f"the navigation wraps onto {len(tops)} lines at 1366 px"
            brand, session = page.locator(".brand").bounding_box(), page.locator(".session").bounding_box()
            assert brand and session and session["y"] < brand["y"] + brand["height"]  # one title row
            for _ in range(3):  # the skip link, the brand, the first menu link: focus is visible on each
                page.keyboard.press("Tab")
                style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert style not in ("none", ""), page.evaluate("document.activeElement.outerHTML")
        else:
            assert button.get_attribute("aria-expanded") == "false" and not nav.is_visible()
            button.click()
            assert button.get_attribute("aria-expanded") == "true" and nav.is_visible()
            page.keyboard.press("Escape")
            assert button.get_attribute("aria-expanded") == "false" and not nav.is_visible()
        if not os.environ.get("PRECINCT_SCREENSHOTS"):
            context.close()
            continue
        for language in ("vi", "en"):
            if language == "en":
                if screen != "desktop":
                    button.click()
                page.locator("button[name=language][value=en]").click()
                page.wait_for_load_state()
            for name, path in MAIN_PAGES.items():
                page.goto(site + path)
                shot(page, f"layout-{name}-{language}-{screen}")
        context.close()
