"""The plan's notices tell only what is so: a version waits for confirmation only while it can
be confirmed, and a draft is never announced (issue 11, point 11)."""

from __future__ import annotations

from sqlalchemy import select

from iwemployer.models import ActionPlan, Decision, MemberRole, Notification
from iwemployer.notifications.services import plan_subject
from iwemployer.plans import services

from .conftest import Parties


def _notices(parties: Parties, plan: ActionPlan, kind: str) -> set[int]:
    return set(
        parties.session.scalars(
            select(Notification.user_id).where(
                Notification.subject == plan_subject(plan.id), Notification.kind == kind
            )
        )
    )


def test_a_decline_withdraws_the_waiting_notices(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    assert _notices(parties, plan, "plan.sent") == {
        parties.safety.id,
        parties.union.id,
        parties.adviser.id,
    }
    services.decide(
        parties.session, plan, parties.safety, MemberRole.SAFETY_DELEGATE, 1, Decision.CONFIRMED
    )
    # The party that answered no longer has a notice asking it to.
    assert _notices(parties, plan, "plan.sent") == {parties.union.id, parties.adviser.id}
    services.decide(
        parties.session,
        plan,
        parties.union,
        MemberRole.UNION_REP,
        1,
        Decision.DECLINED,
        reason="Vi mangler tiltak for nattskift.",
    )
    parties.session.commit()
    assert _notices(parties, plan, "plan.sent") == set()
    assert parties.manager.id in _notices(parties, plan, "plan.declined")


def test_an_edit_after_sending_withdraws_and_announces_nothing_until_sent(
    parties: Parties,
) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    services.add_theme(parties.session, plan, parties.manager, "Nattarbeid")
    parties.session.commit()
    assert plan.version == 2
    # Version 1 can no longer be confirmed, and version 2 is a draft: nobody is asked.
    assert _notices(parties, plan, "plan.sent") == set()
    assert _notices(parties, plan, "plan.new_version") == set()
    parties.send(plan)
    sent = parties.session.scalars(
        select(Notification).where(
            Notification.subject == plan_subject(plan.id),
            Notification.kind == "plan.sent",
            Notification.user_id == parties.union.id,
        )
    ).all()
    assert [n.params["version"] for n in sent] == ["2"]
    # One edit and one send: the edit's notice and the send's, grouped under the plan.
    kinds = parties.session.scalars(
        select(Notification.kind)
        .where(
            Notification.subject == plan_subject(plan.id),
            Notification.user_id == parties.union.id,
        )
        .order_by(Notification.id)
    ).all()
    assert kinds[-2:] == ["plan.themes_changed", "plan.sent"]


def test_agreement_withdraws_the_waiting_notices(parties: Parties) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    parties.agree(plan)
    assert _notices(parties, plan, "plan.sent") == set()
    assert parties.adviser.id in _notices(parties, plan, "plan.agreed")
