"""iwemployer: the employer self-service site of an Inclusive Workplace support centre."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import configure
from .logs import EscapingFormatter
from .templating import FlatGlobalsEnvironment


def create_app(test_config: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.jinja_environment = FlatGlobalsEnvironment
    configure(app, test_config)
    app.jinja_env.add_extension("jinja2.ext.do")
    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(handlers=[handler])
    # Our own events (sign-in attempts, mail) at INFO; libraries stay at WARNING.
    logging.getLogger("iwemployer").setLevel(logging.INFO)

    from . import (
        access,
        assets,
        auth,
        errors,
        htmx,
        i18n,
        kept_forms,
        labels,
        navigation,
        pagination,
        security,
        statement_count,
    )
    from .admin import bp as admin_bp
    from .adviser import bp as adviser_bp
    from .auth import bp as auth_bp
    from .cli import register_cli
    from .cooperation import bp as cooperation_bp
    from .enterprise import bp as enterprise_bp
    from .extensions import csrf, db, limiter
    from .health import bp as health_bp
    from .home import bp as home_bp
    from .mail.views import bp as mail_bp
    from .mfa.views import bp as mfa_bp
    from .notifications import bp as notifications_bp
    from .plans import bp as plans_bp
    from .reminders import services as _reminders  # noqa: F401  (registers its notification kinds)
    from .requests import bp as requests_bp
    from .statistics import bp as statistics_bp
    from .subsidies import bp as subsidies_bp
    from .training import bp as training_bp

    db.init_app(app)
    # First, so its header is added after every other after_request handler has run.
    statement_count.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    auth.init_app(app)
    access.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    htmx.init_app(app)
    errors.init_app(app)
    kept_forms.init_app(app)
    navigation.init_app(app)
    labels.init_app(app)
    pagination.init_app(app)
    assets.init_app(app)

    app.register_blueprint(health_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(i18n.bp)
    app.register_blueprint(enterprise_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(adviser_bp, url_prefix="/adviser")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(requests_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(subsidies_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(cooperation_bp)
    app.register_blueprint(mfa_bp)
    register_cli(app)
    if app.config["MAIL_WORKER_THREAD"]:
        from .mail.worker import start_background_worker

        start_background_worker(app)
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        # Only as many X-Forwarded-* entries as there are proxies we run are believed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app
