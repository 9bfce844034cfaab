"""`donorcall serve`: gunicorn, with static files served by the app (whitenoise)."""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run donorcall with gunicorn (a production server)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("DONORCALL_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("DONORCALL_THREADS", "8"))
        )
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="Skip collecting static files."
        )

    def handle(
        self, *args, bind: str, workers: int, threads: int, no_collectstatic: bool, **options
    ) -> None:
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        from gunicorn.app.wsgiapp import WSGIApplication

        argv = [
            "gunicorn",
            "donorcall.wsgi:application",
            f"--bind={bind}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--worker-class=gthread",
            "--timeout=60",
            "--graceful-timeout=20",
            "--access-logfile=-",
            # Several servers on one host would otherwise share one control socket path.
            "--no-control-socket",
            # The path only: a query string could carry personal data.
            '--access-logformat=%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        ]
        sys.argv = argv  # gunicorn reads its options from the command line
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
