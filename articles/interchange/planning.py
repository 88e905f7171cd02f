"""Check a parsed explainer against the database before an import writes anything.

Stakeholders are matched by name or alias in a ``StakeholderIndex`` loaded once per run, "Up
next" bullets in ``RelatedTargets``, and the free text against the columns it lands in; the
result is a ``Plan`` of what the import will write, or ``FormatErrors``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify

from articles.interchange.textformat import FormatError, FormatErrors, ParsedExplainer
from articles.models import (
    Explainer,
    RelatedLink,
    SlugRedirect,
    Source,
    Stakeholder,
    Viewpoint,
    http_url_validator,
)
from articles.models.explainer import TAKEAWAY_MAX_CHARS

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def column_length(model: type[models.Model], name: str) -> int:
    """Return the max_length of one of ``model``'s text columns."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a text column with a length")
    return field.max_length


# Lengths of the columns the format's free text lands in (see models.py).
MAX_STAKEHOLDER_NAME = column_length(Stakeholder, "name")
MAX_CITATION = column_length(Source, "citation")
MAX_URL = column_length(Source, "url")
MAX_QUOTE_URL = column_length(Viewpoint, "quote_url")
MAX_RELATED_TITLE = column_length(RelatedLink, "title")
MAX_SLUG = column_length(Explainer, "slug")


# --- stakeholders -------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """Return the form two stakeholder names are compared in: spacing and case ignored."""
    return " ".join(name.split()).casefold()


class StakeholderIndex:
    """Every stakeholder's name and aliases, loaded once per run, to match viewpoints by name.

    A name matches a stakeholder's name first, then an alias. The index learns the stakeholders
    an import creates only once that import has committed (``remember``), so that a failed file
    leaves no stale entry behind.
    """

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}
        self.by_alias: dict[str, int] = {}
        self.slugs: set[str] = set()

    @classmethod
    def load(cls) -> StakeholderIndex:
        index = cls()
        for stakeholder in Stakeholder.objects.all():
            index.remember(stakeholder.pk, stakeholder.name, stakeholder.slug, stakeholder.aliases)
        # A slug a stakeholder had before still leads to its page: a new one must not take it.
        index.slugs.update(SlugRedirect.objects.of(Stakeholder).values_list("slug", flat=True))
        return index

    def remember(self, pk: int, name: str, slug: str, aliases: str = "") -> None:
        self.by_name[name_key(name)] = pk
        for alias in aliases.splitlines():
            if alias.strip():
                self.by_alias.setdefault(name_key(alias), pk)
        self.slugs.add(slug)

    def find(self, name: str) -> int | None:
        key = name_key(name)
        return self.by_name.get(key, self.by_alias.get(key))

    def free_slug(self, name: str, taken: set[str]) -> str:
        base = (slugify(name) or "stakeholder")[: MAX_SLUG - 8].strip("-") or "stakeholder"
        candidate, n = base, 2
        while candidate in self.slugs or candidate in taken:
            candidate = f"{base}-{n}"
            n += 1
        return candidate


# --- checks against the database's limits -------------------------------------------------------


def slug_for(title: str) -> str:
    return slugify(title)[:MAX_SLUG].strip("-")


def check_limits(parsed: ParsedExplainer, filename: str) -> list[FormatError]:
    """Return the errors that the parser cannot see: column lengths and link validity."""
    errors: list[FormatError] = []
    for takeaway in parsed.takeaways:
        if len(takeaway.text) > TAKEAWAY_MAX_CHARS:
            errors.append(
                FormatError(
                    filename,
                    takeaway.line,
                    f"takeaway is longer than {TAKEAWAY_MAX_CHARS} characters "
                    f"({len(takeaway.text)}); keep each one short",
                )
            )
    for viewpoint in parsed.viewpoints:
        quote = viewpoint.quote
        if quote is not None and len(quote.url) > MAX_QUOTE_URL:
            errors.append(
                FormatError(
                    filename, quote.line, f"quote link is longer than {MAX_QUOTE_URL} characters"
                )
            )
        if len(viewpoint.name) > MAX_STAKEHOLDER_NAME:
            errors.append(
                FormatError(
                    filename,
                    viewpoint.line,
                    f"stakeholder name is longer than {MAX_STAKEHOLDER_NAME} characters "
                    f"({len(viewpoint.name)})",
                )
            )
    for source in parsed.sources:
        if len(source.citation or source.url) > MAX_CITATION:
            errors.append(
                FormatError(
                    filename,
                    source.line,
                    f"source citation is longer than {MAX_CITATION} characters "
                    f"({len(source.citation)})",
                )
            )
        if len(source.url) > MAX_URL:
            errors.append(
                FormatError(
                    filename, source.line, f"source link is longer than {MAX_URL} characters"
                )
            )
        elif source.url:
            try:
                http_url_validator(source.url)
            except ValidationError:
                errors.append(
                    FormatError(
                        filename, source.line, f'source link "{source.url}" is not a web address'
                    )
                )
    for related in parsed.related:
        if len(related.title) > MAX_RELATED_TITLE:
            errors.append(
                FormatError(
                    filename,
                    related.line,
                    f'"Up next" title is longer than {MAX_RELATED_TITLE} characters',
                )
            )
    return errors


@dataclass
class Plan:
    """What an import will write, worked out before anything is written."""

    stakeholder_ids: list[int | None]  # per viewpoint; None: a new stakeholder, by name
    new_names: dict[str, str]  # name_key -> the name as first written
    related: list[tuple[Explainer | None, str]]  # per related bullet: the target or None, the text
    warnings: list[str]


class RelatedTargets:
    """Explainers that "Up next" bullets may name, by slug and by (case-folded) title."""

    def __init__(self, rows: Iterable[Explainer] = ()) -> None:
        self.by_slug: dict[str, Explainer] = {}
        self.by_title: dict[str, Explainer] = {}
        for row in rows:
            self.add(row)

    @classmethod
    def load(cls, texts: Iterable[str], *, viewer: User | None) -> RelatedTargets:
        """Read the explainers ``viewer`` may link whose slug or title is one of ``texts``.

        One query for a file's texts (one per thousand texts for a whole run's). An explainer
        ``viewer`` may not name (``linkable_by``) is left out, so that a bullet naming it reads
        exactly like one naming nothing. ``None`` is an operator's import that names no person
        (the command without ``--author``): it runs with the operator's own access to the
        database, so every explainer may be named.
        """
        distinct = sorted(set(texts))
        candidates = (
            Explainer.objects.all() if viewer is None else Explainer.objects.linkable_by(viewer)
        )
        found = cls()
        # In slices: SQLite takes a bounded number of parameters in one statement.
        for start in range(0, len(distinct), 1000):
            some = distinct[start : start + 1000]
            folded = [t.casefold() for t in some]
            for row in (
                candidates.annotate(lower_title=Lower("title"))
                .filter(Q(slug__in=some) | Q(title__in=some) | Q(lower_title__in=folded))
                .only("pk", "slug", "title")
                .order_by()
            ):
                found.add(row)
        return found

    def add(self, explainer: Explainer) -> None:
        self.by_slug[explainer.slug] = explainer
        self.by_title[explainer.title.casefold()] = explainer

    def find(self, text: str) -> Explainer | None:
        """Return the explainer ``text`` names: by slug first, then by title."""
        return self.by_slug.get(text, self.by_title.get(text.casefold()))


@dataclass(frozen=True)
class KnownTargets:
    """The "Up next" targets read once before a run of imports, and the texts to read again.

    A text naming a title or slug that an earlier file of the run writes is in ``reread``: it
    is looked up when its file is imported, after that earlier file. Every other text resolves
    as the run found it (``before``). Either way a file sees what importing the files one after
    the other, in order, would show it, whichever process imports it and when.
    """

    before: RelatedTargets
    reread: frozenset[str] = frozenset()

    def load(self, texts: Iterable[str], *, viewer: User | None) -> _SplitTargets:
        """Read the texts to read again (one query, none if there are none)."""
        now = RelatedTargets.load((t for t in texts if t in self.reread), viewer=viewer)
        return _SplitTargets(self, now)


@dataclass(frozen=True)
class _SplitTargets:
    known: KnownTargets
    now: RelatedTargets

    def find(self, text: str) -> Explainer | None:
        source = self.now if text in self.known.reread else self.known.before
        return source.find(text)


def plan_import(
    parsed: ParsedExplainer,
    *,
    filename: str,
    index: StakeholderIndex,
    own_pk: int | None,
    own_slug: str,
    viewer: User | None,
    known: KnownTargets | None = None,
) -> Plan:
    """Check ``parsed`` against the database; ``known`` may hold the "Up next" candidates.

    "Up next" bullets link only what ``viewer`` may name (``RelatedTargets.load``).
    """
    errors = check_limits(parsed, filename)
    warnings = list(parsed.warnings)

    # Viewpoints: one per stakeholder, whichever of its names or aliases the file uses.
    stakeholder_ids: list[int | None] = []
    new_names: dict[str, str] = {}
    first_line: dict[object, tuple[int, str]] = {}
    for viewpoint in parsed.viewpoints:
        pk = index.find(viewpoint.name)
        who: object = pk if pk is not None else name_key(viewpoint.name)
        if who in first_line:
            line, name = first_line[who]
            errors.append(
                FormatError(
                    filename,
                    viewpoint.line,
                    f'"{viewpoint.name}" is the same stakeholder as "{name}" (line {line}); '
                    "give each stakeholder one viewpoint",
                )
            )
        first_line.setdefault(who, (viewpoint.line, viewpoint.name))
        if pk is None:
            new_names.setdefault(name_key(viewpoint.name), viewpoint.name)
        stakeholder_ids.append(pk)

    # "Up next": by slug first, then by title; one naming no explainer the viewer may link is
    # kept as a title, with the same warning whether or not such an explainer exists.
    related: list[tuple[Explainer | None, str]] = []
    if parsed.related:
        texts = [r.title for r in parsed.related]
        targets: RelatedTargets | _SplitTargets = (
            RelatedTargets.load(texts, viewer=viewer)
            if known is None
            else known.load(texts, viewer=viewer)
        )
        own_title = parsed.title.casefold()
        for item in parsed.related:
            key = item.title.casefold()
            if key == own_title or item.title == own_slug:
                errors.append(
                    FormatError(filename, item.line, '"Up next" names this explainer itself')
                )
                continue
            target = targets.find(item.title)
            if target is not None and target.pk is not None and target.pk == own_pk:
                errors.append(
                    FormatError(filename, item.line, '"Up next" names this explainer itself')
                )
                continue
            if target is None:
                warnings.append(
                    f'{filename}:{item.line}: "Up next" names "{item.title}": no live explainer '
                    "with that title; its title is kept for linking later"
                )
            related.append((target, item.title))

    if errors:
        raise FormatErrors(sorted(errors, key=lambda error: error.line))
    return Plan(stakeholder_ids, new_names, related, warnings)
