"""Tables on a phone: the statistics, the crime-report queue, the camera registry and the residence tables
are stacked cards at 360 px (core's `.table--cards`, each cell named by its data-label), so neither the page
nor a table's own box scrolls sideways; at 1366 px they are ordinary tables again."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Every table on the page: is it cards, does its box scroll, how are its rows laid out, are its cells named.
TABLES_JS = """() => [...document.querySelectorAll('main table')].map(t => {
  const box = t.closest('.table-scroll') || t;
  const row = t.querySelector('tbody tr');
  const cells = row ? [...row.querySelectorAll('td')] : [];
  return {
    cards: t.classList.contains('table--cards'),
    scrolls: box.scrollWidth > box.clientWidth + 1,
    rowDisplay: row ? getComputedStyle(row).display : '',
    labelled: cells.slice(1).filter(c => !c.hasAttribute('colspan')).every(c => c.dataset.label),
    cells: cells.length,
  };
})"""

PAGES = {
    None: ["/stats/public/"],
    "truc.haan": ["/tips/"],
    "lanhdao.tinh": ["/stats/", "/stats/dossiers/", "/cameras/", "/residence/", "/residence/guests/"],
}


def _check(page, path: str, width: int) -> list[str]:
    failures = []
    tables = page.evaluate(TABLES_JS)
    if not tables:
        failures.append(f"{path}: no table")
    for n, table in enumerate(tables):
        where = f"{path} table {n + 1} at {width} px"
        if not table["cards"]:
            failures.append(f"{where}: not .table--cards")
        if table["scrolls"]:
            failures.append(f"{where}: scrolls sideways in its box")
        if width == 360 and table["cells"] > 1 and table["rowDisplay"] != "block":
            failures.append(f"{where}: rows are not stacked ({table['rowDisplay']})")
        if width > 640 and table["rowDisplay"] not in ("", "table-row"):
            failures.append(f"{where}: rows are not table rows on a wide screen")
        if not table["labelled"]:
            failures.append(f"{where}: a cell has no data-label")
    untranslated = page.evaluate(
        "() => [...document.querySelectorAll('main td[data-label]')].map(c => c.dataset.label)"
        ".filter(l => /^(Received|Resolved|Early|On time|Late|Avg|Overdue|Unit|Procedure)/.test(l))"
    )
    if untranslated:
        failures.append(f"{path}: labels left in English on a Vietnamese page: {sorted(set(untranslated))}")
    if page.evaluate("document.scrollingElement.scrollWidth") > width:
        failures.append(f"{path}: the page scrolls sideways at {width} px")
    return failures


def test_the_officers_tables_are_cards_on_a_phone(browser, live_server, demo, shot):
    failures: list[str] = []
    for username, paths in PAGES.items():
        context = browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        if username:
            sign_in(page, username)
        if username == "lanhdao.tinh":
            page.goto(live_server.url + "/residence/")
            paths = [*paths, page.locator("main table a").first.get_attribute("href")]
            page.goto(live_server.url + paths[-1])
            household = page.locator("a[href^='/residence/households/']")
            if household.count():
                paths.append(household.first.get_attribute("href"))
        for path in paths:
            for width in (360, 1366):
                page.set_viewport_size({"width": width, "height": 780})
                page.goto(live_server.url + path)
                failures += _check(page, path, width)
                if width == 360 or path in ("/tips/", "/stats/"):
                    shot(page, f"tables{path.replace('/', '-').rstrip('-')}-{width}")
        context.close()
    assert not failures, "\n".join(failures)
