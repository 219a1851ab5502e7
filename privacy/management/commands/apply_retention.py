"""``manage.py apply_retention [--dry-run] [--months N]``: what beat does every night, now:
erase the contacts past the retention period (print how many, and which ids), delete the
claims never verified and the held applications nobody reviewed (print how many)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from privacy.services import (
    retention_apply,
    unreviewed_held_applications_delete,
    unverified_claims_delete,
)


class Command(BaseCommand):
    help = (
        "Erase the personal data of contacts whose applications all ended (rejected or "
        "withdrawn) longer ago than the retention period, and who met no one; delete the "
        "claims to represent a company whose address was never verified, and the "
        "applications held for a company that nobody of it reviewed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say who; erase nothing.")
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Retention period in months (default RETENTION_REJECTED_CONTACTS_MONTHS).",
        )

    def handle(self, *args, dry_run: bool = False, months: int | None = None, **options):
        months = settings.RETENTION_REJECTED_CONTACTS_MONTHS if months is None else months
        if months < 1:
            raise CommandError(f"--months must be at least 1, not {months}.", returncode=2)
        ids = retention_apply(months=months, dry_run=dry_run)
        verb = "would erase" if dry_run else "erased"
        listed = ", ".join(f"#{pk}" for pk in ids)
        self.stdout.write(
            f"Retention ({months} months): {verb} {len(ids)} contacts. {listed}".rstrip()
        )
        claims_days = settings.RETENTION_UNVERIFIED_CLAIMS_DAYS
        held_days = settings.RETENTION_UNREVIEWED_APPLICATIONS_DAYS
        claims = unverified_claims_delete(days=claims_days, dry_run=dry_run)
        held = unreviewed_held_applications_delete(days=held_days, dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"Claims never verified ({claims_days} days): {verb} {claims}. "
            f"Applications nobody reviewed ({held_days} days): {verb} {held}."
        )
