"""The cooperation area's menu labels (in its own catalogue) for ``navigation.MENU``."""

from ..translation import lazy_gettext as _l

MEETINGS_MENU_LABEL = _l("Meetings")
INSPECTIONS_MENU_LABEL = _l("Inspections")
HEALTH_SERVICE_MENU_LABEL = _l("Health service")
ADVISER_MENU_LABEL = _l("Meetings and orders")
