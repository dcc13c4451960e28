from tests.access_matrix import ADMIN, EVERYONE, RouteCase


def _failed_mail(w):  # type: ignore[no-untyped-def]
    from iwemployer.models import MailStatus, OutboxMail

    mail = OutboxMail(
        user_id=w.user("leder@nordlys.example").id, subject="S", body="B", status=MailStatus.FAILED
    )
    w.session.add(mail)
    w.session.commit()
    return (f"/admin/outbox/{mail.id}/resend", {})


CASES = [
    RouteCase(
        "mail.mail_settings",
        "GET",
        lambda w: ("/account/mail-settings", {}),
        EVERYONE,
        ok_statuses=frozenset({200}),
    ),
    RouteCase(
        "mail.mail_settings",
        "POST",
        lambda w: ("/account/mail-settings", {"by_mail": "plan.sent"}),
        EVERYONE,
        ok_statuses=frozenset({303}),
    ),
    RouteCase(
        "mail.own_mailbox",
        "GET",
        lambda w: ("/account/mailbox", {}),
        EVERYONE,
        ok_statuses=frozenset({200}),
    ),
    RouteCase(
        "mail.admin_outbox",
        "GET",
        lambda w: ("/admin/outbox", {}),
        ADMIN,
        ok_statuses=frozenset({200}),
    ),
    RouteCase(
        "mail.admin_resend",
        "POST",
        _failed_mail,
        ADMIN,
        ok_statuses=frozenset({303}),
    ),
    RouteCase(
        "mail.admin_mailbox",
        "GET",
        lambda w: ("/admin/mailbox", {}),
        ADMIN,
        ok_statuses=frozenset({200}),
    ),
]
