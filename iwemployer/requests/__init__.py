"""Requests to the contact person: recruitment help, help with individual cases, questions."""

from .views import bp

__all__ = ["bp"]
