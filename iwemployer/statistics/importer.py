"""Importing quarterly figures: a source yields rows, each row is checked, then all or nothing.

``FigureSource`` is the one small interface an importer needs: a name and rows of text values
by column. ``CsvFigureSource`` reads the CSV files described in the README; an automatic feed
from NAV's statistics can implement the same interface later and reuse the checks and the
commit. Re-importing a quarter updates it (one row per quarter, a unique constraint); each
import is recorded with the values it replaced, so it can be undone as a whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Protocol

from flask_babel import LazyString
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..access import scoped
from ..errors import DomainError
from ..models import (
    Enterprise,
    EnterpriseQuarter,
    ImportedQuarter,
    ImportKind,
    ReferenceLevel,
    ReferenceQuarter,
    StatisticsImport,
    User,
    UserKind,
    utcnow,
)
from ..orgnr import is_valid, normalise
from ..translation import lazy_gettext as _l
from .figures import Quarter

# Column names of the CSV files (NAV's Norwegian names); the key column depends on the kind.
FIGURE_COLUMNS = (
    "aar",
    "kvartal",
    "tapte_dagsverk",
    "mulige_dagsverk",
    "graderte_dagsverk",
    "korttid_dagsverk",
    "antall_ansatte",
)
KEY_COLUMN = {ImportKind.ENTERPRISE: "orgnr", ImportKind.REFERENCE: "naering"}
# In the reference file's "naering" column: the whole country instead of an industry.
COUNTRY_CODE = "land"
MAX_BYTES = 2_000_000
MAX_ROWS = 20_000
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, str]


class FigureSource(Protocol):
    """Where figures come from: a file today, NAV's statistics feed later."""

    name: str

    def rows(self) -> Iterator[SourceRow]:
        """The rows, each with its values by column name; DomainError if it cannot be read."""
        ...


UNREADABLE = _l("The file could not be read as CSV text. Save it as CSV (UTF-8) and try again.")
TOO_LARGE = _l("The file is too large: at most 2 MB and 20,000 rows.")
MISSING_COLUMNS = _l("The file lacks these columns: %(columns)s.")
EMPTY = _l("The file has no rows of figures.")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as saved by older spreadsheets."""
    if len(data) > MAX_BYTES:
        raise DomainError(str(TOO_LARGE), "file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict") if _is_cp1252(data) else _unreadable()


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _unreadable() -> str:
    raise DomainError(str(UNREADABLE), "file")


@dataclass
class CsvFigureSource:
    """A CSV file: a header row, then one quarter a row; ``;`` or ``,`` between values."""

    name: str
    text: str
    kind: ImportKind

    def rows(self) -> Iterator[SourceRow]:
        first = self.text.split("\n", 1)[0]
        delimiter = ";" if ";" in first else ","
        reader = csv.DictReader(io.StringIO(self.text), delimiter=delimiter)
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        wanted = (KEY_COLUMN[self.kind], *FIGURE_COLUMNS)
        missing = [column for column in wanted if column not in header]
        if missing:
            raise DomainError(MISSING_COLUMNS % {"columns": ", ".join(missing)}, "file")
        reader.fieldnames = header
        for number, raw in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise DomainError(str(TOO_LARGE), "file")
            values = {k: (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
            if any(values.values()):
                yield SourceRow(number, values)


# --- checking rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """What a row describes: an enterprise's quarter, or an industry's or the country's."""

    target: str  # the enterprise's org number, the NACE division, or "" for the country
    quarter: Quarter


@dataclass(frozen=True)
class Values:
    lost_days: Decimal
    possible_days: Decimal
    graded_days: Decimal
    short_term_days: Decimal
    employees: int


@dataclass
class CheckedRow:
    line: int
    raw: dict[str, str]
    key: Key | None = None
    values: Values | None = None
    errors: list[str] = field(default_factory=list)
    # Set for good rows: whether the quarter is already stored (the import updates it).
    exists: bool = False


NOT_A_NUMBER = _l("%(column)s is not a number.")
NEGATIVE = _l("%(column)s cannot be negative.")
NOT_WHOLE = _l("%(column)s must be a whole number.")
BAD_YEAR = _l("The year must be between %(first)d and %(last)d.")
BAD_QUARTER = _l("The quarter must be 1, 2, 3 or 4.")
NO_POSSIBLE_DAYS = _l("Possible working days must be more than zero.")
LOST_TOO_LARGE = _l("Lost working days cannot be more than possible working days.")
PART_TOO_LARGE = _l("%(column)s cannot be more than lost working days.")
BAD_ORG_NUMBER = _l("%(value)s is not a valid organisation number.")
UNKNOWN_ORG_NUMBER = _l("No enterprise you work with has organisation number %(value)s.")
BAD_INDUSTRY = _l("%(value)s is not an industry code (two digits) or “land”.")
DUPLICATE = _l("The same quarter is also on line %(line)d.")

COLUMN_LABELS: dict[str, LazyString] = {
    "aar": _l("Year"),
    "kvartal": _l("Quarter"),
    "tapte_dagsverk": _l("Lost working days"),
    "mulige_dagsverk": _l("Possible working days"),
    "graderte_dagsverk": _l("Graded working days"),
    "korttid_dagsverk": _l("Short-term working days"),
    "antall_ansatte": _l("Employees"),
}


def parse_decimal(text: str) -> Decimal | None:
    """A number written with a decimal comma or point (spaces as thousands separators)."""
    cleaned = "".join(text.split()).replace("\u00a0", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def check_values(raw: dict[str, str]) -> tuple[Quarter | None, Values | None, dict[str, str]]:
    """The quarter and the figures of one row, or the errors by column (messages translated)."""
    errors: dict[str, str] = {}
    numbers: dict[str, Decimal] = {}
    for column in FIGURE_COLUMNS:
        label = str(COLUMN_LABELS[column])
        number = parse_decimal(raw.get(column, ""))
        if number is None:
            errors[column] = NOT_A_NUMBER % {"column": label}
        elif number < 0:
            errors[column] = NEGATIVE % {"column": label}
        elif column in ("aar", "kvartal", "antall_ansatte") and number != number.to_integral():
            errors[column] = NOT_WHOLE % {"column": label}
        else:
            numbers[column] = number
    quarter = None
    if "aar" in numbers and not FIRST_YEAR <= numbers["aar"] <= LAST_YEAR:
        errors["aar"] = BAD_YEAR % {"first": FIRST_YEAR, "last": LAST_YEAR}
    if "kvartal" in numbers and numbers["kvartal"] not in (1, 2, 3, 4):
        errors["kvartal"] = str(BAD_QUARTER)
    if "aar" not in errors and "kvartal" not in errors:
        quarter = Quarter(int(numbers["aar"]), int(numbers["kvartal"]))
    lost, possible = numbers.get("tapte_dagsverk"), numbers.get("mulige_dagsverk")
    if possible is not None and possible == 0:
        errors["mulige_dagsverk"] = str(NO_POSSIBLE_DAYS)
    elif lost is not None and possible is not None and lost > possible:
        errors["tapte_dagsverk"] = str(LOST_TOO_LARGE)
    for part in ("graderte_dagsverk", "korttid_dagsverk"):
        if lost is not None and part in numbers and numbers[part] > lost:
            errors[part] = PART_TOO_LARGE % {"column": str(COLUMN_LABELS[part])}
    if errors:
        return quarter, None, errors
    values = Values(
        lost_days=numbers["tapte_dagsverk"],
        possible_days=numbers["mulige_dagsverk"],
        graded_days=numbers["graderte_dagsverk"],
        short_term_days=numbers["korttid_dagsverk"],
        employees=int(numbers["antall_ansatte"]),
    )
    return quarter, values, {}


def _target(kind: ImportKind, raw: dict[str, str], known: set[str]) -> tuple[str | None, str]:
    """The row's org number or industry code, or None and the error."""
    value = raw.get(KEY_COLUMN[kind], "")
    if kind == ImportKind.ENTERPRISE:
        number = normalise(value)
        if not is_valid(number):
            return None, BAD_ORG_NUMBER % {"value": value}
        if number not in known:
            return None, UNKNOWN_ORG_NUMBER % {"value": value}
        return number, ""
    code = value.lower()
    if code == COUNTRY_CODE:
        return "", ""
    if len(code) == 2 and code.isdigit():
        return code, ""
    return None, BAD_INDUSTRY % {"value": value}


@dataclass
class Checked:
    kind: ImportKind
    name: str
    rows: list[CheckedRow]

    @property
    def errors(self) -> list[CheckedRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def new(self) -> int:
        return sum(1 for r in self.rows if not r.errors and not r.exists)

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if not r.errors and r.exists)


def check(session: Session, source: FigureSource, kind: ImportKind, user: User) -> Checked:
    """Every row checked; nothing written. Org numbers count only if the user works with them."""
    rows = [CheckedRow(r.line, r.values) for r in source.rows()]
    if not rows:
        raise DomainError(str(EMPTY), "file")
    known = _known_org_numbers(session, kind, user, rows)
    seen: dict[Key, int] = {}
    for row in rows:
        target, target_error = _target(kind, row.raw, known)
        quarter, values, errors = check_values(row.raw)
        row.errors = ([target_error] if target_error else []) + list(errors.values())
        if target is not None and quarter is not None:
            row.key = Key(target, quarter)
            if row.key in seen:
                row.errors.append(DUPLICATE % {"line": seen[row.key]})
            seen.setdefault(row.key, row.line)
        row.values = values
    existing = _existing(session, kind, [r.key for r in rows if r.key and not r.errors])
    for row in rows:
        row.exists = row.key in existing
    return Checked(kind, source.name, rows)


def _known_org_numbers(
    session: Session, kind: ImportKind, user: User, rows: Sequence[CheckedRow]
) -> set[str]:
    if kind != ImportKind.ENTERPRISE:
        return set()
    numbers = {normalise(r.raw.get("orgnr", "")) for r in rows}
    stmt = scoped(Enterprise, user).where(Enterprise.org_number.in_(numbers))
    return {e.org_number for e in session.scalars(stmt)}


def _existing(session: Session, kind: ImportKind, keys: Sequence[Key | None]) -> set[Key]:
    wanted = {k for k in keys if k is not None}
    if not wanted:
        return set()
    found: set[Key] = set()
    if kind == ImportKind.ENTERPRISE:
        rows = session.execute(
            select(Enterprise.org_number, EnterpriseQuarter.year, EnterpriseQuarter.quarter)
            .join(Enterprise, Enterprise.id == EnterpriseQuarter.enterprise_id)
            .where(Enterprise.org_number.in_({k.target for k in wanted}))
        )
    else:
        rows = session.execute(
            select(ReferenceQuarter.code, ReferenceQuarter.year, ReferenceQuarter.quarter).where(
                ReferenceQuarter.code.in_({k.target for k in wanted})
            )
        )
    for target, year, number in rows:
        found.add(Key(target, Quarter(year, number)))
    return found & wanted


# --- writing ------------------------------------------------------------------------------------


NOT_ALL_GOOD = _l("Nothing was imported: %(count)d rows have errors.")


def can_import(user: User) -> bool:
    """Contact persons (advisers) and administrators import figures."""
    return user.kind in (UserKind.ADVISER, UserKind.ADMIN)


def commit(session: Session, checked: Checked, user: User) -> StatisticsImport:
    """Write every row of a checked file, or nothing: raises DomainError if any row has errors."""
    if not checked.ok:
        raise DomainError(NOT_ALL_GOOD % {"count": len(checked.errors)}, "file")
    record = StatisticsImport(
        kind=checked.kind, imported_by_id=user.id, file_name=checked.name[:255], rows=0
    )
    session.add(record)
    session.flush()
    enterprise_ids: dict[str, int] = {}
    if checked.kind == ImportKind.ENTERPRISE:
        numbers = {r.key.target for r in checked.rows if r.key}
        enterprise_ids = dict(
            session.execute(
                select(Enterprise.org_number, Enterprise.id).where(
                    Enterprise.org_number.in_(numbers)
                )
            ).all()
        )
    for row in checked.rows:
        assert row.key is not None and row.values is not None
        if checked.kind == ImportKind.ENTERPRISE:
            quarter, created = store_enterprise_quarter(
                session, enterprise_ids[row.key.target], row.key.quarter, row.values, record, user
            )
            link = ImportedQuarter(enterprise_quarter_id=quarter.id)
        else:
            reference, created = _store_reference_quarter(session, row.key, row.values, record)
            link = ImportedQuarter(reference_quarter_id=reference.id)
        if created is not None:
            _keep_previous(link, *created)
            record.updated += 1
        else:
            record.created += 1
        record.quarters.append(link)
        record.rows += 1
    session.flush()
    return record


Previous = tuple[Values, int | None]


def _keep_previous(link: ImportedQuarter, values: Values, import_id: int | None) -> None:
    link.previous_lost_days = values.lost_days
    link.previous_possible_days = values.possible_days
    link.previous_graded_days = values.graded_days
    link.previous_short_term_days = values.short_term_days
    link.previous_employees = values.employees
    link.previous_import_id = import_id


def _values_of(row: EnterpriseQuarter | ReferenceQuarter) -> Values:
    return Values(
        row.lost_days, row.possible_days, row.graded_days, row.short_term_days, row.employees
    )


def _assign(row: EnterpriseQuarter | ReferenceQuarter, values: Values) -> None:
    row.lost_days = values.lost_days
    row.possible_days = values.possible_days
    row.graded_days = values.graded_days
    row.short_term_days = values.short_term_days
    row.employees = values.employees
    row.updated_at = utcnow()


def store_enterprise_quarter(
    session: Session,
    enterprise_id: int,
    quarter: Quarter,
    values: Values,
    record: StatisticsImport | None,
    user: User,
) -> tuple[EnterpriseQuarter, Previous | None]:
    """Insert the quarter, or update it if it exists: the previous values (None if created).

    The unique constraint decides: an insert racing another for the same quarter fails in its
    savepoint and becomes an update of the row that won.
    """
    where = (
        EnterpriseQuarter.enterprise_id == enterprise_id,
        EnterpriseQuarter.year == quarter.year,
        EnterpriseQuarter.quarter == quarter.number,
    )
    row = session.scalar(select(EnterpriseQuarter).where(*where).with_for_update())
    if row is None:
        row = EnterpriseQuarter(
            enterprise_id=enterprise_id, year=quarter.year, quarter=quarter.number
        )
        _assign(row, values)
        row.import_id = record.id if record else None
        row.updated_by_id = user.id
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = session.scalars(select(EnterpriseQuarter).where(*where).with_for_update()).one()
        else:
            return row, None
    previous = (_values_of(row), row.import_id)
    _assign(row, values)
    row.import_id = record.id if record else None
    row.updated_by_id = user.id
    return row, previous


def _store_reference_quarter(
    session: Session, key: Key, values: Values, record: StatisticsImport
) -> tuple[ReferenceQuarter, Previous | None]:
    level = ReferenceLevel.INDUSTRY if key.target else ReferenceLevel.COUNTRY
    where = (
        ReferenceQuarter.level == level,
        ReferenceQuarter.code == key.target,
        ReferenceQuarter.year == key.quarter.year,
        ReferenceQuarter.quarter == key.quarter.number,
    )
    row = session.scalar(select(ReferenceQuarter).where(*where).with_for_update())
    if row is None:
        row = ReferenceQuarter(
            level=level, code=key.target, year=key.quarter.year, quarter=key.quarter.number
        )
        _assign(row, values)
        row.import_id = record.id
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = session.scalars(select(ReferenceQuarter).where(*where).with_for_update()).one()
        else:
            return row, None
    previous = (_values_of(row), row.import_id)
    _assign(row, values)
    row.import_id = record.id
    return row, previous


# --- undo ---------------------------------------------------------------------------------------


UNDO_REFUSED = _l(
    "This import cannot be undone: it is undone already, or some of its quarters have been "
    "changed since by a later import or by hand. Undo the later import first."
)


def undoable(session: Session, records: Sequence[StatisticsImport]) -> set[int]:
    """Of ``records``, those that can be undone: not undone yet, and every quarter each wrote
    still holds what it wrote (no later import or edit by hand has changed it). One query."""
    ids = [r.id for r in records if r.undone_at is None]
    if not ids:
        return set()
    writer = func.coalesce(EnterpriseQuarter.import_id, ReferenceQuarter.import_id)
    blocked = set(
        session.scalars(
            select(ImportedQuarter.import_id)
            .outerjoin(
                EnterpriseQuarter, EnterpriseQuarter.id == ImportedQuarter.enterprise_quarter_id
            )
            .outerjoin(
                ReferenceQuarter, ReferenceQuarter.id == ImportedQuarter.reference_quarter_id
            )
            .where(
                ImportedQuarter.import_id.in_(ids),
                writer.is_(None) | (writer != ImportedQuarter.import_id),
            )
            .distinct()
        )
    )
    return set(ids) - blocked


def can_undo(session: Session, record: StatisticsImport) -> bool:
    return record.id in undoable(session, [record])


def undo(session: Session, record: StatisticsImport, now: datetime | None = None) -> None:
    """Delete the quarters the import created and give updated ones their previous values.

    A conditional update marks the import undone, so two undos at once cannot both run.
    """
    if not can_undo(session, record):
        raise DomainError(str(UNDO_REFUSED), status=409)
    marked = session.execute(
        update(StatisticsImport)
        .where(StatisticsImport.id == record.id, StatisticsImport.undone_at.is_(None))
        .values(undone_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(str(UNDO_REFUSED), status=409)
    links = list(
        session.scalars(select(ImportedQuarter).where(ImportedQuarter.import_id == record.id))
    )
    ids = [link.enterprise_quarter_id or link.reference_quarter_id for link in links]
    rows: dict[int, EnterpriseQuarter | ReferenceQuarter] = {}
    if record.kind == ImportKind.ENTERPRISE:
        rows.update(
            (r.id, r)
            for r in session.scalars(select(EnterpriseQuarter).where(EnterpriseQuarter.id.in_(ids)))
        )
    else:
        rows.update(
            (r.id, r)
            for r in session.scalars(select(ReferenceQuarter).where(ReferenceQuarter.id.in_(ids)))
        )
    for link in links:
        row = rows[link.enterprise_quarter_id or link.reference_quarter_id or 0]
        if link.previous_possible_days is None:
            session.delete(row)
            continue
        assert link.previous_lost_days is not None and link.previous_graded_days is not None
        assert link.previous_short_term_days is not None and link.previous_employees is not None
        _assign(
            row,
            Values(
                link.previous_lost_days,
                link.previous_possible_days,
                link.previous_graded_days,
                link.previous_short_term_days,
                link.previous_employees,
            ),
        )
        row.import_id = link.previous_import_id
    session.flush()
    session.refresh(record)
