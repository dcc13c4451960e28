"""Joint action plans: drawn up by the enterprise and its contact person, agreed by the manager,
the safety delegate and the union representative."""

from . import proposal_views  # noqa: F401  (its routes join the blueprint)
from .views import bp

__all__ = ["bp"]
