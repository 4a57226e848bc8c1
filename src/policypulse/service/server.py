"""The production web server: gunicorn, in this process, on the Django app."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class PulseApplication(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()


def gunicorn_options(host: str, port: int, workers: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        # PDF previews take a few seconds; a stuck request is still ended.
        "timeout": 120,
        "graceful_timeout": 30,
        "accesslog": "-",
        "errorlog": "-",
        # Behind a proxy on the same machine: X-Forwarded-* only from loopback.
        "forwarded_allow_ips": "127.0.0.1,::1",
    }


def run_gunicorn(host: str, port: int, workers: int) -> None:
    from django.db import connections

    connections.close_all()  # no connection may be shared by forked workers
    PulseApplication(gunicorn_options(host, port, workers)).run()
