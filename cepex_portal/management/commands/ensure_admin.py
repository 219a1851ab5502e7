"""``manage.py ensure_admin``: make sure a superuser exists, and say once how to log in.

Meant for the first start of a fresh portal (and for docker-compose): it creates the account
when it is missing and does nothing at all when it exists, so it is safe in a start script.
The password is read from ``DJANGO_SUPERUSER_PASSWORD`` or generated; a generated password is
printed this one time and never stored in clear anywhere.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse

PASSWORD_ENV = "DJANGO_SUPERUSER_PASSWORD"  # noqa: S105 (the name of a variable)


class Command(BaseCommand):
    help = (
        "Create the admin superuser if it does not exist yet and print its login once. "
        f"The password comes from {PASSWORD_ENV} or is generated."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin", help="Default: admin.")
        parser.add_argument("--email", default="", help="E-mail address of the account.")

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        username = options["username"].strip()
        email = options["email"].strip()
        self._check(User, username=username, email=email)

        if User._default_manager.filter(username=username).exists():
            self.stdout.write(f"Admin account '{username}' already exists (password unchanged).")
            return

        from_env = os.environ.get(PASSWORD_ENV, "")
        password = from_env or secrets.token_urlsafe(12)
        try:
            with transaction.atomic():
                User._default_manager.create_superuser(
                    username=username, email=email, password=password
                )
        except IntegrityError:
            # Another process (a second container starting) created it meanwhile.
            self.stdout.write(f"Admin account '{username}' already exists (password unchanged).")
            return
        shown = f"the value of {PASSWORD_ENV}" if from_env else password
        url = f"{settings.SITE_URL}{reverse('admin:index')}"
        self.stdout.write(f"Admin account created: {url} — username: {username}, password: {shown}")

    def _check(self, User, *, username: str, email: str) -> None:
        if not username:
            raise CommandError("--username must not be empty.", returncode=2)
        try:
            User.username_validator(username)
        except ValidationError as exc:
            message = f"Invalid username {username!r}: {exc.messages[0]}"
            raise CommandError(message, returncode=2) from None
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f"Invalid e-mail address {email!r}.", returncode=2) from None
            taken = User._default_manager.filter(email__iexact=email).exclude(username=username)
            if taken.exists():
                raise CommandError(
                    f"E-mail address {email!r} belongs to another user.", returncode=2
                )
