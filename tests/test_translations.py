"""Every user-facing string has a bokmål and a nynorsk translation, in the catalogue of its area,
with the same placeholders as the English source."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts/translations.py")
assert _spec and _spec.loader
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

CATALOGUES = translations.catalogues()
LOCALES = translations.LOCALES
# gettext's %(name)s / %(n)d and str.format's {name}.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
CASES = [(d, locale) for d in sorted(CATALOGUES) for locale in LOCALES]


def _id(case: tuple[Path, str]) -> str:
    return f"{case[0].relative_to(ROOT)}:{case[1]}"


def _singular(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _strings(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _catalogue(directory: Path, locale: str) -> list[Message]:
    with (directory / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return [m for m in read_po(f) if m.id]


def test_nb_and_nn_are_kept() -> None:
    assert {"nb", "nn"} <= set(LOCALES)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_catalogue_is_complete(case: tuple[Path, str], tmp_path: Path) -> None:
    directory, locale = case
    pot = tmp_path / "messages.pot"
    translations.extract(CATALOGUES[directory], pot)
    with pot.open("rb") as f:
        wanted = {_singular(m) for m in read_po(f) if m.id}
    done = {
        _singular(m)
        for m in _catalogue(directory, locale)
        if not m.fuzzy and all(_strings(m.string))
    }
    missing = sorted(wanted - done)
    where = directory.relative_to(ROOT) / locale
    assert not missing, f"untranslated in {where}:\n" + "\n".join(missing)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_placeholders_match_the_source(case: tuple[Path, str]) -> None:
    directory, locale = case
    wrong = []
    for message in _catalogue(directory, locale):
        wanted = {p for text in _strings(message.id) for p in PLACEHOLDER.findall(text)}
        for text in _strings(message.string):
            found = set(PLACEHOLDER.findall(text))
            # A singular form may leave out the count ("one day"); nothing may be added.
            plural_ok = isinstance(message.id, tuple) and found <= wanted
            if text and found != wanted and not plural_ok:
                wrong.append(f"{_singular(message)!r}: {text!r}")
    assert not wrong, (
        f"placeholders differ in {directory.relative_to(ROOT)}/{locale}:\n" + "\n".join(wrong)
    )
