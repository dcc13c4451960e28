"""Message catalogues: ``update`` extracts and merges, ``compile`` builds the .mo files.

Each area (``iwemployer/<area>/translations``) keeps its own catalogue for the code in
``iwemployer/<area>/`` and ``iwemployer/templates/<area>/``; ``iwemployer/translations`` holds the
rest. Flask-Babel merges them at run time. Source strings are English; bokmål and nynorsk are
translated.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "iwemployer"
LOCALES = ("nb", "nn")
BIN = Path(sys.executable).parent


def catalogues() -> dict[Path, list[Path]]:
    """Each translations folder and the source files it covers."""
    areas = {p.parent.name: p for p in PACKAGE.glob("*/translations")}
    sources: dict[Path, list[Path]] = {p: [] for p in areas.values()}
    core = PACKAGE / "translations"
    sources[core] = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".html") or "translations" in path.parts:
            continue
        rel = path.relative_to(PACKAGE).parts
        area = rel[1] if rel[0] == "templates" and len(rel) > 2 else rel[0]
        sources[areas.get(area, core)].append(path)
    return sources


def extract(files: list[Path], pot: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # pybabel extracts from folders; mirror the files so the mapping patterns apply.
        for f in files:
            target = Path(tmp) / f.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, target)
        subprocess.run(
            [
                BIN / "pybabel",
                "-q",
                "extract",
                "-F",
                str(ROOT / "babel.cfg"),
                "-k",
                "_l",
                "--no-location",
                "--sort-output",
                "-o",
                str(pot),
                tmp,
            ],
            check=True,
        )


def update() -> None:
    for directory, files in catalogues().items():
        directory.mkdir(exist_ok=True)
        pot = directory / "messages.pot"
        extract(files, pot)
        for locale in LOCALES:
            po = directory / locale / "LC_MESSAGES" / "messages.po"
            verb = "update" if po.exists() else "init"
            cmd = [BIN / "pybabel", "-q", verb, "-i", str(pot), "-d", str(directory), "-l", locale]
            if verb == "update":
                cmd += ["--no-fuzzy-matching", "--ignore-obsolete", "--ignore-pot-creation-date"]
            subprocess.run(cmd, check=True)
        pot.unlink()


def compile_all() -> None:
    for directory in catalogues():
        if any(directory.glob("*/LC_MESSAGES/messages.po")):
            subprocess.run([BIN / "pybabel", "-q", "compile", "-d", str(directory)], check=True)


if __name__ == "__main__":
    {"update": update, "compile": compile_all}[sys.argv[1]]()
