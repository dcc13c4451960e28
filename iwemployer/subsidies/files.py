"""Attachment files: checked by content, kept under generated names in ``ATTACHMENT_DIR``.

A new file is written beside the store (``.pending/``) and moved into place only when the
transaction that holds its row commits; a rollback removes it. A deleted row's file goes after
the commit. So a failure half-way leaves neither an orphan file nor a row without one.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

PENDING = "subsidy_files_pending"
DOOMED = "subsidy_files_doomed"

# The first bytes of each allowed type; the name and the browser's claim are never trusted.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
EXTENSIONS = {content_type: ext for _, content_type, ext in SIGNATURES}


def sniff(data: bytes) -> str | None:
    """The content type by the file's magic bytes: PDF, PNG or JPEG, else None."""
    for magic, content_type, _ext in SIGNATURES:
        if data.startswith(magic):
            return content_type
    return None


def display_name(filename: str, content_type: str) -> str:
    """The user's file name without any path, control or odd characters, with the right ending."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[^\w .()\-]", "_", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:150] or "vedlegg"
    return stem + EXTENSIONS[content_type]


def store() -> Path:
    path = Path(current_app.config["ATTACHMENT_DIR"])
    (path / ".pending").mkdir(parents=True, exist_ok=True)
    return path


def stored_path(stored_name: str) -> Path:
    # Generated hex names only: nothing the user typed reaches the file system.
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise ValueError("not a generated attachment name")
    return store() / stored_name


def place_on_commit(session: Session, stored_name: str, data: bytes) -> None:
    final = stored_path(stored_name)
    pending = final.parent / ".pending" / stored_name
    pending.write_bytes(data)
    session.info.setdefault(PENDING, []).append((pending, final))


def remove_on_commit(session: Session, stored_name: str) -> None:
    session.info.setdefault(DOOMED, []).append(stored_path(stored_name))


def _committed(session: Session) -> None:
    for pending, final in session.info.pop(PENDING, []):
        pending.replace(final)
    for path in session.info.pop(DOOMED, []):
        path.unlink(missing_ok=True)


def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is not None:
        return
    for pending, _final in session.info.pop(PENDING, []):
        pending.unlink(missing_ok=True)
    session.info.pop(DOOMED, None)


def listen() -> None:
    """Follow every session's commits and rollbacks (once per process)."""
    for name, listener in (("after_commit", _committed), ("after_soft_rollback", _rolled_back)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
