"""``manage.py import_explainer PATH...``: plain-text explainers in as drafts.

The text format is described in docs/text-format.md.
"""

from __future__ import annotations

import sys
from argparse import ArgumentTypeError
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles.interchange import batch, workers
from articles.models import Topic

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _read(name: str) -> bytes:
    if name == batch.STDIN:
        stream = sys.stdin
        return stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode()
    return Path(name).read_bytes()


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class Command(BaseCommand):
    help = (
        "Import plain-text explainers as drafts; the format is described in "
        "docs/text-format.md, which staff can also read in the admin (Explainers, Import from "
        "text, the text format). PATH is a file, a "
        "folder (every *.txt in it) or - for standard input. Each file is imported in its own "
        "transaction: a file with an error writes nothing and the others go on. A file whose "
        "title or slug matches an existing draft updates it. Exits non-zero if any file failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--topic",
            action="append",
            default=[],
            metavar="SLUG",
            help="Add this topic to every imported explainer (repeatable).",
        )
        parser.add_argument(
            "--author",
            action="append",
            default=[],
            metavar="USERNAME",
            help="Give every imported explainer this byline (repeatable). The first author "
            "makes the workflow moves asked for below.",
        )
        parser.add_argument(
            "--submit",
            action="store_true",
            help="Submit each imported explainer for fact-checking straight away.",
        )
        parser.add_argument(
            "--new-revision",
            action="store_true",
            help="Re-importing over an explainer in review, approved or published sends it back "
            "to draft with the new text (readers keep the live version until it is published).",
        )
        parser.add_argument(
            "--jobs",
            type=_positive,
            default=workers.cpu_count(),
            metavar="N",
            help="Import with N processes (default: one per CPU, here %(default)s). The result "
            "and the report are those of importing the files one after the other, in order.",
        )
        parser.add_argument(
            "--no-history",
            dest="history",
            action="store_false",
            help="Do not record each import as a revision in the explainer's history (faster "
            "for large loads).",
        )

    def handle(
        self,
        *args: Any,
        paths: list[str],
        topic: list[str],
        author: list[str],
        submit: bool,
        new_revision: bool,
        history: bool,
        jobs: int,
        verbosity: int,
        **options: Any,
    ) -> None:
        topics = self._topics(topic)
        authors = self._authors(author)
        if (submit or new_revision) and not authors:
            raise CommandError("--submit and --new-revision need an --author to make the move.")
        names, problems = batch.expand(paths)
        summary = batch.Summary()
        for outcome in problems:
            summary.add(outcome)
            self._report(outcome, verbosity)
        outcomes = batch.import_all(
            names,
            _read,
            authors=authors,
            topics=topics,
            submit=submit,
            new_revision=new_revision,
            history=history,
            jobs=jobs,
        )
        show_bar = len(names) > 1 and verbosity > 0
        # The bar and the messages share standard error; tqdm clears the bar around messages.
        # tqdm writes to the stream itself (``call_command(stderr=...)`` or the process's):
        # ``self.stderr`` would end each of its updates with a newline.
        stream = options.get("stderr") or sys.stderr
        with tqdm(
            outcomes, total=len(names), disable=not show_bar, unit="file", file=stream
        ) as bar:
            for outcome in bar:
                summary.add(outcome)
                if outcome.errors or outcome.warnings or verbosity > 1:
                    with tqdm.external_write_mode(file=stream):
                        self._report(outcome, verbosity)
        self.stdout.write(f"Summary: {summary}.")
        if summary.failed:
            raise CommandError(f"{summary.failed} failed; nothing of those was written.")

    def _report(self, outcome: batch.Outcome, verbosity: int) -> None:
        for line in outcome.errors:
            self.stderr.write(self.style.ERROR(line))
        for line in outcome.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {line}"))
        if outcome.result is not None and verbosity > 1:
            explainer = outcome.result.explainer
            self.stdout.write(f"{outcome.name}: {outcome.status} “{explainer.title}”")

    def _topics(self, slugs: list[str]) -> list[Topic]:
        found = {t.slug: t for t in Topic.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise CommandError(f"No topic with slug: {', '.join(missing)}.")
        return [found[slug] for slug in slugs]

    def _authors(self, usernames: list[str]) -> list[User]:
        User = get_user_model()
        found = {u.get_username(): u for u in User.objects.filter(**{"username__in": usernames})}
        missing = [name for name in usernames if name not in found]
        if missing:
            raise CommandError(f"No user named: {', '.join(missing)}.")
        return list({name: found[name] for name in usernames}.values())
