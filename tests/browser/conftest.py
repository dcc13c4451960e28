"""Browser tests: headless Debian Chromium (no Playwright download) against the real app.

The app under test is the same session-scoped ``app`` fixture as the other tests, served by
werkzeug in a daemon thread (``live_server``). The root conftest's autouse ``_clean`` wipes the
database after every test, so a test asks for ``world`` to get the seeded demo data.

Every page a test opens is watched: a console error (a CSP violation such as an inline script or
style, a JS error), an uncaught exception or a failed sub-resource (CSS, JS) fails the test.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_babel import force_locale, gettext
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Response,
    expect,
)
from werkzeug.serving import make_server

from iwemployer.mfa.demo import DEMO_TOTP_SECRET
from iwemployer.seed import DEMO_PASSWORD

from ..conftest import forget_used_codes

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A hang fails fast instead of waiting for pytest-timeout.
TIMEOUT_MS = 10_000
# Axe impacts that fail a test; "moderate" and "minor" are left to review.
FAILING_IMPACTS = {"serious", "critical"}
HERE = Path(__file__).parent

expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items: mark only those under tests/browser.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    args = list(browser_type_launch_args.get("args", []))
    args += [a for a in CHROMIUM_ARGS if a not in args]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A Norwegian browser: the site starts in bokmål, as for most of its users
    # (headless Chromium otherwise sends Accept-Language: en-US).
    return {**browser_context_args, "locale": "nb-NO"}


# --- the app, served for the browser --------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright passes this to every context: ``page.goto("/sign-in")`` works."""
    return live_server


# --- watched pages --------------------------------------------------------------------------


class PageProblems:
    """Console errors, page errors and failed sub-resources seen by a context's pages."""

    # Chromium logs every 4xx/5xx response as "Failed to load resource"; error pages and
    # 422 forms are expected. Failed sub-resources are caught from the responses instead.
    IGNORED = re.compile(r"^Failed to load resource: the server responded with a status of")

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"page error: {error.error}"))
        context.on("response", self._response)
        return context

    def _console(self, message: ConsoleMessage) -> None:
        if message.type not in ("error", "assert"):
            return
        if self.IGNORED.match(message.text):
            return
        url = message.location.get("url", "") if message.location else ""
        self.problems.append(
            f"console {message.type} on {message.page and message.page.url}: {message.text} ({url})"
        )

    def _response(self, response: Response) -> None:
        # htmx requests (fetch/xhr) answer 409 for a stale save and 422 for an invalid form on
        # purpose: both are swapped and shown to the user.
        expected = response.request.resource_type in ("fetch", "xhr") and response.status in (
            409,
            422,
        )
        if response.request.resource_type != "document" and response.status >= 400 and not expected:
            self.problems.append(
                f"{response.request.resource_type} {response.url} answered {response.status}"
            )

    def check(self) -> None:
        if self.problems:
            pytest.fail(
                "the browser reported problems:\n  " + "\n  ".join(self.problems), pytrace=False
            )


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def context(
    new_context: Callable[..., BrowserContext], page_problems: PageProblems
) -> Iterator[BrowserContext]:
    """pytest-playwright's context, with a short timeout and console watching."""
    ctx = page_problems.watch(new_context())
    yield ctx
    page_problems.check()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


_NO_JS_PAGES: weakref.WeakSet[Page] = weakref.WeakSet()


@pytest.fixture
def no_js_page(
    new_context: Callable[..., BrowserContext], page_problems: PageProblems
) -> Iterator[Page]:
    """A page with JavaScript off: every page and form must work without it."""
    ctx = page_problems.watch(new_context(java_script_enabled=False))
    page = ctx.new_page()
    _NO_JS_PAGES.add(page)
    yield page
    page_problems.check()


# --- helpers --------------------------------------------------------------------------------

EMAIL_LABEL = re.compile(r"^(E-postadresse|E-mail address)$")
PASSWORD_LABEL = re.compile(r"^(Passord|Password)$")
SIGN_IN_BUTTON = re.compile(r"^(Logg inn|Sign in)$")
CODE_LABEL = re.compile(r"^(Kode|Code)$")
CONTINUE_BUTTON = re.compile(r"^(Fortsett|Hald fram|Continue)$")
SIGN_OUT = re.compile(r"^(Logg ut|Sign out)$")
LANGUAGE_BUTTON = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


def _sign_in(app: Flask, page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Through the real sign-in form, as a person would: by the fields' labels. Demo staff
    give a code of the published demo secret at the second step."""
    page.goto("/sign-in")
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=SIGN_IN_BUTTON).click()
    page.wait_for_load_state()
    second_step(app, page, email)


def second_step(app: Flask, page: Page, email: str) -> None:
    """On the code page (demo staff), give a code of the published demo secret."""
    if "/sign-in/code" not in page.url:
        return
    forget_used_codes(app, email)
    page.get_by_label(CODE_LABEL).fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
    with page.expect_navigation():
        page.get_by_role("button", name=CONTINUE_BUTTON).click()
    page.wait_for_load_state()


@pytest.fixture
def sign_in(app: Flask, live_server: str) -> Callable[..., None]:
    return functools.partial(_sign_in, app)


def words(app: Flask, language: str) -> Callable[..., str]:
    """The site's own text in ``language``, from its catalogues, as the page shows it."""

    def t(text: str, **params: Any) -> str:
        with app.test_request_context(), force_locale(language):
            return gettext(text, **params)

    return t


def field_label(text: str) -> re.Pattern[str]:
    """A field's label, with or without its "(optional)"."""
    return re.compile(rf"^{re.escape(text)}( \(.+\))?$")


def use_language(page: Page, language: str) -> None:
    """Switch with the header's language buttons, as a person would (the choice is kept)."""
    if page.locator("html").get_attribute("lang") != language:
        with page.expect_navigation():
            page.get_by_role("button", name=LANGUAGE_BUTTON[language], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=SIGN_OUT).click()


def enter_as(page: Page, sign_in: Callable[..., None], email: str, language: str) -> None:
    """Sign in as ``email`` (signing out whoever is signed in) and use ``language``."""
    if page.url.startswith("http") and page.get_by_role("button", name=SIGN_OUT).count():
        sign_out(page)
    sign_in(page, email)
    use_language(page, language)


def format_violations(violations: list[dict[str, Any]], url: str) -> str:
    lines = [f"axe found {len(violations)} serious/critical violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- [{v.get('impact')}] {v['id']}: {v.get('help')} ({v.get('helpUrl')})")
        for node in v.get("nodes", []):
            target = ", ".join(
                " ".join(t) if isinstance(t, list) else t for t in node.get("target", [])
            )
            lines.append(f"    at {target}: {node.get('html', '')[:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)


# Beyond axe: an ARIA id reference to no element (axe lets a dangling aria-describedby pass), and
# an aria-invalid value outside the spec's tokens (any other value, e.g. "None", counts as "true").
ARIA_CHECK = """() => {
  const problems = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-errormessage"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      const value = el.getAttribute(attr);
      const missing = value.split(/\\s+/).filter(id => id && !document.getElementById(id));
      if (missing.length) {
        problems.push(`${attr}="${value}" names no element (${missing.join(", ")}): `
                      + el.outerHTML.slice(0, 200));
      }
    }
  }
  for (const el of document.querySelectorAll("[aria-invalid]")) {
    const value = el.getAttribute("aria-invalid");
    if (!["true", "false", "grammar", "spelling"].includes(value)) {
      problems.push(`aria-invalid="${value}" is not a valid value: ` + el.outerHTML.slice(0, 200));
    }
  }
  return problems;
}"""


def _aria_problems(page: Page) -> list[str]:
    return list(page.evaluate(ARIA_CHECK))


def _axe_violations(page: Page) -> list[dict[str, Any]]:
    results = Axe().run(page)
    violations = results.response["violations"]
    return [v for v in violations if v.get("impact") in FAILING_IMPACTS]


@pytest.fixture
def assert_accessible(
    browser: Browser, browser_context_args: dict[str, Any]
) -> Callable[[Page], None]:
    """Run axe-core on the page; fail listing every serious or critical violation.

    Also fails on ARIA id references to no element and on invalid aria-invalid values.
    """

    def check(page: Page) -> None:
        page.wait_for_load_state()
        if page in _NO_JS_PAGES:
            # axe needs the page's event loop (timers), which is off without JavaScript.
            # Check the very same markup in a JS-enabled twin, with the same styles.
            violations = _axe_on_copy(browser, browser_context_args, page)
        else:
            violations = _axe_violations(page)
        aria = _aria_problems(page)
        report = []
        if violations:
            report.append(format_violations(violations, page.url))
        if aria:
            report.append(
                f"ARIA attribute problems on {page.url}:\n" + "\n".join(f"- {p}" for p in aria)
            )
        if report:
            pytest.fail("\n".join(report), pytrace=False)

    return check


def _axe_on_copy(
    browser: Browser, context_args: dict[str, Any], page: Page
) -> list[dict[str, Any]]:
    url, html = page.url, page.content()
    twin_context = browser.new_context(**context_args)
    try:
        twin_context.set_default_timeout(TIMEOUT_MS)
        twin = twin_context.new_page()
        # Serve the captured document at its own address; sub-resources come from the server.
        twin.route(
            url, lambda route: route.fulfill(status=200, content_type="text/html", body=html)
        )
        # No scripts run in the original: block them in the copy too.
        twin.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
        with contextlib.suppress(Error):
            twin.goto(url)
        return _axe_violations(twin)
    finally:
        twin_context.close()
