"""Industry names for the NACE codes (SN2007 in Norway) enterprises carry.

Named by the division (the code's first two digits), as SSB's statistics and the centre's
sick-leave figures group them; the names of the divisions in use and the common ones, in English
with the bokmål and nynorsk names in the catalogues. An unknown code shows alone.
"""

from __future__ import annotations

from flask_babel import LazyString

from ..translation import lazy_gettext as _l

DIVISIONS: dict[str, LazyString] = {
    "10": _l("Manufacture of food products"),
    "33": _l("Repair and installation of machinery and equipment"),
    "41": _l("Construction of buildings"),
    "43": _l("Specialised construction activities"),
    "46": _l("Wholesale trade, except of motor vehicles and motorcycles"),
    "47": _l("Retail trade, except of motor vehicles and motorcycles"),
    "49": _l("Land transport and transport via pipelines"),
    "52": _l("Warehousing and support activities for transportation"),
    "55": _l("Accommodation"),
    "56": _l("Food and beverage service activities"),
    "62": _l("Computer programming, consultancy and related activities"),
    "81": _l("Services to buildings and landscape activities"),
    "84": _l("Public administration and defence; compulsory social security"),
    "85": _l("Education"),
    "86": _l("Human health activities"),
    "87": _l("Residential care activities"),
    "88": _l("Social work activities without accommodation"),
    "95": _l("Repair of computers and personal and household goods"),
}


def industry_name(nace_code: str) -> str:
    """The code's division name in the user's language, or "" when it is not in the table."""
    name = DIVISIONS.get(nace_code[:2])
    return str(name) if name is not None else ""
