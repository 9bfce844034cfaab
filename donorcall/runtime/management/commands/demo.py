"""`donorcall demo`: the demo organisation: donors and their giving, one login per role, and
what the Call Center needs (campaigns with queues, teams, the settings lists)."""

from django.core.management.base import BaseCommand, CommandError

from donorcall.lib.errors import DomainError
from donorcall.runtime.demo import DONOR_COUNT, create_demo_organisation


class Command(BaseCommand):
    help = (
        f"Create the demo organisation: {DONOR_COUNT:,} fictional donors with consent and "
        "giving, one login per role, campaigns, teams and call lists ready to call. Running it "
        "again adds only what is missing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the demo even though the database has other staff (a training copy).",
        )

    def handle(self, *args, force: bool, **options) -> None:
        try:
            create_demo_organisation(stdout=self.stdout, force=force)
        except DomainError as error:  # e.g. stricter password rules than the demo's password
            raise CommandError(error.message) from error
