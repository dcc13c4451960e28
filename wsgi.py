"""WSGI entry point: ``gunicorn wsgi:app``."""

from iwemployer import create_app

app = create_app()
