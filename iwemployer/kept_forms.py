"""A form sent after the session ended is not lost: its fields (never passwords or tokens of
the session) are kept on the server for a short while, the person signs in again and gets the
same form back filled in, to check and send again.

The fields are kept in a file under ``KEPT_FORM_DIR`` (they may be longer than a cookie can
hold), named by the hash of a random key that only this browser's session cookie carries, and
given back only to the same person. A kept form lives ``KEPT_FORM_MINUTES``; older ones are
removed whenever another is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, request, session
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField
from wtforms.fields.core import UnboundField
from wtforms.widgets import HiddenInput

from .translation import gettext

SESSION_KEY = "kept_form"
# Who signed in with this browser's session cookie: after the server-side session has ended
# (and its record is gone), a form sent with the cookie is kept for that person only.
OWNER_KEY = "signed_in_user_id"
# Typed text that is never kept nor echoed back into a page.
SECRET_FIELDS = {"csrf_token", "password", "current_password", "new_password", "confirm_password"}
# Anything longer was not typed into our forms.
KEPT_FIELD_MAX = 10_000


@dataclass(frozen=True)
class KeptForm:
    user_id: int
    page: str
    fields: list[tuple[str, str]]

    @property
    def names(self) -> set[str]:
        return {name for name, _ in self.fields}


def submitted_fields(form: MultiDict[str, str]) -> list[tuple[str, str]]:
    """What a person typed into ``form``, without secrets and without anything oversized."""
    return [
        (key, value)
        for key, values in form.lists()
        if key not in SECRET_FIELDS and len(key) <= 100
        for value in values
        if len(value) <= KEPT_FIELD_MAX
    ]


def _directory() -> Path:
    return Path(current_app.config["KEPT_FORM_DIR"])


def _path(key: str) -> Path:
    return _directory() / (hashlib.sha256(key.encode()).hexdigest() + ".json")


def _lifetime() -> float:
    return float(current_app.config["KEPT_FORM_MINUTES"]) * 60


def form_page() -> str:
    """The page the form was on: the browser's same-site Referer, else the address it was sent
    to (most forms post to their own page)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return request.path


def remember_owner(user_id: int) -> None:
    """At sign-in, in the fresh session cookie."""
    session[OWNER_KEY] = user_id


def signed_in_before() -> int | None:
    """The person whose session this cookie carried, if one did (the cookie is signed)."""
    owner = session.get(OWNER_KEY)
    return owner if isinstance(owner, int) else None


def keep(user_id: int, page: str, fields: list[tuple[str, str]]) -> None:
    """Keep ``fields`` for ``user_id`` until they sign in again in this browser."""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    _remove_old(directory)
    key = secrets.token_urlsafe(32)
    record = {"user_id": user_id, "page": page, "fields": fields, "kept_at": time.time()}
    _path(key).write_text(json.dumps(record), encoding="utf-8")
    _path(key).chmod(0o600)
    session[SESSION_KEY] = key


def _remove_old(directory: Path) -> None:
    oldest = time.time() - _lifetime()
    for path in directory.glob("*.json"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except FileNotFoundError:  # another worker removed it first
            pass


def waiting(user_id: int) -> KeptForm | None:
    """The form this browser kept for ``user_id``, if any and still fresh."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str):
        return None
    try:
        record = json.loads(_path(key).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        session.pop(SESSION_KEY, None)
        return None
    if record["user_id"] != user_id or record["kept_at"] < time.time() - _lifetime():
        return None
    return KeptForm(user_id, record["page"], [tuple(pair) for pair in record["fields"]])


def discard() -> None:
    key = session.pop(SESSION_KEY, None)
    if isinstance(key, str):
        _path(key).unlink(missing_ok=True)


def _for_this_page() -> None:
    """On a GET of the page a kept form belongs to, its fields go to the form that has them
    (``_kept_or_submitted``); the kept copy is removed once a form took it."""
    from flask_login import current_user

    if request.method != "GET" or SESSION_KEY not in session:
        return
    if not current_user.is_authenticated:
        return
    kept = waiting(current_user.id)
    if kept is not None and kept.page == request.full_path.rstrip("?"):
        g.kept_form = kept


def unused_answers() -> list[tuple[str, str]]:
    """On the kept form's page without that form (an inline edit that is closed again after
    signing in): the answers to copy back, labelled; shown once, then the kept copy goes."""
    kept: KeptForm | None = g.get("kept_form")
    if kept is None or g.get("kept_form_used"):
        return []
    g.kept_form_used = True
    return labelled(kept.fields)


def refilled(form: FlaskForm) -> bool:
    """Was ``form`` filled from a kept form? (Then a view leaves its defaults out.)"""
    return bool(getattr(form, "refilled", False))


def _used(response: Any) -> Any:
    if g.get("kept_form_used"):
        discard()
    return response


_flask_wrap_formdata = FlaskForm.Meta.wrap_formdata


def _kept_or_submitted(self: Any, form: Any, formdata: Any) -> Any:
    """Flask-WTF's choice of form data, except that on the page of a kept form the form with
    all of its fields gets them back (every form of the site is a FlaskForm)."""
    kept: KeptForm | None = g.get("kept_form")
    if formdata is _Auto and kept is not None and not g.get("kept_form_used"):
        names = {field.name for field in form}
        if kept.names and kept.names <= names:
            g.kept_form_used = True
            form.refilled = True
            flash(gettext("Welcome back. What you typed is filled in again: check it and send it."))
            return MultiDict(kept.fields)
    return _flask_wrap_formdata(self, form, formdata)


def init_app(app: Flask) -> None:
    FlaskForm.Meta.wrap_formdata = _kept_or_submitted
    app.before_request(_for_this_page)
    app.jinja_env.globals["unused_kept_answers"] = unused_answers
    app.after_request(_used)


# --- the labels of kept fields, for the expired-form page ------------------------------------


def _form_classes(base: type = FlaskForm) -> Iterator[type]:
    cls: type
    for cls in base.__subclasses__():
        yield cls
        yield from _form_classes(cls)


def _unbound_fields(cls: type) -> dict[str, UnboundField]:
    return {
        name: value
        for name in dir(cls)
        if not name.startswith("_") and isinstance(value := getattr(cls, name), UnboundField)
    }


def _bare(name: str) -> str:
    """A field name without its form's prefix (``status12-status`` → ``status``)."""
    return name.split("-", 1)[1] if "-" in name else name


def labelled(fields: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The kept answers a person can read, as (label, value): labelled as the form that has
    these fields labels them; hidden fields (tokens, revisions) and unknown names left out."""
    fields = list(fields)
    names = {_bare(name) for name, _ in fields}
    best: dict[str, UnboundField] = {}
    for cls in _form_classes():
        unbound = _unbound_fields(cls)
        if len(names & unbound.keys()) > len(names & best.keys()):
            best = unbound
    shown = []
    for name, value in fields:
        field = best.get(_bare(name))
        hidden = isinstance(field.kwargs.get("widget") if field else None, HiddenInput)
        if field is None or hidden or issubclass(field.field_class, HiddenField):
            continue
        label = field.kwargs.get("label", field.args[0] if field.args else None)
        if label is None or not value:
            continue
        labels = field.kwargs.get("labels")
        enum = field.args[1] if len(field.args) > 1 else field.kwargs.get("enum")
        if isinstance(labels, dict) and enum is not None:
            # An enum select: the choice's label, not its stored value.
            with contextlib.suppress(ValueError, KeyError):
                value = str(labels[enum(value)])
        shown.append((str(label), value))
    return shown
