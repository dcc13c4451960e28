"""Every route of the requests area, every method.

Nordlys (Oslo) is "own" for the personas; Fjellbygg (Vestland) is foreign: its records answer
404 to everyone but the administrator, the adviser of another centre included. Employer roles
not allowed an action, and everyone but advisers in the inbox, get 403.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from iwemployer.models import EmployerRequest, RequestMessage
from tests.access_matrix import ADVISER, RouteCase

# Seeded requests, by their fixed form tokens (see iwemployer/requests/demo.py).
CASE_HELP = "demo-nordlys-case-help"  # asked by the Nordlys manager, open
QUESTION = "demo-nordlys-question"  # asked by the Nordlys safety delegate, closed and rated
FOREIGN = "demo-fjellbygg-recruitment"  # Fjellbygg's new recruitment request

MANAGER = frozenset({"manager"})
ASKERS = frozenset({"manager", "safety_delegate", "union_rep", "occupational_health"})


def rid(w: Any, token: str) -> int:
    found = w.session.scalar(select(EmployerRequest.id).where(EmployerRequest.form_token == token))
    assert found is not None, token
    return int(found)


def _own(suffix: str = "", token: str = CASE_HELP, **data: Any) -> Any:
    return lambda w: (f"/enterprises/{w.nordlys.id}/requests/{rid(w, token)}{suffix}", data)


def _foreign(suffix: str = "", **data: Any) -> Any:
    return lambda w: (f"/enterprises/{w.fjellbygg.id}/requests/{rid(w, FOREIGN)}{suffix}", data)


def _new(kind: str, **data: Any) -> tuple[Any, Any]:
    return (
        lambda w: (f"/enterprises/{w.nordlys.id}/requests/new/{kind}", data),
        lambda w: (f"/enterprises/{w.fjellbygg.id}/requests/new/{kind}", data),
    )


def _inbox(suffix: str = "", token: str = CASE_HELP, **data: Any) -> Any:
    return lambda w: (f"/inbox/{rid(w, token)}{suffix}", data)


def _inbox_foreign(suffix: str = "", **data: Any) -> Any:
    return lambda w: (f"/inbox/{rid(w, FOREIGN)}{suffix}", data)


def _message_redaction(request_token: str) -> Any:
    """Removing the text of the question's first message (the closed question has replies)."""

    def target(w: Any) -> tuple[str, dict[str, Any]]:
        message_id = w.session.scalar(
            select(RequestMessage.id)
            .where(RequestMessage.request_id == rid(w, QUESTION), RequestMessage.body != "")
            .order_by(RequestMessage.id)
            .limit(1)
        )
        return f"/inbox/{rid(w, request_token)}/messages/{message_id}/redact", {}

    return target


RECRUITMENT = {
    "form_token": "matrix-recruitment",
    "job_title": "Renholder",
    "positions": "1",
    "position_percent": "60",
    "location": "Oslo",
    "requirements": "Ingen krav.",
    "contact_name": "Marte Lie",
    "contact_email": "leder@nordlys.example",
}
CASE = {
    "form_token": "matrix-case",
    "help_kind": "adaptation",
    "urgency": "normal",
    "description": "Råd om tilrettelegging.",
}
QUESTION_DATA = {
    "form_token": "matrix-question",
    "question_kind": "question",
    "subject": "Spørsmål",
    "description": "Et spørsmål.",
}
PAGE = frozenset({200})
CHANGE = frozenset({200, 303})
LIST = frozenset({200, 303})

CASES = [
    # Employer side.
    RouteCase(
        "requests.enterprise_list",
        "GET",
        lambda w: (f"/enterprises/{w.nordlys.id}/requests", {}),
        ASKERS | ADVISER,  # advisers are sent to the inbox (303)
        foreign=lambda w: (f"/enterprises/{w.fjellbygg.id}/requests", {}),
        ok_statuses=LIST,
    ),
    *(
        RouteCase(
            f"requests.enterprise_new_{name}",
            method,
            own,
            allowed,
            foreign=foreign,
            ok_statuses=PAGE if method == "GET" else CHANGE,
        )
        for name, kind, data, allowed in (
            ("recruitment", "recruitment", RECRUITMENT, MANAGER),
            ("case_help", "case-help", CASE, MANAGER),
            ("question", "question", QUESTION_DATA, ASKERS),
        )
        for method in ("GET", "POST")
        for own, foreign in [_new(kind, **(data if method == "POST" else {}))]
    ),
    RouteCase(
        "requests.enterprise_detail",
        "GET",
        _own(),
        MANAGER | ADVISER,  # the manager asked it; advisers are sent to the inbox (303)
        foreign=_foreign(),
        ok_statuses=LIST,
    ),
    RouteCase(
        "requests.enterprise_reply",
        "POST",
        _own("/messages", body="Vi har mer å fortelle."),
        MANAGER,
        foreign=_foreign("/messages", body="Hei"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "requests.enterprise_withdraw",
        "POST",
        _own("/withdraw"),
        MANAGER,
        foreign=_foreign("/withdraw"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "requests.enterprise_reopen",
        "POST",
        # The closed question: its asker (the safety delegate) and the manager, who follows
        # all; 409 once the time to reopen has passed or it is open again.
        _own("/reopen", token=QUESTION),
        frozenset({"manager", "safety_delegate"}),
        foreign=_foreign("/reopen"),
        ok_statuses=CHANGE | {409},
    ),
    RouteCase(
        "requests.enterprise_rate",
        "POST",
        # The closed question was asked (and already rated) by the safety delegate: only
        # they may rate it, and a second rating goes back to the request (303, or the
        # conversation fragment for htmx).
        _own("/rating", token=QUESTION, score="4"),
        frozenset({"safety_delegate"}),
        foreign=_foreign("/rating", score="4"),
        ok_statuses=CHANGE,
    ),
    # The contact person's inbox.
    RouteCase("requests.inbox", "GET", lambda w: ("/inbox", {}), ADVISER, ok_statuses=PAGE),
    # The enterprise filter's suggestions: the adviser's own centre's enterprises only.
    RouteCase(
        "requests.inbox_suggest_enterprises",
        "GET",
        lambda w: ("/inbox/suggestions/enterprises?enterprise=nord", {}),
        ADVISER,
        ok_statuses=frozenset({200, 303}),
    ),
    RouteCase(
        "requests.inbox_badge",
        "GET",
        lambda w: ("/inbox/badge", {}),
        ADVISER,
        ok_statuses=frozenset({200, 303}),
    ),
    RouteCase(
        "requests.inbox_detail",
        "GET",
        _inbox(),
        ADVISER,
        foreign=_inbox_foreign(),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "requests.inbox_take",
        "POST",
        _inbox("/take"),
        ADVISER,
        foreign=_inbox_foreign("/take"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "requests.inbox_reply",
        "POST",
        _inbox("/messages", body="Vi tar kontakt.", action="answer"),
        ADVISER,
        foreign=_inbox_foreign("/messages", body="Hei"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "requests.inbox_hand_over",
        "POST",
        lambda w: (
            f"/inbox/{rid(w, CASE_HELP)}/hand-over",
            {"adviser_id": w.user("radgiver2.oslo@nav.example").id},
        ),
        ADVISER,
        foreign=lambda w: (
            f"/inbox/{rid(w, FOREIGN)}/hand-over",
            {"adviser_id": w.user("radgiver2.oslo@nav.example").id},
        ),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "requests.inbox_redact_description",
        "POST",
        _inbox("/description/redact"),
        ADVISER,
        foreign=_inbox_foreign("/description/redact"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "requests.inbox_redact_message",
        "POST",
        _message_redaction(QUESTION),
        ADVISER,
        foreign=_message_redaction(FOREIGN),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "requests.inbox_close",
        "POST",
        _inbox("/close"),
        ADVISER,
        foreign=_inbox_foreign("/close"),
        ok_statuses=CHANGE,
    ),
]
