"""Joint action plans: drawn up by the enterprise and its contact person, agreed by the manager,
the safety delegate and the union representative."""

from .views import bp

__all__ = ["bp"]
