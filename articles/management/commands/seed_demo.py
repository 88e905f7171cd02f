"""``manage.py seed_demo``: demo accounts and content for trying the newsroom locally."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles import demo


class Command(BaseCommand):
    help = (
        "Create demo accounts (admin, editor, checker, writer, writer2) and demo explainers, "
        "then print the logins and URLs. Safe to run again: nothing that exists is changed, "
        "and the passwords generated on the first run are kept in var/demo-logins.txt. "
        "Refuses to run when DEBUG is off, so demo accounts never reach production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site is served, for the URLs printed (default: %(default)s).",
        )

    def handle(self, *args: Any, base_url: str, verbosity: int, **options: Any) -> None:
        try:
            result = demo.seed(stdout=self.stdout if verbosity > 1 else None)
        except demo.DemoSeedRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.report(result, base_url.rstrip("/"))

    def report(self, result: demo.SeedResult, base: str) -> None:
        if result.changed:
            made = ", ".join(f"{name}: {n}" for name, n in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {made or 'nothing new'}."))
        else:
            self.stdout.write("Demo data already in place: nothing changed.")
        if result.kept:
            self.stdout.write(f"Left as they are: {len(result.kept)} existing demo explainers.")
        if result.passwords_set:
            names = ", ".join(result.passwords_set)
            self.stdout.write(
                self.style.WARNING(f"Password reset to the one on file for: {names}.")
            )
        self.stdout.write(f"\nDemo logins (kept in {result.logins_file}):")
        width = max(len(login.username) for login in result.logins)
        for login in result.logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.password}  ({login.role})")
        self.stdout.write(f"\n  Public site:  {base}/")
        self.stdout.write(f"  Desk (admin): {base}/admin/")
        for slug in demo.published_slugs():
            self.stdout.write(f"  Explainer:    {base}/explainers/{slug}/")
        for for_whom, path in result.share_links:
            self.stdout.write(f"  Share link for {for_whom} (shown only now): {base}{path}")
