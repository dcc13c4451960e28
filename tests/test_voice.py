"""One voice in bokmål and nynorsk: each text speaks to one addressee (the enterprise as
"dere"/"de", the person as "du"), "vi" only where the English source speaks as "we", and the
terms people search for on the pages they look for them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import WebClient, World

PACKAGE = Path(__file__).resolve().parent.parent / "iwemployer"

# The person ("du") and the enterprise (bokmål "dere", nynorsk "de"/"dykk").
PERSON = re.compile(r"\b(du|deg|din|ditt|dine)\b", re.IGNORECASE)
ENTERPRISE = {
    "nb": re.compile(r"\b(dere|deres)\b", re.IGNORECASE),
    "nn": re.compile(r"\b(de|dykk|dykkar)\b", re.IGNORECASE),
}
WE = re.compile(r"\b(vi|oss|vår|vårt|våre)\b", re.IGNORECASE)
WE_SOURCE = re.compile(r"\b(we|us|our|ours)\b", re.IGNORECASE)


def _texts(language: str) -> list[tuple[str, str, str]]:
    """(catalogue, msgid, msgstr) for every translated text and plural form."""
    found = []
    for path in sorted(PACKAGE.glob(f"**/translations/{language}/LC_MESSAGES/messages.po")):
        with path.open("rb") as f:
            for message in read_po(f):
                if not message.id:
                    continue
                source = message.id if isinstance(message.id, str) else message.id[0]
                forms = message.string if isinstance(message.string, tuple) else [message.string]
                found.extend((str(path.relative_to(PACKAGE)), source, s) for s in forms if s)
    return found


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_a_text_speaks_either_to_the_person_or_to_the_enterprise(language: str) -> None:
    mixed = [
        f"{where}: {text}"
        for where, _source, text in _texts(language)
        if PERSON.search(text) and ENTERPRISE[language].search(text)
    ]
    assert not mixed, "du and dere in one text:\n" + "\n".join(mixed)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_only_the_centre_says_we(language: str) -> None:
    added = [
        f"{where}: {source} → {text}"
        for where, source, text in _texts(language)
        if WE.search(text) and not WE_SOURCE.search(source)
    ]
    assert not added, "'vi' where the source does not speak as 'we':\n" + "\n".join(added)


@pytest.mark.parametrize(
    ("language", "agreement", "graded", "subsidy"),
    [
        ("nb", "Samarbeidsavtale (IA-avtale)", "Gradert sykmelding", "tilretteleggingstilskudd"),
        ("nn", "Samarbeidsavtale (IA-avtale)", "Gradert sjukmelding", "tilretteleggingstilskot"),
    ],
)
def test_the_terms_people_search_for_are_on_their_pages(
    world: World,
    client: WebClient,
    language: str,
    agreement: str,
    graded: str,
    subsidy: str,
) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    client.post("/language", {"language": language, "next": "/"})
    home = f"/enterprises/{world.nordlys.id}"
    assert f">{agreement}</h2>" in client.get(home).text
    assert f">{graded} over tid</h2>" in client.get(f"{home}/statistics").text
    subsidies = client.get(f"{home}/subsidies").text
    assert re.search(rf"<h1[^>]*>[^<]*{subsidy}", subsidies)
