"""Sick-leave figures and outcomes: the enterprise's trend, the imports, the centre report."""

from .views import bp

__all__ = ["bp"]
