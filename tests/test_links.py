"""Every link a demo user is shown leads to a page: followed breadth-first as a crawler or a
link checker would, each answers 200 with HTML. Files (CSV, .ics, attachments) are fetched by
GET forms (`download_button`), since following a link that downloads is an error to crawlers."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import WebClient, World

HREF_RE = re.compile(r'<a\b[^>]*\bhref="([^"#]*)', re.IGNORECASE)
SKIP = ("/sign-out", "/static/", "mailto:", "tel:", "javascript:")
PAGES_PER_USER = 60

USERS = [
    "leder@nordlys.example",
    "verneombud@fjellbygg.example",
    "tillitsvalgt@nordlys.example",
    "bht@helsepartner.example",
    "radgiver.oslo@nav.example",
    "admin@nav.example",
]


def _shape(path: str) -> str:
    # One page per kind of URL, as the screenshot tool walks them.
    return re.sub(r"/\d+", "/N", path)


@pytest.mark.parametrize("email", USERS)
def test_every_link_leads_to_a_page(world: World, client: WebClient, email: str) -> None:
    client.sign_in(email)
    seen: set[str] = set()
    queue = deque(["/"])
    visited = 0
    while queue and visited < PAGES_PER_USER:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc or any(s in url for s in SKIP) or _shape(parts.path) in seen:
            continue
        seen.add(_shape(parts.path))
        response = client.get(url, follow_redirects=True)
        visited += 1
        assert response.status_code == 200, f"{email}: {url} answered {response.status_code}"
        assert response.mimetype == "text/html", f"{email}: {url} is a {response.mimetype} file"
        assert "attachment" not in response.headers.get("Content-Disposition", ""), url
        base = response.request.path
        for href in HREF_RE.findall(response.get_data(as_text=True)):
            queue.append(urljoin(base, href.replace("&amp;", "&")))
    assert visited > 10, f"{email}: only {visited} pages reached"
