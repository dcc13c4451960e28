"""The home pages' own parts: the "Your tasks" block per role, the industry's name and the
first-visit introduction."""

from .views import bp

__all__ = ["bp"]
