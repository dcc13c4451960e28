"""HTTP tests: htmx fragments and plain forms, 409 on stale saves, refusals of outdated
confirmations, nested ids of another enterprise, audit and notifications, both languages."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from iwemployer.models import (
    ActionPlan,
    ActivityStatus,
    AuditEntry,
    Enterprise,
    Notification,
    PlanActivity,
    PlanEvent,
    PlanEventKind,
    PlanStatus,
    Responsible,
)
from tests.conftest import WebClient, World

MANAGER = "leder@nordlys.example"
SAFETY = "verneombud@nordlys.example"
UNION = "tillitsvalgt@nordlys.example"
HEALTH = "bht@helsepartner.example"
ADVISER = "radgiver.oslo@nav.example"
ADMIN = "admin@nav.example"
F_MANAGER = "leder@fjellbygg.example"
F_UNION = "tillitsvalgt@fjellbygg.example"
F_ADVISER = "radgiver.vestland@nav.example"


def _plan(world: World, enterprise: Enterprise) -> ActionPlan:
    world.session.expire_all()
    plan = world.session.scalar(select(ActionPlan).where(ActionPlan.enterprise_id == enterprise.id))
    assert plan is not None
    return plan


def _url(plan: ActionPlan, suffix: str = "") -> str:
    return f"/enterprises/{plan.enterprise_id}/plans/{plan.id}{suffix}"


def _english(client: WebClient) -> None:
    client.post("/language", {"language": "en", "next": "/"})


def _as(client: WebClient, world: World, email: str, english: bool = True) -> WebClient:
    client.login_as(world.user(email))
    if english:
        _english(client)
    return client


def _activity_data(activity: PlanActivity, **changes: Any) -> dict[str, Any]:
    prefix = f"activity{activity.id}"
    data = {
        "title": activity.title,
        "description": activity.description,
        "responsible": activity.responsible.value,
        "theme_id": activity.theme_id,
        "start_date": activity.start_date.isoformat(),
        "end_date": activity.end_date.isoformat(),
        "status": activity.status.value,
        "revision": activity.revision,
    }
    data.update(changes)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def _fragment(response: Any) -> str:
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "HX-Request" in response.headers["Vary"]
    return body


# --- htmx: click to edit, save, cancel --------------------------------------------------------


def test_inline_edit_of_an_activity_with_htmx(world: World, client: WebClient) -> None:
    _as(client, world, MANAGER)
    plan = _plan(world, world.nordlys)
    activity = plan.activities[0]
    row = f"/activities/{activity.id}"

    editing = client.get(_url(plan, row + "/edit"), htmx=True)
    assert editing.status_code == 200
    body = _fragment(editing)
    assert body.lstrip().startswith("<article") or "<article" in body.split("\n", 3)[-1]
    assert f'id="activity-{activity.id}"' in body and 'hx-target="this"' in body
    assert f'hx-post="{_url(plan, row)}"' in body
    assert f'name="activity{activity.id}-title"' in body

    cancelled = client.get(_url(plan, row), htmx=True)
    assert cancelled.status_code == 200
    assert 'name="activity' not in _fragment(cancelled)

    saved = client.post(
        _url(plan, row), _activity_data(activity, title="Partsmøte hver uke"), htmx=True
    )
    assert saved.status_code == 200
    body = _fragment(saved)
    assert "Partsmøte hver uke" in body and f"activity{activity.id}-title" not in body
    assert saved.headers["HX-Trigger"] == "plan-changed"
    # The change came after the plan was agreed: version 3 is a draft now.
    plan = _plan(world, world.nordlys)
    assert (plan.version, plan.status) == (3, PlanStatus.DRAFT)


def test_the_same_edit_without_javascript(world: World, client: WebClient) -> None:
    _as(client, world, ADVISER)
    plan = _plan(world, world.nordlys)
    activity = plan.activities[1]
    page = client.get(_url(plan, f"/activities/{activity.id}/edit"))
    assert page.status_code == 200
    assert "<html" in page.text and f'name="activity{activity.id}-title"' in page.text
    # Only this row is in edit mode; the others are shown as usual.
    assert page.text.count('name="activity') == len(
        re.findall(rf'name="activity{activity.id}-', page.text)
    )
    saved = client.post(
        _url(plan, f"/activities/{activity.id}"),
        _activity_data(activity, description="Ny beskrivelse"),
    )
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(_url(plan) + f"#activity-{activity.id}")
    assert "The activity is saved." in client.get(saved.headers["Location"]).text


def test_an_invalid_activity_answers_422_with_the_errors(world: World, client: WebClient) -> None:
    _as(client, world, MANAGER)
    plan = _plan(world, world.nordlys)
    activity = plan.activities[0]
    data = _activity_data(
        activity,
        title="",
        end_date=plan.period_start.isoformat(),
        start_date=plan.period_end.isoformat(),
    )
    answer = client.post(_url(plan, f"/activities/{activity.id}"), data, htmx=True)
    assert answer.status_code == 422
    body = _fragment(answer)
    assert "Enter a title." in body and "The end date cannot be before the start date." in body
    assert 'aria-invalid="true"' in body
    plain = client.post(_url(plan, f"/activities/{activity.id}"), data)
    assert plain.status_code == 422 and "<html" in plain.text
    # Nothing changed, but both attempts are in the audit log.
    attempts = world.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.endpoint == "plans.save_activity", AuditEntry.action == "change")
    )
    assert attempts == 2


def test_adding_an_activity_with_htmx_returns_the_row_and_a_fresh_add_link(
    world: World, client: WebClient
) -> None:
    _as(client, world, MANAGER)
    plan = _plan(world, world.nordlys)
    theme = plan.themes[2]
    form = client.get(_url(plan, f"/themes/{theme.id}/activities/new"), htmx=True)
    body = _fragment(form)
    assert f'id="theme-{theme.id}-new"' in body and f'name="theme{theme.id}-new-title"' in body
    prefix = f"theme{theme.id}-new"
    data = {
        f"{prefix}-title": "Stressmestringskurs",
        f"{prefix}-description": "",
        f"{prefix}-responsible": "occupational_health",
        f"{prefix}-start_date": plan.period_start.isoformat(),
        f"{prefix}-end_date": plan.period_end.isoformat(),
    }
    added = client.post(_url(plan, f"/themes/{theme.id}/activities"), data, htmx=True)
    assert added.status_code == 200
    body = _fragment(added)
    new = world.session.scalar(
        select(PlanActivity).where(PlanActivity.title == "Stressmestringskurs")
    )
    assert new is not None and new.theme_id == theme.id
    assert body.index(f'id="activity-{new.id}"') < body.index(f'id="theme-{theme.id}-new"')
    assert f'name="{prefix}-title"' not in body
    assert added.headers["HX-Trigger"] == "plan-changed"
    invalid = client.post(
        _url(plan, f"/themes/{theme.id}/activities"), {**data, f"{prefix}-title": ""}, htmx=True
    )
    assert invalid.status_code == 422 and "Enter a title." in _fragment(invalid)


def test_inline_status_change_keeps_the_agreement(world: World, client: WebClient) -> None:
    _as(client, world, MANAGER)
    plan = _plan(world, world.nordlys)
    activity = next(a for a in plan.activities if a.status == ActivityStatus.PLANNED)
    answer = client.post(
        _url(plan, f"/activities/{activity.id}/status"),
        {
            f"status{activity.id}-status": "in_progress",
            f"status{activity.id}-revision": activity.revision,
        },
        htmx=True,
    )
    assert answer.status_code == 200
    assert "In progress" in _fragment(answer)
    plan = _plan(world, world.nordlys)
    assert (plan.version, plan.status) == (2, PlanStatus.AGREED)
    summary = client.get(_url(plan, "/summary"), htmx=True)
    assert 'id="plan-summary"' in _fragment(summary) and "Agreed on" in summary.text


def test_goals_edit_and_regions_are_fragments(world: World, client: WebClient) -> None:
    _as(client, world, ADVISER)
    plan = _plan(world, world.nordlys)
    for suffix in (
        "/goals",
        "/goals/edit",
        "/summary",
        "/timeline?limit=10",
        f"/themes/{plan.themes[0].id}",
        f"/themes/{plan.themes[0].id}/edit",
        f"/themes/{plan.themes[0].id}?part=add",
    ):
        answer = client.get(_url(plan, suffix), htmx=True)
        assert answer.status_code == 200, suffix
        _fragment(answer)
        page = client.get(_url(plan, suffix))
        assert page.status_code == 200 and "<html" in page.text, suffix


# --- two people at once -----------------------------------------------------------------------


def test_a_stale_activity_save_answers_409_with_both_texts(
    world: World, client: WebClient, make_client: Any
) -> None:
    manager = _as(client, world, MANAGER)
    adviser = _as(make_client(), world, ADVISER)
    plan = _plan(world, world.nordlys)
    activity = plan.activities[0]
    opened = _activity_data(activity)  # both open the form at the same revision
    first = adviser.post(
        _url(plan, f"/activities/{activity.id}"),
        {**opened, f"activity{activity.id}-title": "Rådgivers forslag"},
        htmx=True,
    )
    assert first.status_code == 200
    stale = manager.post(
        _url(plan, f"/activities/{activity.id}"),
        {**opened, f"activity{activity.id}-title": "Leders forslag"},
        htmx=True,
    )
    assert stale.status_code == 409
    body = _fragment(stale)
    assert "Someone else saved this activity while you were editing it." in body
    assert 'value="Leders forslag"' in body  # the user's own text, kept in the form
    assert "Rådgivers forslag" in body  # next to what is saved now
    assert "Ingrid Haugen" in body  # and who saved it
    world.session.expire_all()
    assert world.session.get(PlanActivity, activity.id).title == "Rådgivers forslag"  # type: ignore[union-attr]
    # Both attempts are in the audit log, the refused one too.
    attempts = world.session.scalars(
        select(AuditEntry.user_id).where(
            AuditEntry.endpoint == "plans.save_activity", AuditEntry.action == "change"
        )
    )
    assert sorted(attempts) == sorted([world.user(ADVISER).id, world.user(MANAGER).id])
    # The form now carries the current revision: saving again replaces it knowingly.
    revision = re.search(rf'name="activity{activity.id}-revision"[^>]*value="(\d+)"', body)
    assert revision is not None
    again = manager.post(
        _url(plan, f"/activities/{activity.id}"),
        {
            **opened,
            f"activity{activity.id}-title": "Leders forslag",
            f"activity{activity.id}-revision": revision.group(1),
        },
    )
    assert again.status_code == 303
    world.session.expire_all()
    assert world.session.get(PlanActivity, activity.id).title == "Leders forslag"  # type: ignore[union-attr]


def test_a_stale_goals_save_and_a_stale_status_answer_409(
    world: World, client: WebClient, make_client: Any
) -> None:
    manager = _as(client, world, MANAGER)
    adviser = _as(make_client(), world, ADVISER)
    plan = _plan(world, world.nordlys)
    goals = {
        "goals-period_start": plan.period_start.isoformat(),
        "goals-period_end": plan.period_end.isoformat(),
        "goals-sick_leave_baseline_pct": "8,4",
        "goals-sick_leave_target_pct": "6,5",
        "goals-revision": plan.goals_revision,
    }
    assert (
        adviser.post(_url(plan, "/goals"), {**goals, "goals-goals": "Rådgivers mål"}).status_code
        == 303
    )
    stale = manager.post(_url(plan, "/goals"), {**goals, "goals-goals": "Leders mål"})
    assert stale.status_code == 409
    assert "Leders mål" in stale.text and "Rådgivers mål" in stale.text
    activity = plan.activities[0]
    status = {
        f"status{activity.id}-status": "done",
        f"status{activity.id}-revision": activity.revision,
    }
    assert (
        adviser.post(_url(plan, f"/activities/{activity.id}/status"), status, htmx=True).status_code
        == 200
    )
    again = manager.post(
        _url(plan, f"/activities/{activity.id}/status"),
        {**status, f"status{activity.id}-status": "cancelled"},
        htmx=True,
    )
    assert again.status_code == 409
    assert "This is how the activity is now." in _fragment(again)
    world.session.expire_all()
    assert world.session.get(PlanActivity, activity.id).status == ActivityStatus.DONE  # type: ignore[union-attr]


# --- agreeing ---------------------------------------------------------------------------------


def test_the_whole_agreement_over_http(world: World, client: WebClient, make_client: Any) -> None:
    manager = _as(client, world, F_MANAGER)
    union = _as(make_client(), world, F_UNION)
    plan = _plan(world, world.fjellbygg)
    assert (
        union.get(f"/enterprises/{world.fjellbygg.id}").text.count(
            "The plan awaits your confirmation."
        )
        == 1
    )
    # The manager changes an activity: version 2 opens, the earlier confirmations no longer count.
    activity = plan.activities[0]
    assert (
        manager.post(
            _url(plan, f"/activities/{activity.id}"),
            _activity_data(activity, title="Partsmøte hver måned"),
        ).status_code
        == 303
    )
    # The union representative answers from the page showing version 1: refused, clearly.
    refused = union.post(_url(plan, "/confirmations"), {"version": 1, "decision": "confirmed"})
    assert refused.status_code == 409
    assert "You answered for version 1" in refused.text and "now version 2" in refused.text
    not_sent = union.post(_url(plan, "/confirmations"), {"version": 2, "decision": "confirmed"})
    assert not_sent.status_code == 409 and "has not been sent" in not_sent.text
    # Sending needs the plan as the sender saw it.
    plan = _plan(world, world.fjellbygg)
    sent = manager.post(_url(plan, "/send"), {"row_version": plan.row_version})
    assert sent.status_code == 303
    for email in (F_MANAGER, "verneombud@fjellbygg.example", F_UNION):
        party = _as(make_client(), world, email)
        page = party.get(_url(plan))
        assert "Confirm version 2" in page.text
        # Each sees what changed since version 1 (the manager and safety delegate confirmed it).
        if email == F_UNION:
            assert "What has changed since version 1</summary>" in page.text.replace("\n", "")
        else:
            assert "What has changed since version 1, which you confirmed" in page.text
        assert "Partsmøte hver måned" in page.text and "Partsmøte annenhver måned" in page.text
        answer = party.post(_url(plan, "/confirmations"), {"version": 2, "decision": "confirmed"})
        assert answer.status_code == 303
    plan = _plan(world, world.fjellbygg)
    assert (plan.version, plan.status) == (2, PlanStatus.AGREED)
    page = union.get(_url(plan))
    assert "Agreed on" in page.text and "You answered for version 2" in page.text
    history = union.get(_url(plan, "/versions"))
    assert history.status_code == 200 and "Version 2" in history.text
    assert history.text.count("Confirmed") >= 5  # 2 on version 1, 3 on version 2
    # Every change and answer is audit-logged and notified.
    audited = set(
        world.session.scalars(
            select(AuditEntry.endpoint).where(
                AuditEntry.enterprise_id == world.fjellbygg.id,
                AuditEntry.action == "change",
                AuditEntry.permitted.is_(True),
            )
        )
    )
    assert {"plans.save_activity", "plans.send", "plans.decide"} <= audited
    kinds = set(
        world.session.scalars(
            select(Notification.kind).where(Notification.enterprise_id == world.fjellbygg.id)
        )
    )
    assert {"plan.confirmed", "plan.agreed"} <= kinds
    # Agreeing withdrew the "waits for confirmation" notices; the draft was never announced.
    assert not {"plan.new_version", "plan.sent"} & kinds


def test_a_party_sees_what_changed_since_the_version_they_confirmed(
    world: World, client: WebClient, make_client: Any
) -> None:
    adviser = _as(client, world, ADVISER)
    plan = _plan(world, world.nordlys)
    activity = plan.activities[3]
    adviser.post(
        _url(plan, f"/activities/{activity.id}"),
        _activity_data(activity, title="Oppfølgingssamtaler innen tre uker"),
    )
    safety = _as(make_client(), world, SAFETY)
    page = safety.get(_url(plan))
    assert "What has changed since version 2, which you confirmed" in page.text
    assert "Oppfølgingssamtaler innen fire uker" in page.text  # before
    assert "Oppfølgingssamtaler innen tre uker" in page.text  # now
    version = safety.get(_url(plan, "/versions/1"))
    assert version.status_code == 200 and "Changes from this version" in version.text
    assert safety.get(_url(plan, "/versions/9")).status_code == 404


def test_declining_needs_a_reason(world: World, client: WebClient) -> None:
    union = _as(client, world, F_UNION)
    plan = _plan(world, world.fjellbygg)
    form = union.get(_url(plan)).text
    # Labelled as required: no "(optional)" on the reason.
    label = form.split('for="reason"', 1)[1].split("</label>", 1)[0]
    assert "optional" not in label
    for htmx in (False, True):
        missing = union.post(
            _url(plan, "/confirmations"),
            {"version": 1, "decision": "declined", "reason": " "},
            htmx=htmx,
        )
        assert missing.status_code == 422
        # The error stands at the field, not at the top of the card.
        at_field = missing.text.split('id="reason-error"', 1)[1].split("</div>", 1)[0]
        assert "Say why you decline" in at_field
    long_reason = "For lite om støy. " * 20
    declined = union.post(
        _url(plan, "/confirmations"),
        {"version": 1, "decision": "declined", "reason": long_reason},
    )
    assert declined.status_code == 303
    page = union.get(_url(plan)).text
    assert "Confirm version 1" not in page and "Decline version 1" not in page
    assert "declined version 1" in page and 'class="long-text"' in page and "Show all" in page
    again = union.post(_url(plan, "/confirmations"), {"version": 1, "decision": "confirmed"})
    assert again.status_code == 409 and "was declined" in again.text


# --- roles and scoping ------------------------------------------------------------------------


def test_safety_delegates_comment_but_see_no_edit_controls(world: World, client: WebClient) -> None:
    safety = _as(client, world, SAFETY)
    plan = _plan(world, world.nordlys)
    page = safety.get(_url(plan))
    assert page.status_code == 200
    assert "/edit" not in page.text and "/send" not in page.text
    # Only the status of activities the safety delegate answers for.
    responsible = [a for a in plan.activities if a.responsible == Responsible.SAFETY_DELEGATE]
    assert page.text.count("Update status") == len(responsible) > 0
    activity = plan.activities[4]
    answer = safety.post(
        _url(plan, "/comments"),
        {
            "comment-text": "Vi trenger mer tid",
            "comment-activity_id": activity.id,
            "comment-back": "activity",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/activities/{activity.id}#timeline")
    shown = safety.get(answer.headers["Location"])
    assert "Vi trenger mer tid" in shown.text
    assert (
        world.session.scalar(
            select(func.count())
            .select_from(PlanEvent)
            .where(PlanEvent.kind == PlanEventKind.COMMENT, PlanEvent.activity_id == activity.id)
        )
        == 1
    )
    empty = safety.post(_url(plan, "/comments"), {"comment-text": "", "comment-activity_id": 0})
    assert empty.status_code == 422 and "Write a comment." in empty.text


def test_nested_ids_of_another_enterprise_are_not_found(world: World, client: WebClient) -> None:
    _as(client, world, ADMIN)  # sees every enterprise, so only the nesting can refuse
    own = _plan(world, world.nordlys)
    foreign = _plan(world, world.fjellbygg)
    theirs = foreign.activities[0]
    for url in (
        _url(own, f"/activities/{theirs.id}"),
        _url(own, f"/activities/{theirs.id}/edit"),
        _url(own, f"/themes/{foreign.themes[0].id}"),
        f"/enterprises/{world.nordlys.id}/plans/{foreign.id}",
    ):
        assert client.get(url).status_code == 404, url
    moved = client.post(_url(own, f"/activities/{theirs.id}/move"), {"direction": "up"})
    assert moved.status_code == 404
    denied = world.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.permitted.is_(False))
    )
    assert denied and denied >= 5


def test_a_plan_is_started_from_the_template(world: World, client: WebClient) -> None:
    adviser = _as(client, world, ADVISER)
    grunerlokka = world.session.scalar(
        select(Enterprise).where(Enterprise.name == "Grünerløkka Barnehager AS")
    )
    assert grunerlokka is not None
    empty = adviser.get(f"/enterprises/{grunerlokka.id}/plan")
    assert empty.status_code == 200 and "Start the action plan" in empty.text
    data = {"plan-period_start": "2027-01-01", "plan-period_end": "2027-12-31"}
    created = adviser.post(f"/enterprises/{grunerlokka.id}/plans", data)
    assert created.status_code == 303
    page = adviser.get(created.headers["Location"])
    assert "Cooperation between the parties (partssamarbeid)" in page.text
    assert "Send version 1 for confirmation" in page.text
    again = adviser.post(f"/enterprises/{grunerlokka.id}/plans", data)
    assert again.status_code == 409 and "already has an action plan" in again.text
    # The occupational health adviser of that enterprise cannot start one, only read.
    health = _as(WebClient(client.app), world, HEALTH)
    assert health.get(f"/enterprises/{grunerlokka.id}/plans/new").status_code == 403


# --- overview, print, home card, menus, language ----------------------------------------------


def test_the_advisers_overview(world: World, client: WebClient, make_client: Any) -> None:
    oslo = _as(client, world, ADVISER)
    page = oslo.get("/plans/overview")
    assert page.status_code == 200
    assert "Kartlegge muligheter for tilrettelegging" in page.text  # overdue at Nordlys
    assert "Involvere de ansatte i tiltak mot fravær" in page.text
    assert "Mentorordning" not in page.text  # cancelled, so never overdue
    assert "No plans await confirmation." in page.text
    assert "Fjellbygg" not in page.text
    assert "Grünerløkka Barnehager AS" in page.text  # without a plan
    # Each row links where it says: the overdue activity in its plan, the enterprise's plan page.
    plan = _plan(world, world.nordlys)
    overdue = page.text.split('id="overdue-heading"', 1)[1].split("</section>", 1)[0]
    late = next(a for a in plan.activities if a.title == "Kartlegge muligheter for tilrettelegging")
    assert f'href="{_url(plan, f"/activities/{late.id}")}"' in overdue
    assert "Nordlys" in overdue and "days ago" in overdue and "Planned" in overdue
    without = page.text.split('id="without-heading"', 1)[1].split("</section>", 1)[0]
    kindergarten = world.session.scalars(
        select(Enterprise.id).where(Enterprise.name == "Grünerløkka Barnehager AS")
    ).one()
    assert f'href="/enterprises/{kindergarten}/plan">Grünerløkka Barnehager AS<' in without
    vestland = _as(make_client(), world, F_ADVISER)
    page = vestland.get("/plans/overview")
    assert "Fjellbygg AS" in page.text and "Union representative" in page.text
    assert 'href="/plans/overview"' in page.text  # in the adviser's menu


def test_print_view_has_the_plan_and_its_confirmations(world: World, client: WebClient) -> None:
    _as(client, world, UNION)
    plan = _plan(world, world.nordlys)
    page = client.get(_url(plan, "/print"))
    assert page.status_code == 200
    assert 'media="print"' in page.text and "Answers on version 2" in page.text
    assert "Aisha Rahman" in page.text and "Faste partsmøter hver måned" in page.text
    css = client.get("/static/print.css").get_data(as_text=True)
    assert "size: A4" in css and ".print-plan" in css


def test_both_languages(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    plan = _plan(world, world.nordlys)
    norwegian = client.get(_url(plan))
    assert "Temaer og aktiviteter" in norwegian.text and "Bekreftelse av planen" in norwegian.text
    assert f'href="/enterprises/{world.nordlys.id}/plan"' in norwegian.text  # the menu
    _english(client)
    english = client.get(_url(plan))
    assert "Themes and activities" in english.text and "Temaer og aktiviteter" not in english.text
    stale = client.post(_url(plan, "/confirmations"), {"version": 1, "decision": "confirmed"})
    assert "You answered for version 1" in stale.text


# --- a declined plan, a change after agreement, destructive steps, percentages ----------------


def test_a_declined_plan_is_shown_to_all_and_goes_back_to_the_editors(
    world: World, client: WebClient, make_client: Any
) -> None:
    union = _as(client, world, F_UNION)
    plan = _plan(world, world.fjellbygg)
    declined = union.post(
        _url(plan, "/confirmations"),
        {"version": 1, "decision": "declined", "reason": "Støy mangler i planen"},
    )
    assert declined.status_code == 303
    home = union.get(f"/enterprises/{world.fjellbygg.id}").text
    assert "The plan awaits your confirmation." not in home and "Declined" in home
    assert "Siri Vik declined version 1." in home
    # The adviser's overview: who declined and why, not "awaiting".
    overview = _as(make_client(), world, F_ADVISER).get("/plans/overview").text
    declined_part = overview.split('id="declined-heading"', 1)[1].split("</section>", 1)[0]
    assert "Fjellbygg AS" in declined_part and "Støy mangler i planen" in declined_part
    assert "No plans await confirmation." in overview
    manager = _as(make_client(), world, F_MANAGER)
    page = manager.get(_url(plan)).text
    assert "Change the plan and send a new version" in page and "Confirm version 1" not in page
    assert "Støy mangler i planen" in page
    plan = _plan(world, world.fjellbygg)
    reopened = manager.post(_url(plan, "/reopen"), {"row_version": plan.row_version})
    assert reopened.status_code == 303 and reopened.headers["Location"].endswith("#themes")
    plan = _plan(world, world.fjellbygg)
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)
    page = manager.get(_url(plan)).text
    assert "Confirm and send version 2" in page
    sent = manager.post(_url(plan, "/send"), {"row_version": plan.row_version, "confirm": "1"})
    assert sent.status_code == 303
    plan = _plan(world, world.fjellbygg)
    assert plan.status == PlanStatus.SENT and set(plan.confirmed_roles(2)) == {"manager"}
    assert "Confirm version 2" in union.get(_url(plan)).text


def test_editing_an_agreed_plan_says_so_in_the_form_and_at_the_row(
    world: World, client: WebClient
) -> None:
    manager = _as(client, world, MANAGER)
    plan = _plan(world, world.nordlys)
    activity = plan.activities[0]
    form = manager.get(_url(plan, f"/activities/{activity.id}/edit"), htmx=True).text
    assert "Saving this change makes version 3" in form
    goals = manager.get(_url(plan, "/goals/edit"), htmx=True).text
    assert "Saving this change makes version 3" in goals
    saved = manager.post(
        _url(plan, f"/activities/{activity.id}"),
        _activity_data(activity, title="Partsmøte hver uke"),
        htmx=True,
    )
    row = _fragment(saved)
    assert "The plan is now version 3, a draft" in row
    # The print view prints what the parties agreed (version 2) unless asked for the draft.
    printed = manager.get(_url(plan, "/print")).text
    assert "the last version the parties agreed" in printed
    assert "Partsmøte hver uke" not in printed and activity.title in printed
    draft = manager.get(_url(plan, "/print?draft=1")).text
    assert "Partsmøte hver uke" in draft and "Print version 2, the last agreed version" in draft


def test_deleting_an_activity_asks_first_with_and_without_javascript(
    world: World, client: WebClient
) -> None:
    manager = _as(client, world, MANAGER)
    plan = _plan(world, world.nordlys)
    activity = plan.activities[1]
    delete = _url(plan, f"/activities/{activity.id}/delete")
    page = manager.get(delete)
    assert page.status_code == 200 and "<html" in page.text
    assert f'action="{delete}"' in page.text and 'data-color="danger"' in page.text
    assert 'data-variant="danger"' not in page.text and "cannot be undone" in page.text
    inline = _fragment(manager.get(delete, htmx=True))
    assert f'action="{delete}"' in inline and f'id="activity-{activity.id}"' in inline
    assert world.session.get(PlanActivity, activity.id) is not None
    activity_id = activity.id
    assert manager.post(delete).status_code == 303
    world.session.expire_all()
    gone = select(func.count()).where(PlanActivity.id == activity_id)
    assert world.session.scalar(gone) == 0


def test_a_responsible_party_changes_the_status_from_the_page(
    world: World, client: WebClient
) -> None:
    safety = _as(client, world, SAFETY)
    plan = _plan(world, world.nordlys)
    mine = next(a for a in plan.activities if a.responsible == Responsible.SAFETY_DELEGATE)
    others = next(a for a in plan.activities if a.responsible == Responsible.MANAGER)
    new = next(s for s in ActivityStatus if s != mine.status)
    answer = safety.post(
        _url(plan, f"/activities/{mine.id}/status"),
        {f"status{mine.id}-status": new.value, f"status{mine.id}-revision": mine.revision},
        htmx=True,
    )
    assert answer.status_code == 200 and "Update status" in _fragment(answer)
    plan = _plan(world, world.nordlys)
    assert (plan.version, plan.status) == (2, PlanStatus.AGREED)
    assert world.session.get(PlanActivity, mine.id).status == new  # type: ignore[union-attr]
    refused = safety.post(
        _url(plan, f"/activities/{others.id}/status"),
        {f"status{others.id}-status": "done", f"status{others.id}-revision": others.revision},
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("7,2", Decimal("7.2")), ("7.2", Decimal("7.2")), ("72,0 %", Decimal("72.0")), ("0", 0)],
)
def test_a_goal_is_read_with_a_decimal_comma_or_point(
    world: World, client: WebClient, typed: str, stored: Decimal
) -> None:
    manager = _as(client, world, F_MANAGER)
    plan = _plan(world, world.fjellbygg)
    form = manager.get(_url(plan, "/goals/edit")).text
    assert 'type="number"' not in form.split('id="goals-sick_leave_target_pct"')[0][-300:]
    data = {
        "goals-period_start": plan.period_start.isoformat(),
        "goals-period_end": plan.period_end.isoformat(),
        "goals-sick_leave_baseline_pct": "",
        "goals-sick_leave_target_pct": typed,
        "goals-goals": plan.goals,
        "goals-revision": plan.goals_revision,
    }
    assert manager.post(_url(plan, "/goals"), data).status_code == 303
    assert _plan(world, world.fjellbygg).sick_leave_target_pct == stored


@pytest.mark.parametrize("typed", ["abc", "101", "1e2", "-3", "7,2,1", "100,5"])
def test_an_implausible_goal_is_refused_at_the_field(
    world: World, client: WebClient, typed: str
) -> None:
    manager = _as(client, world, F_MANAGER)
    plan = _plan(world, world.fjellbygg)
    before = plan.sick_leave_target_pct
    data = {
        "goals-period_start": plan.period_start.isoformat(),
        "goals-period_end": plan.period_end.isoformat(),
        "goals-sick_leave_target_pct": typed,
        "goals-revision": plan.goals_revision,
    }
    answer = manager.post(_url(plan, "/goals"), data, htmx=True)
    assert answer.status_code == 422
    at_field = answer.text.split('id="goals-sick_leave_target_pct-error"', 1)[1].split("</div>")[0]
    assert "between 0 and 100" in at_field
    assert f'value="{typed}"' in answer.text
    assert _plan(world, world.fjellbygg).sick_leave_target_pct == before
