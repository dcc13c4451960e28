"""Uploaded files (a subsidy application's attachments, a health-service report's file):
checked by content, kept under generated names in ``ATTACHMENT_DIR``.

A new file is written beside the store (``.pending/``) and moved into place only when the
transaction that holds its row commits; a rollback removes it. A deleted row's file goes after
the commit. So a failure half-way leaves neither an orphan file nor a row without one.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path, PurePosixPath

from flask import Flask, current_app, request, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from .errors import DomainError
from .translation import lazy_gettext as _l

MAX_BYTES = 10 * 1024 * 1024
# The body of an upload: the file and the form's few other fields.
UPLOAD_LIMIT = MAX_BYTES + 64 * 1024
PENDING = "attachment_files_pending"
DOOMED = "attachment_files_doomed"
UPLOAD_ENDPOINTS = "upload_endpoints"

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


def checked(data: bytes, field: str = "file") -> str:
    """The content type of an upload that passes the size and type checks, else DomainError."""
    if not data:
        raise DomainError(str(_l("Choose a file.")), field)
    if len(data) > MAX_BYTES:
        raise DomainError(str(_l("The file is larger than 10 MB.")), field, status=413)
    content_type = sniff(data)
    if content_type is None:
        raise DomainError(
            str(_l("The file must be a PDF, PNG or JPEG (checked by its content).")), field
        )
    return content_type


def read(uploaded: FileStorage | None) -> tuple[str, bytes]:
    """The browser's file name and the bytes of a form's file field (empty when none was sent)."""
    if uploaded is None:
        return "", b""
    return uploaded.filename or "", uploaded.read(UPLOAD_LIMIT)


def new_stored_name() -> str:
    return secrets.token_hex(16)


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


def download(stored_name: str, content_type: str, name: str) -> Response | None:
    """The stored file as a download that no browser renders inline, or None when the store
    lost it (an incomplete restore): the caller says so rather than fail."""
    path = stored_path(stored_name)
    if not path.is_file():
        return None
    response: Response = send_file(
        path,
        mimetype=content_type,
        as_attachment=True,
        download_name=name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


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


def accept_uploads(app: Flask, *endpoints: str) -> None:
    """Let ``endpoints`` take a file: their larger body limit must hold before anything reads
    the form. CSRF protection reads it in the app's own before_request, so this hook goes
    first."""
    listen()
    wanted: set[str] = app.extensions.setdefault(UPLOAD_ENDPOINTS, set())
    if not wanted:
        app.before_request_funcs.setdefault(None, []).insert(0, _upload_limit)
    wanted.update(endpoints)


def _upload_limit() -> None:
    if request.endpoint in current_app.extensions[UPLOAD_ENDPOINTS]:
        request.max_content_length = UPLOAD_LIMIT
