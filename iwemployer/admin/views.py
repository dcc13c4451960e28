"""The centre administrator's pages: enterprises and their agreements, contact persons and
members; users and their invitations. Administrators see every centre."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ..access import audit, get_or_404, kind_required
from ..auth.invitations import invitation_validity, send_invitation
from ..extensions import db
from ..htmx import is_fragment_request, render_page_or_fragment
from ..labels import MEMBER_ROLE_LABELS
from ..models import (
    CooperationAgreement,
    Enterprise,
    MemberRole,
    Membership,
    User,
    UserKind,
    utcnow,
)
from . import services
from .forms import (
    AgreementForm,
    ContactPersonForm,
    EnterpriseForm,
    InviteForm,
    MembershipForm,
    RoleForm,
    TerminateForm,
    apply_error,
    blank_choice,
    choice,
    optional_id,
    set_choices,
)
from .services import AdminError

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
    return request.args.get("q", "").strip()[: services.MAX_SEARCH_LENGTH]


def _page_size() -> int:
    return int(current_app.config["PAGE_SIZE"])


def _form_id(name: str) -> int:
    """An id a page put in a hidden field; a missing or mangled one is a 404 like a bad URL."""
    try:
        value = optional_id(request.form.get(name))
    except ValueError:
        abort(404)
    if value is None:
        abort(404)
    return value


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _back() -> str:
    return "user" if request.form.get("back") == "user" else "enterprise"


def _back_url(back: str, membership: Membership) -> str:
    if back == "user":
        return url_for(".user_detail", user_id=membership.user_id, _anchor="memberships")
    return url_for(".enterprise_detail", enterprise_id=membership.enterprise_id, _anchor="members")


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
        except AdminError as error:
            apply_error(form, error)
        else:
            audit(enterprise.id, "change", permitted=True)
            db.session.commit()
            flash(
                _(
                    "%(name)s is registered. Register its cooperation agreement below.",
                    name=enterprise.name,
                ),
                "success",
            )
            return redirect(url_for(".enterprise_detail", enterprise_id=enterprise.id), code=303)
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
    terminate_errors: dict[int, list[str]] | None = None,
    role_errors: dict[int, list[str]] | None = None,
) -> ResponseReturnValue:
    session = db.session()
    memberships = services.enterprise_memberships(session, enterprise.id)
    if member_form is None:
        member_form = MembershipForm(formdata=None)
    members = {m.user_id for m in memberships}
    keep = member_form.user_id.data
    set_choices(
        member_form.user_id,
        [
            blank_choice(_("Choose …")),
            *(
                choice(u.id, f"{u.name} ({u.email})")
                for u in services.employer_users(session)
                if u.id not in members or u.id == keep
            ),
        ],
    )
    page = render_template(
        "admin/enterprise_detail.html",
        enterprise=enterprise,
        agreements=services.enterprise_agreements(session, enterprise.id),
        memberships=memberships,
        agreement_form=agreement_form or AgreementForm(formdata=None),
        member_form=member_form,
        terminate_errors=terminate_errors or {},
        role_errors=role_errors or {},
        roles=list(MemberRole),
        today=date.today(),
    )
    return page, status


@bp.route(f"/enterprises/<{ID}:enterprise_id>/edit", methods=["GET", "POST"])
@admin_only
def enterprise_edit(enterprise_id: int) -> ResponseReturnValue:
    if request.method == "POST":
        enterprise = get_or_404(Enterprise, enterprise_id, "change")
    else:
        enterprise = get_or_404(Enterprise, enterprise_id)
    form = _with_centres(EnterpriseForm(obj=enterprise))
    if form.validate_on_submit():
        try:
            cleared = services.update_enterprise(
                db.session(), enterprise, **_enterprise_values(form)
            )
        except AdminError as error:
            apply_error(form, error)
        else:
            db.session.commit()  # with the audit row get_or_404 added
            flash(_("The changes to %(name)s are saved.", name=enterprise.name), "success")
            if cleared:
                flash(
                    _(
                        "The enterprise moved to another centre, so it has no contact person "
                        "now. Choose one of the new centre's advisers."
                    ),
                    "warning",
                )
            return redirect(url_for(".enterprise_detail", enterprise_id=enterprise.id), code=303)
    return (
        render_template("admin/enterprise_form.html", form=form, enterprise=enterprise),
        _status(),
    )


# --- agreements -----------------------------------------------------------------------------


@bp.post(f"/enterprises/<{ID}:enterprise_id>/agreements")
@admin_only
def enterprise_agreement_add(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    form = AgreementForm()
    if form.validate_on_submit():
        try:
            agreement = services.add_agreement(
                db.session(), enterprise, form.start_date.data, form.end_date.data
            )
        except AdminError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The agreement period %(start)s – %(end)s is registered.",
                    start=_date(agreement.start_date),
                    end=_date(agreement.end_date),
                ),
                "success",
            )
            return redirect(
                url_for(".enterprise_detail", enterprise_id=enterprise.id, _anchor="agreements"),
                code=303,
            )
    return _enterprise_page(enterprise, 422, agreement_form=form)


@bp.post(f"/agreements/<{ID}:agreement_id>/terminate")
@admin_only
def enterprise_agreement_terminate(agreement_id: int) -> ResponseReturnValue:
    agreement = get_or_404(CooperationAgreement, agreement_id, "change")
    form = TerminateForm()
    if form.validate_on_submit():
        try:
            services.terminate_agreement(
                db.session(), agreement, form.terminated_on.data or date.today()
            )
        except AdminError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The agreement %(start)s – %(end)s is terminated from %(date)s.",
                    start=_date(agreement.start_date),
                    end=_date(agreement.end_date),
                    date=_date(agreement.terminated_on),
                ),
                "success",
            )
            return redirect(
                url_for(
                    ".enterprise_detail",
                    enterprise_id=agreement.enterprise_id,
                    _anchor="agreements",
                ),
                code=303,
            )
    errors = [*form.form_errors, *form.terminated_on.errors]
    return _enterprise_page(agreement.enterprise, 422, terminate_errors={agreement.id: errors})


# --- contact person (inline editing with htmx) ----------------------------------------------


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
        except AdminError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            person = enterprise.contact_person
            if is_fragment_request():
                return render_page_or_fragment(
                    "admin/_contact_person_row.html",
                    "admin/_contact_person_row.html",
                    trigger="contactPersonChanged",
                    enterprise=enterprise,
                    focus=True,
                )
            if person is None:
                flash(_("%(name)s has no contact person now.", name=enterprise.name), "success")
            else:
                flash(
                    _(
                        "%(person)s is now the contact person for %(name)s.",
                        person=person.name,
                        name=enterprise.name,
                    ),
                    "success",
                )
            return redirect(url_for(".enterprise_detail", enterprise_id=enterprise.id), code=303)
    return render_page_or_fragment(
        "admin/contact_person.html",
        "admin/_contact_person_form.html",
        422,
        form=form,
        enterprise=enterprise,
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
        kinds=list(UserKind),
        results=page,
        search_args=search_args,
    )


def _flash_invitation(user: User, sent: bool) -> None:
    if sent:
        flash(_("The invitation is sent to %(email)s.", email=user.email), "success")
    else:
        flash(
            _(
                "The invitation e-mail to %(email)s could not be sent. The user is saved: "
                "try “Send the invitation again” below in a little while.",
                email=user.email,
            ),
            "warning",
        )


def _invite_choices(form: InviteForm) -> InviteForm:
    session = db.session()
    set_choices(
        form.centre_id,
        [
            blank_choice(_("None")),
            *(choice(c.id, f"{c.name} ({c.county})") for c in services.centres(session)),
        ],
    )
    set_choices(
        form.enterprise_id,
        [
            blank_choice(_("None")),
            *(
                choice(e.id, f"{e.name} ({e.org_number})")
                for e in services.all_enterprises(session)
            ),
        ],
    )
    return form


@bp.route("/users/invite", methods=["GET", "POST"])
@admin_only
def user_invite() -> ResponseReturnValue:
    form = _invite_choices(InviteForm())
    if form.validate_on_submit():
        try:
            issued = services.invite_user(
                db.session(),
                name=form.name.data or "",
                email=form.email.data or "",
                kind=form.kind.data,
                centre_id=form.centre_id.data,
                title=form.title.data or "",
                phone=form.phone.data or "",
                enterprise_id=form.enterprise_id.data,
                role=form.role.data,
                invited_by=current_user._get_current_object(),
                valid_for=invitation_validity(),
            )
        except AdminError as error:
            apply_error(form, error)
        else:
            user = issued.invitation.user
            audit(form.enterprise_id.data, "change", permitted=True)
            # The user is kept even if the mail fails: the invitation can be sent again.
            db.session.commit()
            _flash_invitation(user, send_invitation(user, issued))
            return redirect(url_for(".user_detail", user_id=user.id), code=303)
    return render_template("admin/user_invite.html", form=form), _status()


@bp.get(f"/users/<{ID}:user_id>")
@admin_only
def user_detail(user_id: int) -> ResponseReturnValue:
    return _user_page(_user_or_404(user_id))


def _user_page(
    user: User,
    status: int = 200,
    *,
    member_form: MembershipForm | None = None,
    action_error: str | None = None,
    role_errors: dict[int, list[str]] | None = None,
) -> ResponseReturnValue:
    session = db.session()
    memberships = services.user_memberships(session, user.id)
    if member_form is None:
        member_form = MembershipForm(formdata=None)
    taken = {m.enterprise_id for m in memberships}
    keep = member_form.enterprise_id.data
    set_choices(
        member_form.enterprise_id,
        [
            blank_choice(_("Choose …")),
            *(
                choice(e.id, e.name)
                for e in services.all_enterprises(session)
                if e.id not in taken or e.id == keep
            ),
        ],
    )
    page = render_template(
        "admin/user_detail.html",
        user=user,
        memberships=memberships,
        invitation=services.latest_invitation(session, user),
        contact_for=services.contact_person_for(session, user) if user.is_adviser else [],
        member_form=member_form,
        action_error=action_error,
        role_errors=role_errors or {},
        roles=list(MemberRole),
        now=utcnow(),
    )
    return page, status


@bp.post(f"/users/<{ID}:user_id>/reinvite")
@admin_only
def user_reinvite(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    try:
        issued = services.reinvite_user(
            db.session(), user, current_user._get_current_object(), invitation_validity()
        )
    except AdminError as error:
        return _user_page(user, 422, action_error=str(error))
    audit(None, "change", permitted=True)
    db.session.commit()
    _flash_invitation(user, send_invitation(user, issued))
    return redirect(url_for(".user_detail", user_id=user.id), code=303)


@bp.post(f"/users/<{ID}:user_id>/deactivate")
@admin_only
def user_deactivate(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    try:
        services.deactivate_user(db.session(), user, current_user._get_current_object())
    except AdminError as error:
        return _user_page(user, 422, action_error=str(error))
    audit(None, "change", permitted=True)
    db.session.commit()
    flash(_("%(name)s is deactivated and signed out everywhere.", name=user.name), "success")
    return redirect(url_for(".user_detail", user_id=user.id), code=303)


@bp.post(f"/users/<{ID}:user_id>/activate")
@admin_only
def user_activate(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    services.activate_user(db.session(), user)
    audit(None, "change", permitted=True)
    db.session.commit()
    flash(_("%(name)s is active again and can sign in.", name=user.name), "success")
    return redirect(url_for(".user_detail", user_id=user.id), code=303)


# --- memberships ----------------------------------------------------------------------------


@bp.post("/memberships")
@admin_only
def membership_add() -> ResponseReturnValue:
    back = _back()
    form = MembershipForm()
    # The page the form came from fixes one side; a mangled hidden id is a 404.
    if back == "user":
        user: User | None = _user_or_404(_form_id("user_id"))
        enterprise: Enterprise | None = None
    else:
        user = None
        enterprise = get_or_404(Enterprise, _form_id("enterprise_id"), "change")
    if form.validate_on_submit():
        try:
            membership = services.add_membership(
                db.session(), form.user_id.data, form.enterprise_id.data, form.role.data
            )
        except AdminError as error:
            apply_error(form, error, hidden=("user_id",) if back == "user" else ("enterprise_id",))
        else:
            if back == "user":
                audit(membership.enterprise_id, "change", permitted=True)
            db.session.commit()
            flash(
                _(
                    "%(user)s is added to %(enterprise)s as %(role)s.",
                    user=membership.user.name,
                    enterprise=membership.enterprise.name,
                    role=_role_label(membership.role).lower(),
                ),
                "success",
            )
            return redirect(_back_url(back, membership), code=303)
    if user is not None:
        return _user_page(user, 422, member_form=form)
    assert enterprise is not None
    return _enterprise_page(enterprise, 422, member_form=form)


@bp.post(f"/memberships/<{ID}:membership_id>/role")
@admin_only
def membership_role(membership_id: int) -> ResponseReturnValue:
    membership = get_or_404(Membership, membership_id, "change")
    back = _back()
    form = RoleForm()
    if form.validate_on_submit():
        try:
            services.change_role(db.session(), membership, form.role.data)
        except AdminError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(user)s is now %(role)s in %(enterprise)s.",
                    user=membership.user.name,
                    role=_role_label(membership.role).lower(),
                    enterprise=membership.enterprise.name,
                ),
                "success",
            )
            return redirect(_back_url(back, membership), code=303)
    errors = {membership.id: [*form.form_errors, *form.role.errors]}
    if back == "user":
        return _user_page(membership.user, 422, role_errors=errors)
    return _enterprise_page(membership.enterprise, 422, role_errors=errors)


@bp.post(f"/memberships/<{ID}:membership_id>/delete")
@admin_only
def membership_delete(membership_id: int) -> ResponseReturnValue:
    membership = get_or_404(Membership, membership_id, "change")
    back = _back()
    target = _back_url(back, membership)
    user_name, enterprise_name = membership.user.name, membership.enterprise.name
    services.delete_membership(db.session(), membership)
    db.session.commit()
    flash(
        _("%(user)s is removed from %(enterprise)s.", user=user_name, enterprise=enterprise_name),
        "success",
    )
    return redirect(target, code=303)
