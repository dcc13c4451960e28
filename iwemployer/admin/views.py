"""The centre administrator's pages: enterprises and their agreements, contact persons and
members; users and their invitations. Administrators see every centre."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from ..access import audit, get_or_404, kind_required, scoped
from ..auth.invitations import invitation_validity, send_invitation
from ..errors import DomainError
from ..extensions import db
from ..forms import blank_choice, choice, optional_id, show_error
from ..htmx import finish, is_fragment_request, render_page_or_fragment
from ..labels import MEMBER_ROLE_LABELS
from ..models import (
    ContactDeputy,
    CooperationAgreement,
    Enterprise,
    MemberRole,
    Membership,
    User,
    UserKind,
    utcnow,
)
from ..search import (
    MAX_SEARCH_LENGTH,
    SearchField,
    enterprise_options,
    find_enterprise,
    user_options,
)
from ..search import suggest_enterprises as enterprises_like
from ..translation import format_date
from ..translation import gettext as _
from . import deputies, services
from .forms import (
    AgreementForm,
    ContactPersonForm,
    DeputyForm,
    EnterpriseForm,
    InviteForm,
    MembershipForm,
    RoleForm,
    TerminateForm,
    set_choices,
)

bp = Blueprint("admin", __name__)
log = logging.getLogger("iwemployer.admin")
admin_only = kind_required(UserKind.ADMIN)
# Ids in URLs: a 32-bit integer like the columns, so an absurd id is a plain 404.
ID = "int(min=1, max=2147483647)"


# --- small helpers --------------------------------------------------------------------------


def _status() -> int:
    """A form shown again after a POST failed validation."""
    return 422 if request.method == "POST" else 200


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _search_text() -> str:
    return request.args.get("q", "").strip()[:MAX_SEARCH_LENGTH]


def _page_size() -> int:
    return int(current_app.config["PAGE_SIZE"])


def _form_id(name: str) -> int:
    """An id a page put in a hidden field; a missing or mangled one (0) finds nothing: 404."""
    try:
        return optional_id(request.form.get(name)) or 0
    except ValueError:
        return 0


def _date(value: date | None) -> str:
    return format_date(value, "long") if value else ""


def _role_label(role: MemberRole) -> str:
    return str(MEMBER_ROLE_LABELS[role])


# --- enterprises ----------------------------------------------------------------------------


@bp.get("/enterprises")
@admin_only
def enterprises() -> ResponseReturnValue:
    q = _search_text()
    page = services.search_enterprises(db.session(), q, _page_number(), _page_size())
    return render_page_or_fragment(
        "admin/enterprises.html",
        "admin/_enterprise_results.html",
        q=q,
        results=page,
        search_args={"q": q} if q else {},
        today=date.today(),
    )


def _with_centres(form: EnterpriseForm) -> EnterpriseForm:
    set_choices(
        form.centre_id,
        [
            blank_choice(_("Choose …")),
            *(choice(c.id, f"{c.name} ({c.county})") for c in services.centres(db.session())),
        ],
    )
    return form


def _enterprise_values(form: EnterpriseForm) -> dict[str, Any]:
    return {
        "org_number": form.org_number.data or "",
        "name": form.name.data or "",
        "nace_code": form.nace_code.data or "",
        "employees": form.employees.data,
        "centre_id": form.centre_id.data,
        "written_standard": form.written_standard.data,
    }


@bp.route("/enterprises/new", methods=["GET", "POST"])
@admin_only
def enterprise_new() -> ResponseReturnValue:
    form = _with_centres(EnterpriseForm())
    if form.validate_on_submit():
        try:
            enterprise = services.create_enterprise(db.session(), **_enterprise_values(form))
        except DomainError as error:
            show_error(error, form)
        else:
            audit(enterprise.id, "change", permitted=True)
            db.session.commit()
            return finish(
                _(
                    "%(name)s is registered. Register its cooperation agreement below.",
                    name=enterprise.name,
                ),
                url_for(".enterprise_detail", enterprise_id=enterprise.id),
            )
    return render_template("admin/enterprise_form.html", form=form, enterprise=None), _status()


@bp.get(f"/enterprises/<{ID}:enterprise_id>")
@admin_only
def enterprise_detail(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    return _enterprise_page(enterprise)


def _enterprise_page(
    enterprise: Enterprise,
    status: int = 200,
    *,
    agreement_form: AgreementForm | None = None,
    member_form: MembershipForm | None = None,
    role_errors: dict[int, list[str]] | None = None,
    deputy_form: DeputyForm | None = None,
) -> ResponseReturnValue:
    session = db.session()
    today = date.today()
    agreements = services.enterprise_agreements(session, enterprise.id)
    page = render_template(
        "admin/enterprise_detail.html",
        enterprise=enterprise,
        agreements=agreements,
        terminable={a.id for a in agreements if services.can_terminate(a, today)},
        agreement_form=agreement_form or AgreementForm(formdata=None),
        today=today,
        deputies=deputies.deputies(session, enterprise.id),
        deputy_form=deputy_form or DeputyForm(formdata=None),
        **ENTERPRISE_MEMBERS.context(enterprise.id, member_form, role_errors),
    )
    return page, status


@bp.route(f"/enterprises/<{ID}:enterprise_id>/edit", methods=["GET", "POST"])
@admin_only
def enterprise_edit(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(
        Enterprise, enterprise_id, "change" if request.method == "POST" else "read"
    )
    form = _with_centres(EnterpriseForm(obj=enterprise))
    if form.validate_on_submit():
        try:
            cleared = services.update_enterprise(
                db.session(), enterprise, **_enterprise_values(form)
            )
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()  # with the audit row get_or_404 added
            done = finish(
                _("The changes to %(name)s are saved.", name=enterprise.name),
                url_for(".enterprise_detail", enterprise_id=enterprise.id),
            )
            if cleared:
                flash(
                    _(
                        "The enterprise moved to another centre, so it has no contact person "
                        "now. Choose one of the new centre's advisers."
                    ),
                    "warning",
                )
            return done
    return (
        render_template("admin/enterprise_form.html", form=form, enterprise=enterprise),
        _status(),
    )


# --- agreements -----------------------------------------------------------------------------


def _agreements_url(enterprise_id: int) -> str:
    return url_for(".enterprise_detail", enterprise_id=enterprise_id, _anchor="agreements")


@bp.post(f"/enterprises/<{ID}:enterprise_id>/agreements")
@admin_only
def enterprise_agreement_add(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    form = AgreementForm()
    status = 422
    if form.validate_on_submit():
        try:
            agreement = services.add_agreement(
                db.session(), enterprise, form.start_date.data, form.end_date.data
            )
        except DomainError as error:
            show_error(error, form)
            status = error.status
        else:
            db.session.commit()
            return finish(
                _(
                    "The agreement period %(start)s – %(end)s is registered.",
                    start=_date(agreement.start_date),
                    end=_date(agreement.end_date),
                ),
                _agreements_url(enterprise.id),
            )
    return _enterprise_page(enterprise, status, agreement_form=form)


def _terminate_page(
    agreement: CooperationAgreement, form: TerminateForm, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "admin/terminate_agreement.html",
            agreement=agreement,
            enterprise=agreement.enterprise,
            form=form,
            can_terminate=services.can_terminate(agreement, date.today()),
        ),
        status,
    )


@bp.get(f"/agreements/<{ID}:agreement_id>/terminate")
@admin_only
def enterprise_agreement_confirm_termination(agreement_id: int) -> ResponseReturnValue:
    """The confirmation step: the date it ends from, and why."""
    agreement = get_or_404(CooperationAgreement, agreement_id)
    form = TerminateForm(formdata=None)
    form.terminated_on.data = max(date.today(), agreement.start_date)
    return _terminate_page(agreement, form)


@bp.post(f"/agreements/<{ID}:agreement_id>/terminate")
@admin_only
def enterprise_agreement_terminate(agreement_id: int) -> ResponseReturnValue:
    agreement = get_or_404(CooperationAgreement, agreement_id, "change")
    form = TerminateForm()
    status = 422
    if form.validate_on_submit():
        assert form.terminated_on.data is not None
        try:
            services.terminate_agreement(
                db.session(), agreement, form.terminated_on.data, form.reason.data or ""
            )
        except DomainError as error:
            show_error(error, form)
            status = error.status
        else:
            db.session.commit()
            return finish(
                _(
                    "The agreement %(start)s – %(end)s is terminated from %(date)s.",
                    start=_date(agreement.start_date),
                    end=_date(agreement.end_date),
                    date=_date(agreement.terminated_on),
                ),
                _agreements_url(agreement.enterprise_id),
            )
    return _terminate_page(agreement, form, status)


# --- contact person (inline editing with htmx) ----------------------------------------------

# Reported when an enterprise's contact person changed in place.
CONTACT_PERSON_CHANGED = "contact-person-changed"


def _contact_form(enterprise: Enterprise, form: ContactPersonForm) -> ContactPersonForm:
    advisers = services.centre_advisers(db.session(), enterprise.centre_id)
    set_choices(
        form.contact_person_id,
        [
            blank_choice(_("No contact person")),
            *(choice(a.id, f"{a.name}, {a.title}" if a.title else a.name) for a in advisers),
        ],
    )
    # Unique on a list page where several rows may be open at once.
    form.contact_person_id.id = f"contact-person-{enterprise.id}-select"
    return form


@bp.route(f"/enterprises/<{ID}:enterprise_id>/contact-person", methods=["GET", "POST"])
@admin_only
def enterprise_contact_person(enterprise_id: int) -> ResponseReturnValue:
    if request.method == "GET":
        enterprise = get_or_404(Enterprise, enterprise_id)
        if request.args.get("view"):
            # "Cancel": htmx swaps the display back in; without JS the detail page shows it.
            if is_fragment_request():
                return render_template(
                    "admin/_contact_person_row.html", enterprise=enterprise, focus=True
                )
            return redirect(url_for(".enterprise_detail", enterprise_id=enterprise.id), code=303)
        form = _contact_form(enterprise, ContactPersonForm(formdata=None))
        form.contact_person_id.data = enterprise.contact_person_id
        return render_page_or_fragment(
            "admin/contact_person.html",
            "admin/_contact_person_form.html",
            form=form,
            enterprise=enterprise,
        )

    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    form = _contact_form(enterprise, ContactPersonForm())
    if form.validate_on_submit():
        try:
            services.set_contact_person(db.session(), enterprise, form.contact_person_id.data)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            person = enterprise.contact_person
            if person is None:
                message = _("%(name)s has no contact person now.", name=enterprise.name)
            else:
                message = _(
                    "%(person)s is now the contact person for %(name)s.",
                    person=person.name,
                    name=enterprise.name,
                )
            return finish(
                message,
                url_for(".enterprise_detail", enterprise_id=enterprise.id),
                fragment="admin/_contact_person_row.html",
                trigger=CONTACT_PERSON_CHANGED,
                enterprise=enterprise,
                focus=True,
            )
    return render_page_or_fragment(
        "admin/contact_person.html",
        "admin/_contact_person_form.html",
        422,
        form=form,
        enterprise=enterprise,
    )


# --- deputies of the contact person ---------------------------------------------------------


def _deputies_url(enterprise_id: int) -> str:
    return url_for(".enterprise_detail", enterprise_id=enterprise_id, _anchor="deputies")


@bp.get(f"/enterprises/<{ID}:enterprise_id>/deputy-suggestions")
@admin_only
def suggest_deputies(enterprise_id: int) -> ResponseReturnValue:
    """Advisers of the enterprise's centre for the deputy field's datalist; a plain visit goes
    back to the enterprise's page, where the whole address can be typed."""
    enterprise = get_or_404(Enterprise, enterprise_id)
    if not is_fragment_request():
        return redirect(_deputies_url(enterprise.id), code=303)
    q = request.args.get("adviser", "")
    found = deputies.suggest_advisers(db.session(), enterprise, q) if q.strip() else []
    return render_template("_suggestions.html", options=user_options(found))


@bp.post(f"/enterprises/<{ID}:enterprise_id>/deputies")
@admin_only
def deputy_add(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    form = DeputyForm()
    if form.validate_on_submit():
        try:
            deputy = deputies.name_deputy(
                db.session(),
                enterprise,
                form.adviser.data or "",
                current_user._get_current_object(),
            )
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            return finish(
                _(
                    "%(person)s is now a deputy of the contact person for %(name)s.",
                    person=deputy.adviser.name,
                    name=enterprise.name,
                ),
                _deputies_url(enterprise.id),
            )
    return _enterprise_page(enterprise, 422, deputy_form=form)


@bp.post(f"/deputies/<{ID}:deputy_id>/delete")
@admin_only
def deputy_delete(deputy_id: int) -> ResponseReturnValue:
    deputy = get_or_404(ContactDeputy, deputy_id, "change")
    enterprise = deputy.enterprise
    person = deputy.adviser.name
    deputies.remove_deputy(db.session(), deputy, current_user._get_current_object())
    db.session.commit()
    return finish(
        _(
            "%(person)s is no longer a deputy of the contact person for %(name)s.",
            person=person,
            name=enterprise.name,
        ),
        _deputies_url(enterprise.id),
    )


# --- users ----------------------------------------------------------------------------------


def _kind_arg() -> UserKind | None:
    try:
        return UserKind(request.args.get("kind", ""))
    except ValueError:
        return None


@bp.get("/users")
@admin_only
def users() -> ResponseReturnValue:
    q = _search_text()
    kind = _kind_arg()
    page = services.search_users(db.session(), q, kind, _page_number(), _page_size())
    search_args = {k: v for k, v in {"q": q, "kind": kind.value if kind else ""}.items() if v}
    return render_page_or_fragment(
        "admin/users.html",
        "admin/_user_results.html",
        q=q,
        kind=kind,
        results=page,
        search_args=search_args,
    )


def _invitation_sent(user: User) -> ResponseReturnValue:
    """The end of an invitation: its mail is in the outbox, written with the invitation."""
    url = url_for(".user_detail", user_id=user.id)
    return finish(_("The invitation is sent to %(email)s.", email=user.email), url)


def _invite_choices(form: InviteForm) -> InviteForm:
    session = db.session()
    set_choices(
        form.centre_id,
        [
            blank_choice(_("None")),
            *(choice(c.id, f"{c.name} ({c.county})") for c in services.centres(session)),
        ],
    )
    return form


INVITE_ENTERPRISE = SearchField("enterprise", "admin.suggest_enterprises")


def _enterprise_id(session: Session, text: str) -> int:
    """The enterprise typed into an enterprise search field (DomainError at the field)."""
    return find_enterprise(session, scoped(Enterprise), text, "enterprise").id


def _typed_enterprise(text: str | None) -> int | None:
    """The enterprise typed into the invitation's search field, if any."""
    if not (text or "").strip():
        return None
    return _enterprise_id(db.session(), text or "")


@bp.route("/users/invite", methods=["GET", "POST"])
@admin_only
def user_invite() -> ResponseReturnValue:
    form = _invite_choices(InviteForm())
    if form.validate_on_submit():
        try:
            enterprise_id = _typed_enterprise(form.enterprise.data)
            issued = services.invite_user(
                db.session(),
                name=form.name.data or "",
                email=form.email.data or "",
                kind=form.kind.data,
                centre_id=form.centre_id.data,
                title=form.title.data or "",
                phone=form.phone.data or "",
                enterprise_id=enterprise_id,
                role=form.role.data,
                invited_by=current_user._get_current_object(),
                valid_for=invitation_validity(),
            )
        except DomainError as error:
            show_error(error, form)
        else:
            user = issued.invitation.user
            audit(enterprise_id, "change", permitted=True)
            send_invitation(user, issued)
            db.session.commit()
            return _invitation_sent(user)
    return render_template(
        "admin/user_invite.html", form=form, enterprise_search=INVITE_ENTERPRISE
    ), _status()


@bp.get(f"/users/<{ID}:user_id>")
@admin_only
def user_detail(user_id: int) -> ResponseReturnValue:
    return _user_page(get_or_404(User, user_id))


def _user_page(
    user: User,
    status: int = 200,
    *,
    member_form: MembershipForm | None = None,
    role_errors: dict[int, list[str]] | None = None,
) -> ResponseReturnValue:
    session = db.session()
    page = render_template(
        "admin/user_detail.html",
        user=user,
        invitation=services.latest_invitation(session, user),
        contact_for=services.contact_person_for(session, user) if user.is_adviser else [],
        can_deactivate=services.can_deactivate(user, current_user),
        can_reinvite=services.can_reinvite(user),
        now=utcnow(),
        **USER_MEMBERSHIPS.context(user.id, member_form, role_errors),
    )
    return page, status


@bp.post(f"/users/<{ID}:user_id>/reinvite")
@admin_only
def user_reinvite(user_id: int) -> ResponseReturnValue:
    user = get_or_404(User, user_id, "change")
    try:
        issued = services.reinvite_user(
            db.session(), user, current_user._get_current_object(), invitation_validity()
        )
    except DomainError as error:
        show_error(error)
        return _user_page(user, error.status)
    send_invitation(user, issued)
    db.session.commit()
    return _invitation_sent(user)


@bp.post(f"/users/<{ID}:user_id>/deactivate")
@admin_only
def user_deactivate(user_id: int) -> ResponseReturnValue:
    user = get_or_404(User, user_id, "change")
    try:
        services.deactivate_user(db.session(), user, current_user._get_current_object())
    except DomainError as error:
        show_error(error)
        return _user_page(user, error.status)
    db.session.commit()
    return finish(
        _("%(name)s is deactivated and signed out everywhere.", name=user.name),
        url_for(".user_detail", user_id=user.id),
    )


@bp.post(f"/users/<{ID}:user_id>/activate")
@admin_only
def user_activate(user_id: int) -> ResponseReturnValue:
    user = get_or_404(User, user_id, "change")
    services.activate_user(db.session(), user)
    db.session.commit()
    return finish(
        _("%(name)s is active again and can sign in.", name=user.name),
        url_for(".user_detail", user_id=user.id),
    )


# --- memberships: one table on an enterprise's page (its members) and on a user's page -------


@dataclass(frozen=True)
class MembershipTable:
    """The memberships of the record a page is about, and the form that adds one.

    The page fixes one side of a membership (``fixed``, sent in a hidden input); the other is
    typed into the ``chosen`` search field (``search``) and found by ``find`` when sent (an id,
    or None, or a ``DomainError`` at the field); the forms send ``back`` to return to the same
    page.
    """

    back: str
    fixed: str
    chosen: str
    chosen_id: str
    search: SearchField
    find: Callable[[Session, str], int | None]
    anchor: str
    memberships: Callable[[Session, int], list[Membership]]
    # The role select's label in a row, and what the row's buttons are about (for screen readers).
    role_label: Callable[[Membership], str]
    row_name: Callable[[Membership], str]

    def url(self, membership: Membership) -> str:
        owner_id = getattr(membership, self.fixed)
        return url_for(f".{self.back}_detail", **{self.fixed: owner_id}, _anchor=self.anchor)

    def context(
        self,
        owner_id: int,
        form: MembershipForm | None,
        role_errors: dict[int, list[str]] | None,
    ) -> dict[str, Any]:
        """What the page's membership table and add form show."""
        return {
            "memberships": self.memberships(db.session(), owner_id),
            "member_form": form or MembershipForm(formdata=None),
            "role_errors": role_errors or {},
            "table": self,
        }


ENTERPRISE_MEMBERS = MembershipTable(
    back="enterprise",
    fixed="enterprise_id",
    chosen="user",
    chosen_id="user_id",
    search=SearchField("user", "admin.suggest_users"),
    find=services.user_id_by_email,
    anchor="members",
    memberships=services.enterprise_memberships,
    role_label=lambda m: _("Role of %(name)s", name=m.user.name),
    row_name=lambda m: m.user.name,
)
USER_MEMBERSHIPS = MembershipTable(
    back="user",
    fixed="user_id",
    chosen="enterprise",
    chosen_id="enterprise_id",
    search=SearchField("enterprise", "admin.suggest_enterprises"),
    find=_enterprise_id,
    anchor="memberships",
    memberships=services.user_memberships,
    role_label=lambda m: _("Role in %(enterprise)s", enterprise=m.enterprise.name),
    row_name=lambda m: m.enterprise.name,
)


@bp.get("/suggestions/users")
@admin_only
def suggest_users() -> ResponseReturnValue:
    """Employer-side users for a search field's datalist; a plain visit searches the users."""
    q = request.args.get("user", "")
    if not is_fragment_request():
        return redirect(url_for(".users", q=q), code=303)
    found = services.suggest_employers(db.session(), q) if q.strip() else []
    return render_template("_suggestions.html", options=user_options(found))


@bp.get("/suggestions/enterprises")
@admin_only
def suggest_enterprises() -> ResponseReturnValue:
    """Enterprises for a search field's datalist; a plain visit searches the enterprises."""
    q = request.args.get("enterprise", "")
    if not is_fragment_request():
        return redirect(url_for(".enterprises", q=q), code=303)
    found = enterprises_like(db.session(), scoped(Enterprise), q)
    return render_template("_suggestions.html", options=enterprise_options(found))


def _table() -> MembershipTable:
    """The table a membership form was sent from."""
    return USER_MEMBERSHIPS if request.form.get("back") == "user" else ENTERPRISE_MEMBERS


def _table_page(
    table: MembershipTable, owner: User | Enterprise, **errors: Any
) -> ResponseReturnValue:
    """The page the form came from, again, with its errors (422)."""
    if isinstance(owner, User):
        return _user_page(owner, 422, **errors)
    return _enterprise_page(owner, 422, **errors)


@bp.post("/memberships")
@admin_only
def membership_add() -> ResponseReturnValue:
    table = _table()
    form = MembershipForm()
    # The page the form came from fixes one side; a mangled hidden id is a 404.
    owner: User | Enterprise
    if table is USER_MEMBERSHIPS:
        owner = get_or_404(User, _form_id("user_id"), "change")
    else:
        owner = get_or_404(Enterprise, _form_id("enterprise_id"), "change")
    if form.validate_on_submit():
        ids = {"user_id": form.user_id.data, "enterprise_id": form.enterprise_id.data}
        typed = (form[table.chosen].data or "").strip()
        try:
            if typed:
                ids[table.chosen_id] = table.find(db.session(), typed)
            membership = services.add_membership(
                db.session(), ids["user_id"], ids["enterprise_id"], form.role.data
            )
        except DomainError as error:
            # The fixed side is a hidden input: its error shows above the form; the chosen
            # side's at the search field.
            if error.field == table.fixed:
                error = DomainError(error.message)
            elif error.field == table.chosen_id:
                error = DomainError(error.message, table.chosen)
            show_error(error, form)
        else:
            audit(membership.enterprise_id, "change", permitted=True)
            db.session.commit()
            return finish(
                _(
                    "%(user)s is added to %(enterprise)s as %(role)s.",
                    user=membership.user.name,
                    enterprise=membership.enterprise.name,
                    role=_role_label(membership.role).lower(),
                ),
                table.url(membership),
            )
    return _table_page(table, owner, member_form=form)


@bp.post(f"/memberships/<{ID}:membership_id>/role")
@admin_only
def membership_role(membership_id: int) -> ResponseReturnValue:
    membership = get_or_404(Membership, membership_id, "change")
    table = _table()
    form = RoleForm()
    if form.validate_on_submit():
        try:
            services.change_role(db.session(), membership, form.role.data)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            return finish(
                _(
                    "%(user)s is now %(role)s in %(enterprise)s.",
                    user=membership.user.name,
                    role=_role_label(membership.role).lower(),
                    enterprise=membership.enterprise.name,
                ),
                table.url(membership),
            )
    errors = {membership.id: [*form.form_errors, *form.role.errors]}
    owner = membership.user if table is USER_MEMBERSHIPS else membership.enterprise
    return _table_page(table, owner, role_errors=errors)


@bp.post(f"/memberships/<{ID}:membership_id>/delete")
@admin_only
def membership_delete(membership_id: int) -> ResponseReturnValue:
    membership = get_or_404(Membership, membership_id, "change")
    target = _table().url(membership)
    user_name, enterprise_name = membership.user.name, membership.enterprise.name
    services.delete_membership(db.session(), membership)
    db.session.commit()
    return finish(
        _("%(user)s is removed from %(enterprise)s.", user=user_name, enterprise=enterprise_name),
        target,
    )
