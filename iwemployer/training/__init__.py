"""Training: the centre's courses, bookings with a waiting list, calendar files and feeds, and
the enterprise's training record."""

from .views import bp

__all__ = ["bp"]
