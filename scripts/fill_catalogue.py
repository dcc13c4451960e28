"""Fill msgstr entries of a catalogue from a Python dict file: `fill_catalogue.py PO DICT.py`.

A maintenance aid for translators; entries not in the dict are left as they are.
"""

from __future__ import annotations

import runpy
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path: str, dict_path: str) -> None:
    translations = runpy.run_path(dict_path)["T"]
    with open(po_path, "rb") as f:
        catalogue = read_po(f)
    for message in catalogue:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
    with open(po_path, "wb") as f:
        write_po(f, catalogue, width=100)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
