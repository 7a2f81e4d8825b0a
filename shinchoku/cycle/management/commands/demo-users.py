"""``shinchoku demo-users``: demo logins for 柏崎市, one per role, plus the superuser ``admin``. Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation
from django_scopes import scope

from shinchoku.tenancy.models import Department, Membership, Role
from shinchoku.tenancy.selectors import municipality_get

DEMO_PASSWORD = "shinchoku-demo"
# username → (role, departments, display name)
DEMO_USERS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "dx": (Role.DX_STAFF, (), "DX担当"),
    "hq": (Role.HQ_REVIEWER, (), "情報化推進本部"),
    "dept-kikaku": (Role.DEPARTMENT_EDITOR, ("企画政策課",), "企画政策課"),
    "dept-somu": (Role.DEPARTMENT_EDITOR, ("総務課",), "総務課"),
    "viewer": (Role.VIEWER, (), "閲覧者"),
}


class Command(BaseCommand):
    help = "Create (or reset) the demo logins of a municipality and the superuser 'admin'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", default="柏崎市")
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument(
            "--allow-production", action="store_true", help="allow running with SHINCHOKU_DEBUG off"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Well-known passwords are a demo convenience, not something a production install should get by accident.
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("refusing to create demo users with DEBUG off (pass --allow-production)")
        municipality = municipality_get(name=options["municipality"])
        if municipality is None:
            raise CommandError(f"unknown municipality {options['municipality']!r}: import its report first")
        password = options["password"]
        if not settings.DEBUG:
            # Outside a demo the password validators apply here as on every other way of setting one.
            try:
                with translation.override("en"):  # the command line speaks English
                    validate_password(password)
            except ValidationError as exc:
                raise CommandError("password refused: " + " ".join(exc.messages)) from exc
        User = get_user_model()
        with transaction.atomic(), scope(municipality=municipality):
            for username, (role, department_names, display) in DEMO_USERS.items():
                user, _ = User.objects.get_or_create(username=username)
                user.first_name = display
                user.email = f"{username}@example.invalid"
                user.set_password(password)
                user.save()
                membership, _ = Membership.objects.get_or_create(user=user, municipality=municipality, role=role)
                departments = [
                    Department.objects.get_or_create(municipality=municipality, name=name)[0]
                    for name in department_names
                ]
                membership.departments.set(departments)
                where = f" ({', '.join(department_names)})" if department_names else ""
                self.stdout.write(f"{username:12} {Role(role).name.lower()}{where}")
            admin, _ = User.objects.get_or_create(username="admin")
            admin.is_staff = admin.is_superuser = True
            admin.set_password(password)
            admin.save()
            self.stdout.write(f"{'admin':12} superuser (Django admin at /admin/)")
        self.stdout.write(f"password for all of them: {password}")
