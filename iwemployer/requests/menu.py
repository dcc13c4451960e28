"""The inbox's menu label, with the unread count as a plain number (no JS needed)."""

from __future__ import annotations

from flask import g
from flask_babel import LazyString
from flask_login import current_user

from ..extensions import db
from ..translation import gettext as _
from ..translation import ngettext
from . import services


def unread_count() -> int:
    """The signed-in adviser's unread requests, counted once per request: the menu and the inbox
    page both show it, and at a centre's size the count is one of the page's dearest reads."""
    if "inbox_unread" not in g:
        g.inbox_unread = services.unread_count(db.session(), current_user)
    return int(g.inbox_unread)


def _inbox_label() -> str:
    count = 0
    if current_user.is_authenticated and current_user.is_adviser:
        count = unread_count()
    if count > services.UNREAD_SHOWN_UP_TO:
        return _("Requests (%(num)d+ unread)", num=services.UNREAD_SHOWN_UP_TO)
    if count:
        return ngettext("Requests (%(num)d unread)", "Requests (%(num)d unread)", count)
    return _("Requests")


INBOX_MENU_LABEL = LazyString(_inbox_label)
