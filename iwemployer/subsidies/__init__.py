"""Prevention and facilitation subsidies: applications, statements, decisions, final reports."""

from .views import bp

__all__ = ["bp"]
