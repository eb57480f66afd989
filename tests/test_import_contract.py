"""The import layers in pyproject.toml hold on the real tree, and a wrong import breaks them (so the check bites)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # --no-cache: nothing is written beside the code analysed. PYTHONPATH first, so `precinct` is the one
    # under cwd, not the editable install of the real tree.
    env = {**os.environ, "PYTHONPATH": str(cwd), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(  # noqa: S603 -- our own virtual environment's tool, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def _python_only(directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__" or (not n.endswith(".py") and not Path(directory, n).is_dir())]


def test_the_real_tree_keeps_the_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_kernel_module_importing_an_app_breaks_the_layers(tmp_path):
    shutil.copytree(ROOT / "precinct", tmp_path / "precinct", ignore=_python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "precinct" / "core" / "bad.py").write_text(
        '"""A kernel module that reaches up into an app."""\n\nfrom precinct.eservices.models import Dossier\n'
    )
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "precinct.core is not allowed to import precinct.eservices" in result.stdout
    assert "precinct.core.bad -> precinct.eservices.models (l.3)" in result.stdout
    assert not (ROOT / "precinct" / "core" / "bad.py").exists()


def test_application_code_importing_the_test_kit_breaks_the_layers(tmp_path):
    shutil.copytree(ROOT / "precinct", tmp_path / "precinct", ignore=_python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "precinct" / "stats" / "bad.py").write_text("from precinct.testing import build_world\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "precinct.stats.bad -> precinct.testing (l.1)" in result.stdout
