"""Drops the Aksel rules no template uses from the design system's stylesheet.

Usage: purge_css.py FULL.css OUT.css

The full `@navikt/ds-css` file is 228 KB (38 KB gzipped) for ~50 of its ~600 `aksel-*` classes.
A selector is kept unless it names, outside any parentheses, an `aksel-*` class that no template,
static script or Python module mentions; everything that is not an `aksel-*` class (the reset,
the tokens, `[data-color=...]`/`[data-variant=...]` attribute selectors on kept classes, keyframes)
is kept as it is. Class names built in templates (`aksel-{{ kind }}--error`,
`"aksel-" ~ kind ~ "__input"`) are read as "any used component with that suffix".
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *(ROOT / "iwemployer").rglob("*.html"),
    *(ROOT / "iwemployer").rglob("*.py"),
    *(p for p in (ROOT / "iwemployer" / "static").glob("*.js")),
]
CLASS = re.compile(r"aksel-[A-Za-z0-9_-]+")
# `aksel-{{ kind }}--error` and `"aksel-" ~ kind ~ "__input"`: a built name's suffix.
BUILT_SUFFIX = re.compile(r"""aksel-(?:\{\{[^}]*\}\}|"\s*~\s*\w+\s*~\s*")([A-Za-z0-9_-]+)""")


def used_classes(texts: list[str]) -> set[str]:
    used: set[str] = set()
    suffixes: set[str] = set()
    for text in texts:
        used.update(c for c in CLASS.findall(text) if not c.endswith("-"))
        suffixes.update(BUILT_SUFFIX.findall(text))
    bases = {c for c in used if "--" not in c and "__" not in c}
    used.update(base + suffix for base in bases for suffix in suffixes)
    return used


def _skip_string(css: str, i: int) -> int:
    quote = css[i]
    i += 1
    while css[i] != quote:
        i += 2 if css[i] == "\\" else 1
    return i + 1


def _block_end(css: str, start: int) -> int:
    """Index just past the `}` that closes the `{` at ``start``."""
    depth = 0
    i = start
    while True:
        ch = css[i]
        if ch in "\"'":
            i = _skip_string(css, i)
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def _split_top_level(selectors: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in selectors:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _outside_parentheses(selector: str) -> str:
    out, depth = [], 0
    for ch in selector:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _keep_selector(selector: str, used: set[str]) -> bool:
    return all(c in used for c in CLASS.findall(_outside_parentheses(selector)))


def purge(css: str, used: set[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(css):
        brace = css.find("{", i)
        semicolon = css.find(";", i)
        if brace == -1:
            out.append(css[i:])
            break
        if css[i] == "@" and semicolon != -1 and semicolon < brace:
            out.append(css[i : semicolon + 1])  # `@layer a,b;`, `@import ...;`
            i = semicolon + 1
            continue
        prelude = css[i:brace]
        end = _block_end(css, brace)
        body = css[brace + 1 : end - 1]
        if prelude.startswith(("@media", "@supports", "@layer", "@container")):
            inner = purge(body, used)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(css[i:end])  # @keyframes, @starting-style and the like: kept whole
        else:
            kept = [s for s in _split_top_level(prelude) if _keep_selector(s, used)]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
        i = end
    return "".join(out)


def main() -> None:
    full, target = Path(sys.argv[1]), Path(sys.argv[2])
    used = used_classes([p.read_text(encoding="utf-8") for p in SOURCES])
    css = full.read_text(encoding="utf-8")
    purged = purge(css, used)
    target.write_text(purged, encoding="utf-8")
    print(f"{target.name}: {len(css):,} → {len(purged):,} bytes, {len(used)} aksel classes used")


if __name__ == "__main__":
    main()
