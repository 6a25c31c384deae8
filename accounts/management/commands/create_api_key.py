from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation
from accounts.permissions import organisation_of
from accounts.services import InviteError, api_key_create, organisation_join


class Command(BaseCommand):
    help = (
        "Create an API key for a user (created if missing, without a password) and print it once. With --employer, "
        "the user is made a member of that organisation first if they are not one (a key for an organisation works "
        "only while its user is a member); editors, staff and members of another organisation are refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the key is for")
        parser.add_argument("--rate", type=int, help="requests a minute (default: the site's limit for keys)")
        parser.add_argument("--employer", help="slug of the organisation whose postings the key may change")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rate"] is not None and options["rate"] < 1:
            raise CommandError("--rate must be a positive number of requests a minute.")
        employer = None
        if options["employer"]:
            employer = Organisation.objects.filter(slug=options["employer"]).first()
            if employer is None:
                raise CommandError(f"No employer with the slug '{options['employer']}'.")
        user, created = User.objects.get_or_create(username=options["username"])
        if created:
            user.set_unusable_password()
            user.save()
        if employer is not None and organisation_of(user) != employer:
            try:
                organisation_join(user=user, organisation=employer)
            except InviteError as exc:
                raise CommandError(f"{user.username} cannot have a key for {employer.name}: {exc}") from None
            self.stderr.write(f"{user.username} is now a member of {employer.name}.")
        _, plain = api_key_create(
            user=user, name=options["name"], rate_limit_per_minute=options["rate"], employer=employer
        )
        self.stdout.write(plain)
