"""Working together: meetings with the contact person, the occupational health service's
reports, and the Labour Inspection Authority's inspections and orders."""

from .views import bp

__all__ = ["bp"]
