from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a user (created if missing, without a password) and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the key is for")
        parser.add_argument("--rate", type=int, help="requests a minute (default: the site's limit for keys)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rate"] is not None and options["rate"] < 1:
            raise CommandError("--rate must be a positive number of requests a minute.")
        user, created = User.objects.get_or_create(username=options["username"])
        if created:
            user.set_unusable_password()
            user.save()
        _, plain = api_key_create(user=user, name=options["name"], rate_limit_per_minute=options["rate"])
        self.stdout.write(plain)
