"""Sick-leave statistics: the enterprise's page, typing a quarter, imports and the centre report.

Employer side: ``/enterprises/<enterprise_id>/statistics`` for every member of the enterprise
(the occupational health service included), its adviser and administrators.
Centre side: ``/statistics/imports`` and ``/statistics/report`` for advisers (their centre's
enterprises) and administrators (all centres).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from ..access import (
    Action,
    get_or_404,
    kind_required,
    member_role,
    member_role_required,
    require,
    scoped,
)
from ..errors import DomainError
from ..extensions import db
from ..forms import show_error
from ..htmx import finish, render_page_or_fragment
from ..models import (
    Centre,
    Enterprise,
    ImportKind,
    MemberRole,
    StatisticsImport,
    UserKind,
)
from ..pagination import paginate
from ..requests.services import local_date, utcnow
from ..templating import template_globals
from ..translation import format_decimal
from ..translation import gettext as _
from . import charts, importer, report, services
from .figures import DEFAULT_DAY_COST, Figures, Quarter, Verdict
from .forms import KIND_LABELS, ConfirmForm, QuarterForm, UploadForm

bp = Blueprint("statistics", __name__)

PAGE = "statistics/enterprise.html"
IMPORTS = "statistics/imports.html"
PREVIEW = "statistics/preview.html"
REPORT = "statistics/report.html"
IMPORTS_SIZE = 10
CENTRE_SIDE = (UserKind.ADVISER, UserKind.ADMIN)


@bp.record_once
def _config(state: Any) -> None:
    # IWEMPLOYER_SICK_LEAVE_DAY_COST: what one lost working day costs, in kroner.
    state.app.config.setdefault("SICK_LEAVE_DAY_COST", DEFAULT_DAY_COST)


def _day_cost() -> Decimal:
    return Decimal(str(current_app.config["SICK_LEAVE_DAY_COST"]))


def _today() -> date:
    return local_date(utcnow())


# --- formatting, for pages and CSV files ----------------------------------------------------------


def percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{format_decimal(value, '#,##0.0')} %"


def points(value: Decimal | None) -> str:
    """A change in percentage points, with its sign."""
    if value is None:
        return "–"
    return format_decimal(value, "+#,##0.0;−#,##0.0")


def kroner(value: Decimal | None) -> str:
    return "–" if value is None else f"{format_decimal(value, '#,##0')} kr"


def days(value: Decimal | None) -> str:
    return "–" if value is None else format_decimal(value, "#,##0.#")


def quarter_label(quarter: Quarter) -> str:
    return _("Q%(number)d %(year)d", number=quarter.number, year=quarter.year)


def verdict_text(verdict: Verdict) -> str:
    return {
        Verdict.ABOVE: _("higher than the industry"),
        Verdict.SAME: _("about the same as the industry"),
        Verdict.BELOW: _("lower than the industry"),
    }[verdict]


def latest_sick_leave(enterprise_id: int) -> services.LatestFigure | None:
    """For the action plan's goal card: the newest quarter's rate (None rate: masked)."""
    return services.latest_figure(db.session(), enterprise_id)


template_globals(
    bp,
    Verdict=Verdict,
    ImportKind=ImportKind,
    sick_leave_percent=percent,
    sick_leave_points=points,
    sick_leave_kroner=kroner,
    sick_leave_days=days,
    quarter_label=quarter_label,
    verdict_text=verdict_text,
    latest_sick_leave=latest_sick_leave,
    import_kind_label=lambda kind: KIND_LABELS[kind],
)


# --- the enterprise's page ------------------------------------------------------------------------


def _rate_chart(s: services.Statistics) -> charts.Chart:
    forecast = s.prognosis
    quarters = s.quarters + [f.quarter for f in forecast]
    series = [
        (_("The enterprise"), charts.ENTERPRISE, {f.quarter: f.rate for f in s.shown}),
        (_("The industry"), charts.INDUSTRY, {q: f.rate for q, f in s.industry.items()}),
        (_("Norway"), charts.COUNTRY, {q: f.rate for q, f in s.country.items()}),
    ]
    if forecast and s.latest_shown:
        joined = {s.latest_shown.quarter: s.latest_shown.rate} | {
            f.quarter: f.rate for f in forecast
        }
        series.append((_("Prognosis"), charts.PROGNOSIS, joined))
    return charts.line_chart(
        quarters,
        series,
        target=(s.target, _("Target")) if s.target is not None else None,
        start=(Quarter.of(s.start), _("Agreement started")) if s.start else None,
        number=percent,
        quarter_label=quarter_label,
    )


def _graded_chart(s: services.Statistics) -> charts.Chart:
    def shares(figures: Iterable[Figures]) -> dict[Quarter, Decimal]:
        return {f.quarter: f.graded_share for f in figures if f.graded_share is not None}

    return charts.line_chart(
        s.quarters,
        [
            (_("The enterprise"), charts.ENTERPRISE, shares(s.shown)),
            (_("The industry"), charts.INDUSTRY, shares(s.industry.values())),
            (_("Norway"), charts.COUNTRY, shares(s.country.values())),
        ],
        start=(Quarter.of(s.start), _("Agreement started")) if s.start else None,
        number=percent,
        quarter_label=quarter_label,
    )


def _trend(shown: Sequence[tuple[Quarter, Decimal]], what: str) -> list[str]:
    if not shown:
        return []
    (q1, first), (q2, last) = shown[0], shown[-1]
    return [
        _(
            "%(what)s went from %(first)s in %(q1)s to %(last)s in %(q2)s.",
            what=what,
            first=percent(first),
            q1=quarter_label(q1),
            last=percent(last),
            q2=quarter_label(q2),
        )
    ]


def _rate_summary(s: services.Statistics) -> str:
    parts = _trend([(f.quarter, f.rate) for f in s.shown], _("The enterprise's sick-leave rate"))
    latest = s.latest_shown
    if latest and latest.quarter in s.industry and latest.quarter in s.country:
        parts.append(
            _(
                "In %(quarter)s the industry's rate was %(industry)s and Norway's %(country)s.",
                quarter=quarter_label(latest.quarter),
                industry=percent(s.industry[latest.quarter].rate),
                country=percent(s.country[latest.quarter].rate),
            )
        )
    if s.target is not None:
        parts.append(_("The target is %(target)s.", target=percent(s.target)))
    if s.prognosis:
        last = s.prognosis[-1]
        parts.append(
            _(
                "The prognosis for %(quarter)s is %(rate)s.",
                quarter=quarter_label(last.quarter),
                rate=percent(last.rate),
            )
        )
    masked = sum(1 for f in s.series if f.masked)
    if masked:
        parts.append(_("%(count)d quarters are masked.", count=masked))
    return " ".join(parts)


def _graded_summary(s: services.Statistics) -> str:
    shares = [(f.quarter, f.graded_share) for f in s.shown if f.graded_share is not None]
    return " ".join(_trend(shares, _("The enterprise's graded share"))) or _("No figures yet.")


@bp.get("/enterprises/<int:enterprise_id>/statistics")
@member_role_required(*MemberRole, adviser=True)
def enterprise(enterprise_id: int) -> ResponseReturnValue:
    record = get_or_404(Enterprise, enterprise_id)
    s = services.statistics(db.session(), record, _today(), _day_cost())
    role = member_role(current_user, enterprise_id)
    return render_template(
        PAGE,
        enterprise=record,
        s=s,
        rate_chart=_rate_chart(s),
        graded_chart=_graded_chart(s),
        rate_summary=_rate_summary(s),
        graded_summary=_graded_summary(s),
        target_style=charts.TARGET,
        can_enter=services.can_enter(current_user, role),
    )


MASKED = "skjermet"


def _csv(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow("'" + v if isinstance(v, str) and _formula(v) else v for v in row)
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _formula(text: str) -> bool:
    return text[:1] in ("=", "+", "@") or (text[:1] == "-" and not text[1:2].isdigit())


def _number(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value, "0.0")


@bp.get("/enterprises/<int:enterprise_id>/statistics.csv")
@member_role_required(*MemberRole, adviser=True)
def enterprise_csv(enterprise_id: int) -> ResponseReturnValue:
    record = get_or_404(Enterprise, enterprise_id)
    s = services.statistics(db.session(), record, _today(), _day_cost())
    header = [
        _("Quarter"),
        _("Sick-leave rate (percent)"),
        _("Graded share (percent)"),
        _("Short-term share (percent)"),
        _("Employees"),
        _("Industry (percent)"),
        _("Norway (percent)"),
    ]

    def line(row: services.QuarterRow) -> list[str]:
        f = row.figures
        if f is None:
            mine = ["", "", "", ""]
        elif f.masked:
            mine = [MASKED] * 4
        else:
            mine = [
                _number(f.rate),
                _number(f.graded_share),
                _number(f.short_term_share),
                str(f.employees),
            ]
        industry = _number(row.industry.rate) if row.industry else ""
        country = _number(row.country.rate) if row.country else ""
        return [str(row.quarter), *mine, industry, country]

    return _csv(f"sykefravaer-{record.org_number}.csv", header, map(line, s.rows))


# --- a quarter typed by hand ----------------------------------------------------------------------


@bp.route("/enterprises/<int:enterprise_id>/statistics/quarters", methods=["GET", "POST"])
@member_role_required(MemberRole.MANAGER, adviser=True)
def enter(enterprise_id: int) -> ResponseReturnValue:
    action: Action = "change" if request.method == "POST" else "read"
    record = get_or_404(Enterprise, enterprise_id, action)
    role = member_role(current_user, enterprise_id)
    require(services.can_enter(current_user, role), enterprise_id)
    form = QuarterForm()
    if form.validate_on_submit():
        try:
            quarter, created = services.enter_quarter(
                db.session(), enterprise_id, form.data, current_user, role
            )
        except services.EntryErrors as error:
            for name, message in error.errors.items():
                getattr(form, name).errors = [*getattr(form, name).errors, message]
        else:
            db.session.commit()
            message = (
                _("The figures for %(quarter)s are saved.", quarter=quarter_label(quarter))
                if created
                else _("The figures for %(quarter)s are updated.", quarter=quarter_label(quarter))
            )
            return finish(message, url_for(".enterprise", enterprise_id=enterprise_id))
    status = 422 if form.is_submitted() else 200
    return render_template("statistics/enter.html", enterprise=record, form=form), status


# --- imports --------------------------------------------------------------------------------------


def _imports_page(
    upload: UploadForm | None = None, status: int = 200, error: str = ""
) -> ResponseReturnValue:
    stmt = scoped(StatisticsImport).order_by(
        StatisticsImport.imported_at.desc(), StatisticsImport.id.desc()
    )
    page = paginate(db.session(), stmt, request.args.get("page", 1, type=int), IMPORTS_SIZE)
    # htmx (the upload form) gets only the errors, into the preview region.
    return render_page_or_fragment(
        IMPORTS,
        "statistics/_upload_errors.html",
        status,
        form=upload or UploadForm(formdata=None),
        imports_page=page,
        undoable=importer.undoable(db.session(), page.items),
        error=error,
    )


@bp.get("/statistics/imports")
@kind_required(*CENTRE_SIDE)
def imports() -> ResponseReturnValue:
    return _imports_page()


def _checked(kind: ImportKind, name: str, text: str) -> importer.Checked:
    source = importer.CsvFigureSource(name, text, kind)
    return importer.check(db.session(), source, kind, current_user)


def _preview(checked: importer.Checked, confirm: ConfirmForm, status: int) -> ResponseReturnValue:
    return render_page_or_fragment(
        PREVIEW,
        "statistics/_preview.html",
        status,
        checked=checked,
        confirm=confirm,
        column_labels=importer.COLUMN_LABELS,
    )


@bp.post("/statistics/imports/preview")
@kind_required(*CENTRE_SIDE)
def preview() -> ResponseReturnValue:
    form = UploadForm()
    if not form.validate_on_submit():
        return _imports_page(form, 422)
    kind = ImportKind(form.kind.data)
    name = form.file.data.filename or "figures.csv"
    try:
        text = importer.decode(form.file.data.read(importer.MAX_BYTES + 1))
        checked = _checked(kind, name, text)
    except DomainError as error:
        show_error(error, form)
        return _imports_page(form, 422)
    confirm = ConfirmForm(formdata=None, kind=kind.value, file_name=name, content=text)
    return _preview(checked, confirm, 200 if checked.ok else 422)


@bp.post("/statistics/imports")
@kind_required(*CENTRE_SIDE)
def commit_import() -> ResponseReturnValue:
    form = ConfirmForm()
    if not form.validate_on_submit() or form.kind.data not in {k.value for k in ImportKind}:
        return _imports_page(
            status=422, error=_("The import was not confirmed. Choose the file again.")
        )
    kind = ImportKind(form.kind.data)
    try:
        checked = _checked(kind, form.file_name.data or "figures.csv", form.content.data or "")
        # End the checking reads first: the writes then start a transaction of their own, so
        # SQLite takes its write lock up front and waits for a simultaneous import to finish.
        db.session.commit()
        record = importer.commit(db.session(), checked, current_user)
    except DomainError as error:
        db.session.rollback()
        return _imports_page(status=422, error=str(error))
    db.session.commit()
    message = _(
        "Imported %(rows)d rows from %(name)s: %(created)d new quarters, %(updated)d updated.",
        rows=record.rows,
        name=record.file_name,
        created=record.created,
        updated=record.updated,
    )
    return finish(message, url_for(".imports"))


@bp.post("/statistics/imports/<int:import_id>/undo")
@kind_required(*CENTRE_SIDE)
def undo(import_id: int) -> ResponseReturnValue:
    record = get_or_404(StatisticsImport, import_id, "change")
    try:
        importer.undo(db.session(), record)
    except DomainError as error:
        db.session.rollback()
        return _imports_page(status=error.status, error=str(error))
    db.session.commit()
    return finish(
        _("The import of %(name)s is undone.", name=record.file_name), url_for(".imports")
    )


# --- the centre report ----------------------------------------------------------------------------


def _filters() -> report.ReportFilter:
    sort = request.args.get("sort", "name")
    centre = request.args.get("centre", type=int) if current_user.is_admin else None
    return report.ReportFilter(
        search=request.args.get("q", "")[:100],
        centre_id=centre,
        sort=sort if sort in report.SORTS else "name",
        descending=request.args.get("dir") == "desc",
    )


def _centres() -> list[Centre]:
    if not current_user.is_admin:
        return []
    return list(db.session.scalars(select(Centre).order_by(Centre.name)))


@bp.get("/statistics/report")
@kind_required(*CENTRE_SIDE)
def centre_report() -> ResponseReturnValue:
    filters = _filters()
    built = report.build(
        db.session(), current_user, filters, _today(), page=request.args.get("page", 1, type=int)
    )
    # The figures the report brought up to date are kept for the next reader.
    db.session.commit()
    return render_page_or_fragment(
        REPORT,
        "statistics/_report_results.html",
        report=built,
        rows=built.rows,
        number=built.number,
        pages=built.pages,
        filters=filters,
        centres=_centres(),
    )


@bp.get("/statistics/report.csv")
@kind_required(*CENTRE_SIDE)
def centre_report_csv() -> ResponseReturnValue:
    built = report.build(db.session(), current_user, _filters(), _today())
    db.session.commit()
    header = [
        _("Enterprise"),
        _("Organisation number"),
        _("Centre"),
        _("Sick-leave rate (percent)"),
        _("Change since the agreement started (points)"),
        _("Graded share (percent)"),
        _("Plan"),
        _("Activities done"),
        _("Activities overdue"),
        _("Requests answered"),
        _("Median answer time (working days)"),
        _("Average rating"),
        _("Ratings"),
        _("Training attended (people)"),
        _("Subsidies granted (kroner)"),
    ]

    def line(r: report.ReportRow) -> list[str]:
        masked = r.masked
        return [
            r.name,
            r.org_number,
            r.centre,
            MASKED if masked else _number(r.rate),
            MASKED if masked else _number(r.change.points if r.change else None),
            MASKED if masked else _number(r.graded),
            str(r.plan.status) if r.plan else "",
            str(r.plan.done) if r.plan else "",
            str(r.plan.overdue) if r.plan else "",
            str(r.answered),
            _number(r.median_answer_days),
            _number(r.rating),
            str(r.ratings),
            str(r.attended),
            str(r.granted),
        ]

    return _csv("senterrapport.csv", header, map(line, built.rows))
