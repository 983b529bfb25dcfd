"""Copy the front-end files the pages use from node_modules/ into anjian/static/vendor/.

Run after `npm ci`. The vendor directory is git-ignored: the libraries come from npm, pinned by
package-lock.json, never pasted into the repository. Each entry names a file or a directory.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "anjian" / "static" / "vendor"

# (source under node_modules, destination under vendor)
FILES = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"),
    ("bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    ("bootstrap-icons/font/fonts", "bootstrap-icons/fonts"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
    ("signature_pad/dist/signature_pad.umd.min.js", "signature_pad/signature_pad.umd.min.js"),
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images", "leaflet/images"),
]


def copy(source, destination):
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, destination, dirs_exist_ok=True)
    else:
        shutil.copy2(source, destination)


def main():
    missing = [src for src, _ in FILES if not (NODE_MODULES / src).exists()]
    if missing:
        print(
            "node_modules lacks: " + ", ".join(missing) + "\nRun `npm ci` in " + str(ROOT) + " first.",
            file=sys.stderr,
        )
        return 1
    for src, dst in FILES:
        copy(NODE_MODULES / src, VENDOR / dst)
    print(f"copied {len(FILES)} front-end entries into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
