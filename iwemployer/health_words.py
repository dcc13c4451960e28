"""A soft warning before free text that looks like health details is stored.

This site must not hold health details about employees, yet people describing a case tend to
write "Kari er sykmeldt for depresjon". A list of diagnosis and health words (bokmål, nynorsk,
English) catches the common cases; the user may still send the text after ticking that it holds
no health details about named employees, since a word list cannot read context.

The list is modest on purpose: sick leave itself ("sykmeldt", "sykefravær") is what the centre
works with every day and is not listed; "psykisk" only together with an illness word, because
"psykisk helse" and "psykososialt arbeidsmiljø" are ordinary topics of a plan. Words are matched
whole (a word boundary at both ends, inflected and compound forms spelled out), after the same
Unicode normalisation as the identity-number guard, so "DEPRESJON", a soft hyphen or full-width
letters are found too.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import DomainError
from .identity import normalise
from .translation import gettext as _

# One alternative per term; each is matched as whole words, case-folded.
_TERMS = (
    # depression
    r"\w*depresjon\w*",
    r"deprimert\w*",
    r"depress(?:ion|ions|ed|ive)",
    # cancer ("krefter", strengths, is not cancer)
    r"\w*kreft(?:en|a|syk\w*|sjuk\w*|behandling\w*|diagnose\w*)?",
    r"\w*cancer\w*",
    # a diagnosis as such
    r"diagnos\w*",
    # pregnancy
    r"gravid\w*",
    r"pregnan\w*",
    # mental illness: "psykisk" only with an illness word
    r"psykisk(?:e)?\s+(?:syk\w*|sjuk\w*|lidel\w*|uhels\w*|problem\w*)",
    r"psykiatri\w*",
    r"psychiatr\w*",
    r"mental(?:ly)?\s+ill\w*",
    # substance abuse
    r"rus(?:en|a)?",
    r"rus(?:problem|misbruk|avhengig|middel|midl|behandling)\w*",
    r"alkoholi\w*",
    r"alcoholi\w*",
    r"addict\w*",
    r"substance\s+abuse",
    # anxiety, burnout and other common diagnoses
    r"angst(?:en|lidel\w*|anfall\w*)?",
    r"anxiety",
    r"utbrent\w*",
    r"utbrend\w*",
    r"burn-?out",
    r"\w*diabetes",
    r"epilep\w*",
    r"schizofren\w*",
    r"schizophren\w*",
    r"bipolar\w*",
    r"adhd",
    r"ptsd",
    r"autis\w*",
    r"demens\w*",
    r"dementia",
    r"migrene\w*",
    r"migraine\w*",
    r"\w*prolaps\w*",
    r"spiseforstyrr\w*",
    r"eating\s+disorder\w*",
    r"selvmord\w*",
    r"sjølvmord\w*",
    r"suicid\w*",
    r"hjerteinfarkt\w*",
    r"heart\s+attack\w*",
    r"\w*abort(?:en|ar|er|ane|ene)?",
    r"miscarr\w*",
)
_PATTERN = re.compile(r"\b(?:" + "|".join(_TERMS) + r")\b")


class HealthDetailsWarning(DomainError):
    """Text that may hold health details, sent without the user's confirmation that it does not:
    shown at the field with the confirmation box; nothing is saved."""

    def __init__(self, words: list[str], field: str) -> None:
        quoted = ", ".join(f"“{word}”" for word in words)
        message = _(
            "The text seems to hold health details (%(words)s). Health details about employees "
            "must not be written here: the site is not made to protect them. Write in general "
            "terms, or tick the box below if the text holds no health details about named "
            "employees.",
            words=quoted,
        )
        super().__init__(message, field)
        self.words = words


def _normalised(text: str) -> str:
    # Soft hyphens and zero-width characters inside a word are dropped, not made a space.
    kept = "".join(
        ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf"
    )
    return normalise(kept).casefold()


def health_words(text: str | None) -> list[str]:
    """The health words in ``text``, each once, in the order written."""
    if not text:
        return []
    found: list[str] = []
    for match in _PATTERN.finditer(_normalised(text)):
        word = " ".join(match.group().split())
        if word not in found:
            found.append(word)
    return found


def check_health_details(confirmed: bool, /, **fields: str | None) -> None:
    """Warn (``HealthDetailsWarning``) about the first field with health words, unless the user
    confirmed that the text holds no health details about named employees."""
    if confirmed:
        return
    for name, text in fields.items():
        words = health_words(text)
        if words:
            raise HealthDetailsWarning(words, name)
