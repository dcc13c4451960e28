"""The main menu and the enterprise switcher, offered to every template."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import LazyString
from flask_login import current_user

from .access import current_enterprise_id, member_enterprises, member_role
from .cooperation.menu import (
    ADVISER_MENU_LABEL,
    HEALTH_SERVICE_MENU_LABEL,
    INSPECTIONS_MENU_LABEL,
    MEETINGS_MENU_LABEL,
)
from .extensions import db
from .mail.views import OUTBOX_MENU_LABEL
from .models import Enterprise, MemberRole, UserKind
from .notifications.services import UNREAD_SHOWN_UP_TO, unread_count
from .plans.labels import MENU_OVERVIEW_LABEL, MENU_PLAN_LABEL
from .requests.menu import INBOX_MENU_LABEL
from .statistics.menu import MENU_REPORT_LABEL, MENU_SICK_LEAVE_LABEL
from .templating import template_globals
from .training.labels import CENTRE_MENU_LABEL as COURSES_LABEL
from .training.labels import MENU_LABEL as TRAINING_LABEL
from .translation import lazy_gettext as _l


@dataclass(frozen=True)
class MenuEntry:
    kinds: tuple[UserKind, ...]
    endpoint: str
    label: LazyString
    # Employer-side entries point into the current enterprise.
    per_enterprise: bool = False
    # Other endpoints that highlight this entry.
    prefix: str = ""
    # Employer-side entries only for these roles in the current enterprise (empty: every role).
    roles: tuple[MemberRole, ...] = ()


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str
    active: bool


E, A, D = UserKind.EMPLOYER, UserKind.ADVISER, UserKind.ADMIN
MENU: list[MenuEntry] = [
    MenuEntry((E,), "enterprise.home", _l("Home"), per_enterprise=True),
    MenuEntry((E,), "plans.current", MENU_PLAN_LABEL, per_enterprise=True, prefix="plans."),
    MenuEntry(
        (E,),
        "requests.enterprise_list",
        _l("Requests"),
        per_enterprise=True,
        prefix="requests.",
        roles=(
            MemberRole.MANAGER,
            MemberRole.SAFETY_DELEGATE,
            MemberRole.UNION_REP,
            MemberRole.OCCUPATIONAL_HEALTH,
        ),
    ),
    MenuEntry((E,), "training.courses", TRAINING_LABEL, per_enterprise=True, prefix="training."),
    MenuEntry(
        (E,),
        "statistics.enterprise",
        MENU_SICK_LEAVE_LABEL,
        per_enterprise=True,
        prefix="statistics.",
    ),
    MenuEntry(
        (E,),
        "subsidies.enterprise_list",
        _l("Subsidies"),
        per_enterprise=True,
        prefix="subsidies.",
        roles=(MemberRole.MANAGER, MemberRole.SAFETY_DELEGATE, MemberRole.UNION_REP),
    ),
    MenuEntry(
        (E,),
        "cooperation.meetings",
        MEETINGS_MENU_LABEL,
        per_enterprise=True,
        prefix="cooperation.meeting",
    ),
    MenuEntry(
        (E,),
        "cooperation.inspections",
        INSPECTIONS_MENU_LABEL,
        per_enterprise=True,
        prefix="cooperation.inspection",
    ),
    MenuEntry(
        (E,),
        "cooperation.reports",
        HEALTH_SERVICE_MENU_LABEL,
        per_enterprise=True,
        prefix="cooperation.report",
    ),
    MenuEntry((A,), "adviser.enterprises", _l("My enterprises"), prefix="adviser.enterprises"),
    MenuEntry((A,), "requests.inbox", INBOX_MENU_LABEL, prefix="requests.inbox"),
    MenuEntry((A,), "plans.overview", MENU_OVERVIEW_LABEL, prefix="plans.overview"),
    MenuEntry((A, D), "training.centre_courses", COURSES_LABEL, prefix="training.centre"),
    MenuEntry((A, D), "statistics.centre_report", MENU_REPORT_LABEL, prefix="statistics."),
    MenuEntry((A,), "subsidies.centre", _l("Subsidies"), prefix="subsidies."),
    MenuEntry(
        (A,), "cooperation.adviser_overview", ADVISER_MENU_LABEL, prefix="cooperation.adviser"
    ),
    MenuEntry((D,), "admin.enterprises", _l("Enterprises"), prefix="admin.enterprise"),
    MenuEntry((D,), "admin.users", _l("Users"), prefix="admin.user"),
    MenuEntry((D,), "subsidies.schemes", _l("Subsidy schemes"), prefix="subsidies.scheme"),
    MenuEntry((D,), "subsidies.budget", _l("Subsidy budgets"), prefix="subsidies.budget"),
    MenuEntry((D,), "mail.admin_outbox", OUTBOX_MENU_LABEL, prefix="mail.admin_"),
]


def main_menu() -> list[MenuItem]:
    if not current_user.is_authenticated:
        return []
    items = []
    enterprise_id = current_enterprise_id(current_user) if current_user.is_employer else None
    for entry in MENU:
        if current_user.kind not in entry.kinds:
            continue
        if entry.per_enterprise:
            if enterprise_id is None:
                continue
            if entry.roles and member_role(current_user, enterprise_id) not in entry.roles:
                continue
            url = url_for(entry.endpoint, enterprise_id=enterprise_id)
        else:
            url = url_for(entry.endpoint)
        endpoint = request.endpoint or ""
        active = endpoint == entry.endpoint or bool(
            entry.prefix and endpoint.startswith(entry.prefix)
        )
        items.append(MenuItem(url, str(entry.label), active))
    return items


def init_app(app: Flask) -> None:
    def switchable() -> list[Enterprise]:
        return member_enterprises(current_user) if current_user.is_authenticated else []

    def current() -> int | None:
        return current_enterprise_id(current_user) if current_user.is_authenticated else None

    def unread() -> int:
        return unread_count(db.session(), current_user) if current_user.is_authenticated else 0

    template_globals(
        app,
        main_menu=main_menu,
        unread_notifications=unread,
        unread_notifications_shown_up_to=UNREAD_SHOWN_UP_TO,
        member_enterprises_for_switcher=switchable,
        current_enterprise_for_switcher=current,
    )
