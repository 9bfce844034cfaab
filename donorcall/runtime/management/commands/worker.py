from django.core.management.base import BaseCommand

from donorcall.runtime.worker import STEPS, Worker


class Command(BaseCommand):
    help = "Run the background worker (send the outbox, expire leases, tidy up) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every step once and exit.")
        parser.add_argument("--idle", type=float, default=1.0, help="Seconds to wait when idle.")

    def handle(self, *args, once: bool, idle: float, **options) -> None:
        worker = Worker(STEPS, idle_seconds=idle)
        if once:
            worker.run_once()
        else:
            worker.run_forever()
