"""Proposals to the plan: who proposes and who answers, the state machine, accepting through the
plan's own rules (a new version on an agreed plan), declining with a reason, withdrawing, the
notices, and accepting at the same moment twice (one activity)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from iwemployer.errors import DomainError
from iwemployer.extensions import db
from iwemployer.models import (
    ActionPlan,
    ActivityStatus,
    Notification,
    PlanActivity,
    PlanProposal,
    PlanStatus,
    ProposalStatus,
    Responsible,
    User,
)
from iwemployer.plans import proposals
from iwemployer.plans.proposals import ActivityProposal

from .conftest import Parties

S = ProposalStatus


def _fields(plan: ActionPlan, **changes: object) -> ActivityProposal:
    values: dict[str, object] = {
        "title": "Forflytningskurs",
        "description": "Kurs i forflytning for de ansatte.",
        "responsible": Responsible.OCCUPATIONAL_HEALTH,
        "due_date": plan.period_start + timedelta(days=60),
        "reason": "Mange løfteskader i år.",
    }
    values.update(changes)
    return ActivityProposal(**values)  # type: ignore[arg-type]


def _propose(parties: Parties, plan: ActionPlan, by: User | None = None) -> PlanProposal:
    proposal = proposals.propose_activity(
        parties.session, plan.themes[2], by or parties.health, _fields(plan)
    )
    parties.session.commit()
    return proposal


def _notices(parties: Parties, user: User, kind: str) -> int:
    return parties.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.kind == kind)
    )


def test_the_state_machine_leaves_proposed_once() -> None:
    assert proposals.TRANSITIONS[S.PROPOSED] == {S.ACCEPTED, S.DECLINED, S.WITHDRAWN}
    for state in (S.ACCEPTED, S.DECLINED, S.WITHDRAWN):
        assert not proposals.TRANSITIONS[state]
        assert not proposals.can_transition(state, S.ACCEPTED)
    assert set(proposals.TRANSITIONS) == set(ProposalStatus)


def test_the_parties_propose_and_the_editors_answer(parties: Parties) -> None:
    plan = parties.new_plan()
    role = proposals.member_role
    for user in (parties.safety, parties.union, parties.health):
        assert proposals.can_propose(user, role(user, plan.enterprise_id), plan)
        assert not proposals.can_answer(user, plan)
    for user in (parties.manager, parties.adviser):
        assert not proposals.can_propose(user, role(user, plan.enterprise_id), plan)
        assert proposals.can_answer(user, plan)
    with pytest.raises(DomainError) as refused:
        proposals.propose_activity(parties.session, plan.themes[0], parties.manager, _fields(plan))
    assert refused.value.status == 403


def test_a_status_is_proposed_only_for_an_activity_the_party_cannot_change(
    parties: Parties,
) -> None:
    plan = parties.new_plan()
    own = next(a for a in plan.activities if a.responsible == Responsible.SAFETY_DELEGATE)
    other = next(a for a in plan.activities if a.responsible == Responsible.MANAGER)
    safety = parties.safety
    role = proposals.member_role(safety, plan.enterprise_id)
    assert not proposals.can_propose_status(safety, role, own)
    assert proposals.can_propose_status(safety, role, other)
    with pytest.raises(DomainError) as refused:
        proposals.propose_status(parties.session, own, safety, ActivityStatus.DONE, "Ferdig")
    assert refused.value.status == 403
    parties.session.rollback()
    with pytest.raises(DomainError) as same:
        proposals.propose_status(parties.session, other, safety, other.status, "Samme")
    assert same.value.field == "to_status"
    parties.session.rollback()
    proposal = proposals.propose_status(
        parties.session, other, safety, ActivityStatus.DONE, "Rutinene er gjennomgått."
    )
    parties.session.commit()
    proposals.accept(parties.session, proposal, plan, parties.manager)
    parties.session.commit()
    assert other.status == ActivityStatus.DONE
    assert plan.version == 1, "a status is not content"
    assert proposal.status == S.ACCEPTED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"reason": ""}, "reason"),
        ({"reason": "x" * (proposals.MAX_REASON + 1)}, "reason"),
        ({"due_date_offset": -1}, "due_date"),
        ({"due_date_offset": 400}, "due_date"),
    ],
)
def test_a_proposal_is_refused_at_its_field(
    parties: Parties, changes: dict[str, object], field: str
) -> None:
    plan = parties.new_plan()
    offset = changes.pop("due_date_offset", None)
    if isinstance(offset, int):
        changes["due_date"] = plan.period_start + timedelta(days=offset)
    with pytest.raises(DomainError) as refused:
        proposals.propose_activity(
            parties.session, plan.themes[0], parties.health, _fields(plan, **changes)
        )
    assert refused.value.field == field


def test_the_manager_and_contact_person_are_told_and_the_proposer_gets_the_answer(
    parties: Parties,
) -> None:
    plan = parties.new_plan()
    proposal = _propose(parties, plan)
    assert _notices(parties, parties.manager, "plan.proposal_new") == 1
    assert _notices(parties, parties.adviser, "plan.proposal_new") == 1
    assert _notices(parties, parties.safety, "plan.proposal_new") == 0
    proposals.decline(parties.session, proposal, plan, parties.adviser, "Tas i neste plan.")
    parties.session.commit()
    # Answered: nobody is asked any more; the proposer is told why.
    assert _notices(parties, parties.manager, "plan.proposal_new") == 0
    assert _notices(parties, parties.health, "plan.proposal_declined") == 1
    assert proposal.status == S.DECLINED
    assert proposal.answer == "Tas i neste plan."
    assert proposal.answered_by_id == parties.adviser.id
    assert len(plan.activities) == 7


def test_a_decline_needs_a_reason(parties: Parties) -> None:
    plan = parties.new_plan()
    proposal = _propose(parties, plan)
    with pytest.raises(DomainError) as refused:
        proposals.decline(parties.session, proposal, plan, parties.manager, "  ")
    assert refused.value.field == "answer"
    parties.session.rollback()
    assert proposal.status == S.PROPOSED


def test_accepting_adds_the_activity_and_opens_a_new_version_of_an_agreed_plan(
    parties: Parties,
) -> None:
    plan = parties.new_plan()
    parties.send(plan)
    parties.agree(plan)
    assert plan.status == PlanStatus.AGREED
    proposal = _propose(parties, plan)
    added = proposals.accept(parties.session, proposal, plan, parties.manager)
    parties.session.commit()
    assert added is not None
    assert (added.title, added.responsible) == ("Forflytningskurs", Responsible.OCCUPATIONAL_HEALTH)
    assert added.end_date == proposal.due_date
    assert added.theme_id == proposal.theme_id
    assert proposal.activity_id == added.id
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)
    assert _notices(parties, parties.health, "plan.proposal_accepted") == 1
    # Answered once: a second answer of any kind is refused as a conflict.
    for answer in (
        lambda: proposals.accept(parties.session, proposal, plan, parties.adviser),
        lambda: proposals.decline(parties.session, proposal, plan, parties.adviser, "Nei"),
        lambda: proposals.withdraw_proposal(parties.session, proposal, parties.health),
    ):
        with pytest.raises(DomainError) as refused:
            answer()
        assert refused.value.status == 409
        parties.session.rollback()
    assert len([a for a in plan.activities if a.title == "Forflytningskurs"]) == 1


def test_only_the_proposer_withdraws_an_open_proposal(parties: Parties) -> None:
    plan = parties.new_plan()
    proposal = _propose(parties, plan)
    assert not proposals.can_withdraw(parties.safety, proposal)
    with pytest.raises(DomainError) as refused:
        proposals.withdraw_proposal(parties.session, proposal, parties.safety)
    assert refused.value.status == 403
    assert proposals.can_withdraw(parties.health, proposal)
    proposals.withdraw_proposal(parties.session, proposal, parties.health)
    parties.session.commit()
    assert proposal.status == S.WITHDRAWN
    assert proposals.open_proposals(parties.session, plan) == []
    assert _notices(parties, parties.manager, "plan.proposal_new") == 0


def test_the_others_may_not_answer(parties: Parties) -> None:
    plan = parties.new_plan()
    proposal = _propose(parties, plan)
    for user in (parties.safety, parties.union, parties.health):
        with pytest.raises(DomainError) as refused:
            proposals.accept(parties.session, proposal, plan, user)
        assert refused.value.status == 403
    assert proposal.status == S.PROPOSED


def test_accepting_at_the_same_moment_makes_the_activity_once(app: Flask, parties: Parties) -> None:
    """The manager and the contact person (twice each: a double click) accept together, each
    in a transaction of its own: the conditional UPDATE lets one through."""
    plan = parties.new_plan()
    proposal = _propose(parties, plan)
    ids = (proposal.id, plan.id)
    answerers = [parties.manager.id, parties.adviser.id] * 2
    barrier = threading.Barrier(len(answerers), timeout=30)
    outcomes: list[str] = []

    def answer(user_id: int) -> None:
        with app.test_request_context(), db.new_session(app) as session:
            found = session.get_one(PlanProposal, ids[0])
            found_plan = session.get_one(ActionPlan, ids[1])
            user = session.get_one(User, user_id)
            _ = found_plan.enterprise, found.theme.activities
            session.commit()
            barrier.wait()
            try:
                proposals.accept(session, found, found_plan, user)
                session.commit()
                outcomes.append("accepted")
            except DomainError:
                session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=answer, args=(u,)) for u in answerers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] + ["refused"] * 3
    parties.session.expire_all()
    made = parties.session.scalar(
        select(func.count())
        .select_from(PlanActivity)
        .where(PlanActivity.title == "Forflytningskurs")
    )
    assert made == 1
    assert parties.session.get_one(PlanProposal, ids[0]).status == S.ACCEPTED
