"""Reminders of what comes due (an agreement's end, a subsidy's final report, an inspection
order's deadline), sent as notifications by ``flask --app wsgi send-reminders``."""
