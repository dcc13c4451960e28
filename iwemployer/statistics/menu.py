"""The area's menu labels, kept here so they live in the area's catalogues."""

from __future__ import annotations

from ..translation import lazy_gettext as _l

MENU_SICK_LEAVE_LABEL = _l("Sick leave")
MENU_REPORT_LABEL = _l("Centre report")
