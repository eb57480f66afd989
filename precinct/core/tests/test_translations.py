"""Vietnamese first: every message has a finished Vietnamese translation."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# The project's catalogue and each app's own (apps added later keep theirs beside their code).
CATALOGUES = [
    ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po",
    *sorted(ROOT.glob("precinct/*/locale/vi/LC_MESSAGES/django.po")),
]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_vietnamese_catalogue_is_complete(tmp_path, po):
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "vi.mo"), str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    stats = result.stderr.strip()
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
