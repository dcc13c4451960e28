"""The inbox's menu label, with the unread count as a plain number (no JS needed)."""

from __future__ import annotations

from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from . import services


def _inbox_label() -> str:
    count = 0
    if current_user.is_authenticated and current_user.is_adviser:
        count = services.unread_count(db.session(), current_user)
    if count:
        return ngettext("Requests (%(num)d unread)", "Requests (%(num)d unread)", count)
    return _("Requests")


INBOX_MENU_LABEL = LazyString(_inbox_label)
