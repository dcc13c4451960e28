"""The plan's rules, without HTTP: versions, resets, confirmations, optimistic locking."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.errors import DomainError
from iwemployer.extensions import db
from iwemployer.models import (
    ActionPlan,
    ActivityStatus,
    Decision,
    Enterprise,
    MemberRole,
    Notification,
    PlanActivity,
    PlanConfirmation,
    PlanEvent,
    PlanEventKind,
    PlanStatus,
    PlanVersion,
    Responsible,
    UserKind,
)
from iwemployer.plans import services
from iwemployer.plans.services import (
    ActivityFields,
    ConcurrentChange,
    Goals,
    StaleEdit,
)
from tests.conftest import build_membership, build_user

from .conftest import Parties


def _fields(activity: PlanActivity, **changes: object) -> ActivityFields:
    values: dict[str, object] = {
        "title": activity.title,
        "description": activity.description,
        "responsible": activity.responsible,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
    }
    values.update(changes)
    return ActivityFields(**values)  # type: ignore[arg-type]


def _goals(plan: ActionPlan, **changes: object) -> Goals:
    values: dict[str, object] = {
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "sick_leave_baseline_pct": plan.sick_leave_baseline_pct,
        "sick_leave_target_pct": plan.sick_leave_target_pct,
        "goals": plan.goals,
    }
    values.update(changes)
    return Goals(**values)  # type: ignore[arg-type]


def _notified(session: Session, kind: str) -> set[int]:
    return set(session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def _events(session: Session, plan: ActionPlan, kind: PlanEventKind) -> list[PlanEvent]:
    return list(
        session.scalars(
            select(PlanEvent).where(PlanEvent.plan_id == plan.id, PlanEvent.kind == kind)
        )
    )


# --- a new plan -------------------------------------------------------------------------------


def test_a_new_plan_starts_as_draft_version_1_from_the_template(parties: Parties) -> None:
    plan = parties.new_plan()
    assert (plan.version, plan.status) == (1, PlanStatus.DRAFT)
    assert [t.title for t in plan.themes] == [
        "Cooperation between the parties (partssamarbeid)",
        "Sick-leave follow-up",
        "Working environment",
        "Recruitment and inclusion",
    ]
    follow_up = [a.title for a in plan.themes[1].activities]
    assert follow_up == [
        "Review the follow-up routines",
        "Follow-up talks",
        "Adaptation duty",
        "Employee involvement",
    ]
    assert all(
        a.start_date == plan.period_start and a.end_date == plan.period_end for a in plan.activities
    )
    assert _events(parties.session, plan, PlanEventKind.CREATED)
    # Everyone concerned hears of it, except the one who did it.
    assert _notified(parties.session, "plan.created") == {
        parties.manager.id,
        parties.safety.id,
        parties.union.id,
        parties.health.id,
    }


def test_overlapping_periods_are_refused(parties: Parties) -> None:
    plan = parties.new_plan(date(2027, 1, 1))
    with pytest.raises(DomainError, match="already has an action plan"):
        services.create_plan(
            parties.session,
            parties.enterprise,
            parties.adviser,
            date(2027, 6, 1),
            date(2028, 5, 31),
        )
    parties.session.rollback()
    following = services.create_plan(
        parties.session,
        parties.enterprise,
        parties.adviser,
        plan.period_end + timedelta(days=1),
        date(2029, 1, 1),
    )
    assert following.id != plan.id


def test_the_period_must_end_after_it_starts(parties: Parties) -> None:
    with pytest.raises(DomainError, match="end after it starts"):
        services.create_plan(
            parties.session, parties.enterprise, parties.adviser, date(2027, 1, 1), date(2027, 1, 1)
        )


# --- versions ---------------------------------------------------------------------------------


def test_edits_in_a_draft_never_sent_keep_version_1(parties: Parties) -> None:
    plan = parties.new_plan()
    activity = plan.activities[0]
    assert services.update_activity(
        parties.session,
        activity,
        parties.manager,
        activity.revision,
        _fields(activity, title="Partsmøter"),
    )
    services.update_goals(
        parties.session,
        plan,
        parties.adviser,
        plan.goals_revision,
        _goals(plan, sick_leave_target_pct=Decimal("5.5")),
    )
    services.add_theme(parties.session, plan, parties.manager, "Lederopplæring")
    parties.session.commit()
    assert (plan.version, plan.status) == (1, PlanStatus.DRAFT)
    assert not _events(parties.session, plan, PlanEventKind.NEW_VERSION)


def test_sending_freezes_the_version_as_a_snapshot_without_status(parties: Parties) -> None:
    plan = parties.new_plan()
    services.change_status(
        parties.session,
        plan.activities[0],
        parties.manager,
        plan.activities[0].revision,
        ActivityStatus.IN_PROGRESS,
    )
    parties.send(plan)
    assert plan.status == PlanStatus.SENT and plan.sent_at is not None
    stored = services.find_version(parties.session, plan, 1)
    assert stored is not None and stored.created_by_id == parties.manager.id
    assert stored.snapshot == services.snapshot(plan)
    assert "status" not in stored.snapshot["themes"][0]["activities"][0]
    assert _notified(parties.session, "plan.sent") == {
        parties.safety.id,
        parties.union.id,
        parties.adviser.id,
    }


def test_agreed_when_all_three_parties_confirm_the_same_version(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    services.decide(
        parties.session, plan, parties.manager, MemberRole.MANAGER, 1, Decision.CONFIRMED
    )
    services.decide(
        parties.session, plan, parties.safety, MemberRole.SAFETY_DELEGATE, 1, Decision.CONFIRMED
    )
    assert plan.status == PlanStatus.SENT
    assert services.awaiting_roles(plan) == [MemberRole.UNION_REP]
    services.decide(
        parties.session, plan, parties.union, MemberRole.UNION_REP, 1, Decision.CONFIRMED
    )
    parties.session.commit()
    assert plan.status == PlanStatus.AGREED and plan.agreed_at is not None
    assert plan.last_agreed_version() == 1
    assert len(_events(parties.session, plan, PlanEventKind.AGREED)) == 1
    assert parties.health.id in _notified(parties.session, "plan.agreed")


def test_a_content_change_after_agreement_opens_a_new_version_and_resets(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    parties.agree(plan)
    activity = plan.activities[2]
    services.update_activity(
        parties.session,
        activity,
        parties.manager,
        activity.revision,
        _fields(activity, end_date=activity.end_date - timedelta(days=30)),
    )
    parties.session.commit()
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)
    assert plan.decisions(2) == {}
    # The old confirmations stay in the history, and version 1 is still the last agreed one.
    assert set(plan.decisions(1)) == set(parties.roles)
    assert plan.last_agreed_version() == 1
    assert _events(parties.session, plan, PlanEventKind.NEW_VERSION)[0].version == 2
    # A draft is not announced: the parties hear of version 2 when it is sent.
    assert _notified(parties.session, "plan.new_version") == set()
    # Further edits go into the same draft version 2.
    services.update_goals(
        parties.session,
        plan,
        parties.manager,
        plan.goals_revision,
        _goals(plan, goals="Mindre fravær"),
    )
    parties.session.commit()
    assert plan.version == 2
    parties.send(plan)
    assert [v.version for v in plan.versions] == [1, 2]


@pytest.mark.parametrize(
    "change",
    [
        "goals",
        "add_activity",
        "delete_activity",
        "add_theme",
        "rename_theme",
        "move_to_other_theme",
    ],
)
def test_every_kind_of_content_change_resets_a_sent_plan(parties: Parties, change: str) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    s, user = parties.session, parties.manager
    theme, activity = plan.themes[1], plan.themes[1].activities[0]
    if change == "goals":
        services.update_goals(
            s, plan, user, plan.goals_revision, _goals(plan, sick_leave_baseline_pct=Decimal("7"))
        )
    elif change == "add_activity":
        services.add_activity(s, theme, user, _fields(activity, title="Ny"))
    elif change == "delete_activity":
        services.delete_activity(s, activity, user)
    elif change == "add_theme":
        services.add_theme(s, plan, user, "Nytt tema")
    elif change == "rename_theme":
        services.rename_theme(s, theme, user, theme.revision, "Oppfølging")
    else:
        services.update_activity(
            s, activity, user, activity.revision, _fields(activity), theme=plan.themes[0]
        )
    s.commit()
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)


def test_status_changes_and_reordering_never_reset_confirmations(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    parties.agree(plan)
    activity = plan.activities[0]
    for status in (ActivityStatus.IN_PROGRESS, ActivityStatus.DONE):
        assert services.change_status(
            parties.session, activity, parties.manager, activity.revision, status
        )
    # The edit form may carry a status change alone: still no new version.
    second = plan.themes[1].activities[1]
    services.update_activity(
        parties.session,
        second,
        parties.adviser,
        second.revision,
        _fields(second),
        status=ActivityStatus.CANCELLED,
    )
    services.move_activity(parties.session, plan.themes[1].activities[0], parties.manager, "down")
    services.move_theme(parties.session, plan.themes[0], parties.manager, "down")
    parties.session.commit()
    assert (plan.version, plan.status) == (1, PlanStatus.AGREED)
    statuses = _events(parties.session, plan, PlanEventKind.STATUS)
    assert [(e.from_status, e.to_status) for e in statuses] == [
        (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS),
        (ActivityStatus.IN_PROGRESS, ActivityStatus.DONE),
        (ActivityStatus.PLANNED, ActivityStatus.CANCELLED),
    ]
    assert parties.session.scalar(select(func.count()).select_from(PlanVersion)) == 1


def test_a_save_without_changes_changes_nothing(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    activity = plan.activities[0]
    revision = activity.revision
    assert not services.update_activity(
        parties.session,
        activity,
        parties.manager,
        revision,
        _fields(activity, title=f"  {activity.title} "),
    )
    assert not services.update_goals(
        parties.session, plan, parties.manager, plan.goals_revision, _goals(plan)
    )
    assert not services.rename_theme(
        parties.session,
        plan.themes[0],
        parties.manager,
        plan.themes[0].revision,
        plan.themes[0].title,
    )
    parties.session.commit()
    assert (plan.version, plan.status, activity.revision) == (1, PlanStatus.SENT, revision)


# --- optimistic locking -----------------------------------------------------------------------


def test_a_save_from_an_older_form_is_stale(parties: Parties) -> None:
    plan = parties.new_plan()
    activity = plan.activities[0]
    opened = activity.revision
    services.update_activity(
        parties.session,
        activity,
        parties.adviser,
        opened,
        _fields(activity, title="Rådgivers tekst"),
    )
    parties.session.commit()
    with pytest.raises(StaleEdit):
        services.update_activity(
            parties.session,
            activity,
            parties.manager,
            opened,
            _fields(activity, title="Leders tekst"),
        )
    with pytest.raises(StaleEdit):
        services.change_status(
            parties.session, activity, parties.manager, opened, ActivityStatus.DONE
        )
    parties.session.rollback()
    assert activity.title == "Rådgivers tekst"
    goals_opened = plan.goals_revision
    services.update_goals(
        parties.session, plan, parties.adviser, goals_opened, _goals(plan, goals="A")
    )
    with pytest.raises(StaleEdit):
        services.update_goals(
            parties.session, plan, parties.manager, goals_opened, _goals(plan, goals="B")
        )
    theme = plan.themes[0]
    services.rename_theme(parties.session, theme, parties.adviser, theme.revision, "A")
    with pytest.raises(StaleEdit):
        services.rename_theme(parties.session, theme, parties.manager, theme.revision - 1, "B")


def test_a_race_lost_at_commit_is_a_conflict_not_an_overwrite(parties: Parties) -> None:
    plan = parties.new_plan()
    activity = plan.activities[0]
    activity_id, revision = activity.id, activity.revision
    # Another request loads the same activity, saves and commits first.
    with Session(db.engine, expire_on_commit=False) as other:
        theirs = other.get(PlanActivity, activity_id)
        assert theirs is not None
        theirs.title = "Først"
        theirs.revision += 1
        other.commit()
    # This request had loaded revision 1 before that commit; its UPDATE finds no such row.
    with pytest.raises(ConcurrentChange):
        services.update_activity(
            parties.session, activity, parties.manager, revision, _fields(activity, title="Sist")
        )
    parties.session.rollback()
    assert parties.session.get(PlanActivity, activity_id).title == "Først"  # type: ignore[union-attr]


def test_sending_a_plan_that_changed_since_it_was_shown_is_refused(parties: Parties) -> None:
    plan = parties.new_plan()
    shown = plan.row_version
    activity = plan.activities[0]
    services.update_activity(
        parties.session,
        activity,
        parties.adviser,
        activity.revision,
        _fields(activity, title="Endret"),
    )
    parties.session.commit()
    assert plan.row_version != shown
    with pytest.raises(StaleEdit):
        services.send_for_confirmation(parties.session, plan, parties.manager, shown)


# --- confirmations ----------------------------------------------------------------------------


def test_confirming_an_outdated_version_is_refused(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    activity = plan.activities[0]
    services.update_activity(
        parties.session,
        activity,
        parties.manager,
        activity.revision,
        _fields(activity, title="Ny tittel"),
    )
    parties.send(plan)
    with pytest.raises(DomainError) as refused:
        services.decide(
            parties.session, plan, parties.union, MemberRole.UNION_REP, 1, Decision.CONFIRMED
        )
    assert "version 1" in refused.value.message and "version 2" in refused.value.message
    assert refused.value.status == 409
    assert plan.decisions(1) == {}


def test_a_draft_cannot_be_confirmed(parties: Parties) -> None:
    plan = parties.new_plan()
    with pytest.raises(DomainError, match="not been sent"):
        services.decide(
            parties.session, plan, parties.manager, MemberRole.MANAGER, 1, Decision.CONFIRMED
        )


def test_a_decline_ends_the_round_until_a_new_version_is_sent(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    with pytest.raises(DomainError, match="Say why") as missing:
        services.decide(
            parties.session, plan, parties.union, MemberRole.UNION_REP, 1, Decision.DECLINED, "  "
        )
    assert missing.value.field == "reason"
    declined = services.decide(
        parties.session,
        plan,
        parties.union,
        MemberRole.UNION_REP,
        1,
        Decision.DECLINED,
        "Mangler rekruttering",
    )
    parties.session.commit()
    assert declined.reason == "Mangler rekruttering"
    assert plan.status == PlanStatus.DECLINED
    assert [d.user_name for d in plan.declines(1)] == [parties.union.name]
    assert _events(parties.session, plan, PlanEventKind.DECLINED)[0].text == "Mangler rekruttering"
    assert services.awaiting_roles(plan) == []
    # Nobody confirms a declined version: not the decliner, not the others.
    for user, role in (
        (parties.union, MemberRole.UNION_REP),
        (parties.manager, MemberRole.MANAGER),
        (parties.safety, MemberRole.SAFETY_DELEGATE),
    ):
        assert not services.can_decide(user, role, plan)
        with pytest.raises(DomainError, match="was declined") as refused:
            services.decide(parties.session, plan, user, role, 1, Decision.CONFIRMED)
        assert refused.value.status == 409
    # The manager or the contact person opens version 2, changes it and sends it.
    assert not services.can_reopen(parties.safety, plan)
    with pytest.raises(DomainError) as refused:
        services.reopen(parties.session, plan, parties.safety, plan.row_version)
    assert refused.value.status == 403
    assert services.can_reopen(parties.adviser, plan)
    services.reopen(parties.session, plan, parties.adviser, plan.row_version)
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)
    assert not services.can_reopen(parties.manager, plan)
    parties.send(plan)
    assert services.can_decide(parties.union, MemberRole.UNION_REP, plan)
    services.decide(
        parties.session, plan, parties.union, MemberRole.UNION_REP, 2, Decision.CONFIRMED
    )
    with pytest.raises(DomainError, match="already answered"):
        services.decide(
            parties.session, plan, parties.union, MemberRole.UNION_REP, 2, Decision.DECLINED, "x"
        )


def test_a_decline_withdraws_the_requests_to_confirm(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    asked = select(func.count()).where(
        Notification.kind == "plan.sent",
        Notification.url == services.plan_path(plan),
        Notification.read_at.is_(None),
    )
    assert parties.session.scalar(asked) > 0
    services.decide(
        parties.session, plan, parties.union, MemberRole.UNION_REP, 1, Decision.DECLINED, "Nei"
    )
    assert parties.session.scalar(asked) == 0
    assert parties.manager.id in _notified(parties.session, "plan.declined")


def test_confirm_and_send_is_one_step_for_the_manager(parties: Parties) -> None:
    plan = parties.new_plan()
    assert services.confirms_when_sending(parties.manager, MemberRole.MANAGER, plan)
    assert not services.confirms_when_sending(parties.adviser, None, plan)
    services.send_for_confirmation(
        parties.session, plan, parties.manager, plan.row_version, confirm=True
    )
    assert plan.status == PlanStatus.SENT
    assert plan.confirmed_roles(1) == {MemberRole.MANAGER}
    assert services.awaiting_roles(plan) == [MemberRole.SAFETY_DELEGATE, MemberRole.UNION_REP]
    assert _notified(parties.session, "plan.confirmed") == set()
    other = parties.new_plan(plan.period_end + timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        services.send_for_confirmation(
            parties.session, other, parties.adviser, other.row_version, confirm=True
        )
    assert refused.value.status == 403 and other.status == PlanStatus.DRAFT


def test_only_the_three_parties_confirm(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    for role in (MemberRole.OCCUPATIONAL_HEALTH, None):
        with pytest.raises(DomainError) as refused:
            services.decide(parties.session, plan, parties.health, role, 1, Decision.CONFIRMED)
        assert refused.value.status == 403


def test_the_database_keeps_one_answer_per_party_and_version(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    for user in (parties.manager, parties.adviser):
        parties.session.add(
            PlanConfirmation(
                plan_id=plan.id,
                version=1,
                role=MemberRole.MANAGER,
                user_id=user.id,
                user_name=user.name,
                decision=Decision.CONFIRMED,
            )
        )
    with pytest.raises(Exception, match=r"(?i)unique"):
        parties.session.flush()
    parties.session.rollback()


# --- diffs, structure, overview ---------------------------------------------------------------


def test_diff_lists_changed_goals_and_activities_but_not_status(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    before = services.snapshot(plan)
    first, second = plan.themes[1].activities[:2]
    removed_title = plan.themes[3].activities[0].title
    services.update_activity(
        parties.session,
        first,
        parties.manager,
        first.revision,
        _fields(first, title="Nye rutiner", responsible=Responsible.OCCUPATIONAL_HEALTH),
    )
    services.change_status(
        parties.session, second, parties.manager, second.revision, ActivityStatus.DONE
    )
    services.delete_activity(parties.session, plan.themes[3].activities[0], parties.manager)
    services.add_activity(
        parties.session, plan.themes[2], parties.manager, _fields(first, title="Vernerunde")
    )
    services.update_goals(
        parties.session,
        plan,
        parties.manager,
        plan.goals_revision,
        _goals(plan, sick_leave_target_pct=Decimal("5.5")),
    )
    services.rename_theme(
        parties.session, plan.themes[0], parties.manager, plan.themes[0].revision, "Partssamarbeid"
    )
    parties.session.commit()
    changes = services.diff(before, services.snapshot(plan))
    assert [(c.field, c.old, c.new) for c in changes.goals] == [
        ("sick_leave_target_pct", None, "5.5")
    ]
    kinds = {(a.kind, a.title) for a in changes.activities}
    assert kinds == {
        ("changed", "Nye rutiner"),
        ("removed", removed_title),
        ("added", "Vernerunde"),
    }
    changed = next(a for a in changes.activities if a.kind == "changed")
    assert {c.field for c in changes_of(changed)} == {"title", "responsible"}
    assert [(t.kind, t.title) for t in changes.themes] == [("renamed", "Partssamarbeid")]
    # The diff from the stored version 1 to now is the same.
    since = services.diff_since(parties.session, plan, 1)
    assert since == changes
    assert services.diff(before, before).empty


def changes_of(change: services.ActivityChange) -> tuple[services.FieldChange, ...]:
    return change.changes


def test_a_theme_with_activities_cannot_be_deleted(parties: Parties) -> None:
    plan = parties.new_plan()
    with pytest.raises(DomainError, match="before deleting the theme"):
        services.delete_theme(parties.session, plan.themes[0], parties.manager)
    empty = services.add_theme(parties.session, plan, parties.manager, "Tomt")
    services.delete_theme(parties.session, empty, parties.manager)
    parties.session.commit()
    assert [t.position for t in plan.themes] == [0, 1, 2, 3]


def test_moving_reorders_within_the_theme(parties: Parties) -> None:
    plan = parties.new_plan()
    theme = plan.themes[1]
    titles = [a.title for a in theme.activities]
    assert services.move_activity(parties.session, theme.activities[0], parties.manager, "down")
    assert not services.move_activity(parties.session, theme.activities[0], parties.manager, "up")
    parties.session.commit()
    assert [a.title for a in theme.activities] == [titles[1], titles[0], *titles[2:]]


def test_comments_are_recorded_and_notified(parties: Parties) -> None:
    plan = parties.new_plan()
    activity = plan.activities[0]
    event = services.comment(parties.session, plan, parties.safety, "  Bra tiltak  ", activity)
    parties.session.commit()
    assert (event.kind, event.text, event.activity_id) == (
        PlanEventKind.COMMENT,
        "Bra tiltak",
        activity.id,
    )
    assert parties.safety.id not in _notified(parties.session, "plan.commented")
    assert parties.adviser.id in _notified(parties.session, "plan.commented")
    with pytest.raises(DomainError):
        services.comment(parties.session, plan, parties.safety, "   ")


def test_overview_shows_whose_confirmation_is_missing_and_what_is_overdue(
    parties: Parties,
) -> None:
    today = date.today()
    plan = parties.new_plan(today.replace(day=1) - timedelta(days=200))
    late = plan.activities[0]
    services.update_activity(
        parties.session,
        late,
        parties.manager,
        late.revision,
        _fields(late, start_date=plan.period_start, end_date=today - timedelta(days=3)),
    )
    parties.send(plan)
    services.decide(
        parties.session, plan, parties.manager, MemberRole.MANAGER, 1, Decision.CONFIRMED
    )
    services.decide(
        parties.session, plan, parties.union, MemberRole.UNION_REP, 1, Decision.DECLINED, "Nei"
    )
    parties.session.commit()
    only = Enterprise.id == parties.enterprise.id
    result = services.overview(parties.session, only, today)
    assert result.awaiting.items == [] and not result.awaiting.has_next
    item = result.declined.items[0]
    assert item.awaiting == []
    assert [c.role for c in item.confirmed] == [MemberRole.MANAGER]
    assert [(c.user_name, c.reason) for c in item.declined] == [(parties.union.name, "Nei")]
    assert [(o.activity_id, o.title, o.days) for o in result.overdue.items] == [
        (late.id, late.title, 3)
    ]
    assert [o.plan.enterprise_name for o in result.overdue.items] == [parties.enterprise.name]
    assert result.without_plan.total == 0
    # Each section has pages of its own.
    first = services.overview(parties.session, only, today, {"declined": 1}, size=1)
    assert not first.declined.has_next and not first.overdue.has_next


def test_pick_current_prefers_the_period_of_today(parties: Parties) -> None:
    today = date.today()
    old = parties.new_plan(today - timedelta(days=800))
    now = parties.new_plan(today - timedelta(days=100))
    later = parties.new_plan(now.period_end + timedelta(days=1))
    assert services.pick_current([old, now, later], today) is now
    assert services.pick_current([old, later], today) is later
    assert services.pick_current([old], today) is old
    assert services.pick_current([], today) is None


def test_plan_path_matches_the_route(parties: Parties) -> None:
    from flask import url_for

    plan = parties.new_plan()
    assert services.plan_path(plan) == url_for(
        "plans.show", enterprise_id=plan.enterprise_id, plan_id=plan.id
    )


def test_the_database_refuses_a_decline_without_reason(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.session.add(
        PlanConfirmation(
            plan_id=plan.id,
            version=1,
            role=MemberRole.UNION_REP,
            user_id=parties.union.id,
            user_name="x",
            decision=Decision.DECLINED,
            reason="",
        )
    )
    with pytest.raises(Exception, match=r"(?i)check|decline_has_reason"):
        parties.session.flush()
    parties.session.rollback()
    assert parties.session.scalar(select(func.count()).select_from(ActionPlan)) == 1


# --- rules once: the same function shows the button and refuses the action -------------------


def test_who_may_answer_is_what_decide_enforces(parties: Parties) -> None:
    plan = parties.new_plan()
    union, role = parties.union, MemberRole.UNION_REP
    # A draft: nobody answers yet.
    assert not services.can_decide(union, role, plan)
    parties.send(plan)
    assert services.can_decide(union, role, plan)
    assert not services.can_decide(parties.health, MemberRole.OCCUPATIONAL_HEALTH, plan)
    assert not services.can_decide(parties.adviser, None, plan)
    services.decide(parties.session, plan, union, role, plan.version, Decision.CONFIRMED)
    assert not services.can_decide(union, role, plan)
    with pytest.raises(DomainError, match="already answered"):
        services.decide(parties.session, plan, union, role, plan.version, Decision.CONFIRMED)


def test_who_may_edit_and_send_is_what_the_services_enforce(parties: Parties) -> None:
    plan = parties.new_plan()
    assert services.can_edit(parties.manager, plan) and services.can_edit(parties.adviser, plan)
    assert not services.can_edit(parties.safety, plan)
    assert services.can_send(parties.manager, plan) and not services.can_send(parties.safety, plan)
    with pytest.raises(DomainError) as refused:
        services.add_theme(parties.session, plan, parties.safety, "Nytt tema")
    assert refused.value.status == 403
    with pytest.raises(DomainError) as refused:
        services.send_for_confirmation(parties.session, plan, parties.safety, plan.row_version)
    assert refused.value.status == 403
    parties.send(plan)
    assert not services.can_send(parties.manager, plan)
    theme = plan.themes[0]
    assert not services.can_delete_theme(parties.manager, theme)
    with pytest.raises(DomainError, match="before deleting the theme"):
        services.delete_theme(parties.session, theme, parties.manager)


def test_plan_goals_activities_comments_and_decline_reasons_are_guarded(
    parties: Parties,
) -> None:
    plan = parties.new_plan()
    written = "01.01.90 10046"
    with pytest.raises(DomainError, match="identity number"):
        services.comment(parties.session, plan, parties.manager, f"Gjelder {written}")
    with pytest.raises(DomainError, match="identity number"):
        services.add_theme(parties.session, plan, parties.manager, f"Tema {written}")
    parties.send(plan)
    with pytest.raises(DomainError, match="identity number"):
        services.decide(
            parties.session,
            plan,
            parties.union,
            MemberRole.UNION_REP,
            1,
            Decision.DECLINED,
            f"Gjelder {written}",
        )


def test_a_second_holder_of_the_role_cannot_confirm_over_a_decline(parties: Parties) -> None:
    second = build_user(parties.session, name="Tillitsvalgt To")
    build_membership(parties.session, second, parties.enterprise, MemberRole.UNION_REP)
    plan = parties.new_plan()
    parties.send(plan)
    for role, user in (
        (MemberRole.MANAGER, parties.manager),
        (MemberRole.SAFETY_DELEGATE, parties.safety),
    ):
        services.decide(parties.session, plan, user, role, 1, Decision.CONFIRMED)
    services.decide(
        parties.session, plan, parties.union, MemberRole.UNION_REP, 1, Decision.DECLINED, "Nei"
    )
    parties.session.commit()
    with pytest.raises(DomainError, match="was declined") as refused:
        services.decide(parties.session, plan, second, MemberRole.UNION_REP, 1, Decision.CONFIRMED)
    assert refused.value.status == 409
    parties.session.rollback()
    assert plan.decisions(1)[MemberRole.UNION_REP].decision == Decision.DECLINED
    assert plan.status == PlanStatus.DECLINED


def test_only_the_contact_person_among_the_centres_advisers_changes_the_plan(
    parties: Parties,
) -> None:
    colleague = build_user(
        parties.session, UserKind.ADVISER, centre=parties.enterprise.centre, name="Annen Rådgiver"
    )
    plan = parties.new_plan()
    assert services.can_edit(parties.adviser, plan)
    assert not services.can_edit(colleague, plan)
    with pytest.raises(DomainError) as refused:
        services.add_theme(parties.session, plan, colleague, "Nytt tema")
    assert refused.value.status == 403


# --- the parties responsible for an activity report its progress -----------------------------


@pytest.mark.parametrize(
    ("who", "role", "responsible"),
    [
        ("safety", MemberRole.SAFETY_DELEGATE, Responsible.SAFETY_DELEGATE),
        ("union", MemberRole.UNION_REP, Responsible.UNION_REP),
        ("health", MemberRole.OCCUPATIONAL_HEALTH, Responsible.OCCUPATIONAL_HEALTH),
    ],
)
def test_the_responsible_party_changes_the_status_without_a_new_version(
    parties: Parties, who: str, role: MemberRole, responsible: Responsible
) -> None:
    plan = parties.new_plan()
    theme = plan.themes[0]
    mine = services.add_activity(
        parties.session,
        theme,
        parties.manager,
        ActivityFields("Vernerunde", "", responsible, plan.period_start, plan.period_end),
    )
    others = next(a for a in plan.activities if a.responsible == Responsible.MANAGER)
    parties.send(plan)
    parties.agree(plan)
    user = getattr(parties, who)
    assert services.can_change_status(user, role, mine)
    assert not services.can_change_status(user, role, others)
    assert services.change_status(
        parties.session, mine, user, mine.revision, ActivityStatus.IN_PROGRESS
    )
    parties.session.commit()
    assert mine.status == ActivityStatus.IN_PROGRESS
    assert (plan.version, plan.status) == (1, PlanStatus.AGREED)
    assert _events(parties.session, plan, PlanEventKind.STATUS)[-1].user_id == user.id
    with pytest.raises(DomainError) as refused:
        services.change_status(parties.session, others, user, others.revision, ActivityStatus.DONE)
    assert refused.value.status == 403
    parties.session.rollback()
    assert others.status == ActivityStatus.PLANNED


def test_an_adviser_who_is_not_the_contact_person_changes_no_status(parties: Parties) -> None:
    colleague = build_user(
        parties.session, UserKind.ADVISER, centre=parties.enterprise.centre, name="Annen Rådgiver"
    )
    plan = parties.new_plan()
    activity = next(a for a in plan.activities if a.responsible == Responsible.CENTRE)
    assert services.can_change_status(parties.adviser, None, activity)
    assert not services.can_change_status(colleague, None, activity)
    with pytest.raises(DomainError):
        services.change_status(
            parties.session, activity, colleague, activity.revision, ActivityStatus.DONE
        )


def test_opens_new_version_is_what_a_content_change_does(parties: Parties) -> None:
    plan = parties.new_plan()
    assert not services.opens_new_version(plan)
    parties.send(plan)
    assert services.opens_new_version(plan)
    services.add_theme(parties.session, plan, parties.manager, "Nytt tema")
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)
    assert not services.opens_new_version(plan)
