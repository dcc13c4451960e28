"""Mail: the outbox every notification, invitation and password reset goes through, its
worker, the users' mail settings, forgot password, and the mailbox pages (``views.bp``)."""
