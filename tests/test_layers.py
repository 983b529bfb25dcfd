"""The app layers of pyproject.toml ([tool.importlinter]) hold, so a plain pytest run catches an import
that climbs a layer (say registry importing hazards) just as scripts/test.sh's lint-imports step does."""

import re
import subprocess
import sys
from pathlib import Path

from importlinter import api

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_every_import_contract_is_kept():
    run = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_the_layers_name_every_app():
    """An app left out of the layers could import anything: each package under anjian/ must be in one."""
    contracts = api.read_configuration(str(ROOT / "pyproject.toml"))["contracts_options"]
    apps_contract = next(c for c in contracts if c["name"].startswith("Apps stand in layers"))
    layered = set()
    for layer in apps_contract["layers"]:
        layered |= {name.strip("() ") for name in re.split(r"[|:]", layer)}
    packages = {f"anjian.{p.name}" for p in (ROOT / "anjian").iterdir() if (p / "__init__.py").is_file()}
    assert "anjian.registry" in packages  # the walk found the apps
    assert packages - layered == set()
