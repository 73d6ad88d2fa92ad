"""The arrows between the apps (import-linter's contracts in pyproject.toml) hold, and they bite.

`make lint` runs the same check; this test also proves that a wrong import would be caught, by
adding one to a copy of the tree.
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("common", "studio", "staff", "bookings", "intake", "reflexology")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the apps' packages (what import-linter reads)."""
    skip = shutil.ignore_patterns("*.pyc", "__pycache__")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=skip)
    return tmp_path


def test_the_tree_keeps_every_contract(tree):
    result = lint_imports(tree)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import"),
    [
        ("reflexology/models.py", "import bookings.models\n"),  # content must not know about bookings
        ("intake/screening.py", "from staff import roles\n"),  # nor the screening about the back office
        ("common/mail.py", "import studio.views\n"),  # infrastructure uses no app
        ("bookings/booking.py", "from bookings.web import flow_views\n"),  # the domain uses no page
    ],
)
def test_a_wrong_import_breaks_the_lint(tree, module, wrong_import):
    with (tree / module).open("a") as source:
        source.write(wrong_import)

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_the_domain_contract_names_every_module_of_bookings_but_web():
    """A new module of the booking domain is covered by the "domain uses no page" contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c.get("forbidden_modules") == ["bookings.web"]
    )
    modules = {
        f"bookings.{path.stem}"
        for path in (ROOT / "bookings").iterdir()
        if path.name != "web"
        and ((path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists())
    }

    assert modules - set(contract["source_modules"]) == set()
