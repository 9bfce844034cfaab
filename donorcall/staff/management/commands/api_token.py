from django.core.management.base import BaseCommand, CommandError

from donorcall.staff.actions import create_api_token
from donorcall.staff.models import User


class Command(BaseCommand):
    help = "Make an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Integration", help="What uses the token.")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        self.stdout.write(create_api_token(user, name=name, by=None))
