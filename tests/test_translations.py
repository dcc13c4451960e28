"""Every user-facing string has a bokmål translation, in the catalogue of its area."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts/translations.py")
assert _spec and _spec.loader
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

CATALOGUES = translations.catalogues()


@pytest.mark.parametrize("directory", sorted(CATALOGUES), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(directory: Path, tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    translations.extract(CATALOGUES[directory], pot)
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    po = directory / "nb" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalogue = read_po(f)
    done = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(wanted - done)
    assert not missing, f"untranslated in {po.relative_to(ROOT)}:\n" + "\n".join(missing)
