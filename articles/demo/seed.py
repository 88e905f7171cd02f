"""Seed the demo: accounts, topics, stakeholders, then each explainer file through the importer.

Each file in ``explainers/`` is imported as a draft by its first author, exactly as a reporter's
file would be; the writer then adds on the desk what the format cannot carry (the manifest), and
the explainer is taken to its demo state through the real workflow: the writer submits, the
fact-checker rates the claims the manifest lists (the editor checks the ratings), checks the key
facts and approves, the editor publishes. The demo's audit trail, approvals and versions are
therefore the ones the desk itself would have made. Last, the desk's work in progress is staged
(``activity``): staff threads, a share link, a scheduled revision.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import reversion
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from articles.demo import activity, logins
from articles.demo.cast import ACCOUNTS, AUTHOR_BIOS, CHECKER, EDITOR, STAKEHOLDERS, TOPICS
from articles.demo.manifest import EXPLAINERS, DemoClaimRating, DemoCorrection, DemoExplainer
from articles.demo.movingdates import resolve_when
from articles.interchange.importer import import_parsed
from articles.interchange.textformat import ParsedEvent, ParsedExplainer, format_event_date, parse
from articles.models import (
    STARTING_SCALE,
    AuthorProfile,
    Byline,
    ClaimRating,
    Correction,
    Explainer,
    Figure,
    KeyFact,
    PublishedVersion,
    RatingValue,
    RelatedLink,
    Source,
    Stakeholder,
    TimelineEvent,
    Topic,
    Viewpoint,
)
from articles.publishing import moves as publication
from articles.workflow import moves as workflow

EXPLAINERS_DIR = Path(__file__).resolve().parent / "explainers"
QUIET_MAIL = "django.core.mail.backends.dummy.EmailBackend"
CHECKED = "Checked against the cited sources."


class DemoSeedRefused(Exception):
    """Seeding was refused: demo accounts are for development settings only."""


if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The demo's topics and stakeholders: matched on slug, created when missing.
Listed = TypeVar("Listed", Topic, Stakeholder)


class Writer(Protocol):
    """Where progress lines go: a text stream, or a management command's ``self.stdout``."""

    def write(self, message: str, /) -> object: ...


@dataclass
class SeedResult:
    """What one run of :func:`seed` did."""

    logins: list[logins.DemoLogin]
    logins_file: Path
    created: Counter[str] = field(default_factory=Counter)  # rows created, by model (plural)
    published: list[str] = field(default_factory=list)  # slugs published by this run
    kept: list[str] = field(default_factory=list)  # explainer slugs that existed already
    passwords_set: list[str] = field(default_factory=list)  # existing users given the file's
    share_links: list[tuple[str, str]] = field(default_factory=list)  # (for whom, URL path) made

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or self.published or self.passwords_set)


def seed(*, stdout: Writer | None = None, logins_file: Path | None = None) -> SeedResult:
    """Create the demo accounts and content that do not exist yet; return what was done.

    Idempotent: users are matched on username, topics and stakeholders on slug, explainers on
    their slug or their file's title, and an existing explainer is never touched. Passwords
    come from ``logins_file`` (default ``var/demo-logins.txt``) when it lists them, and are
    generated and saved there otherwise, so the logins printed are always the ones that work.
    Raises ``DemoSeedRefused``, having written nothing, unless ``settings.DEBUG`` is on.
    """
    if not settings.DEBUG:
        raise DemoSeedRefused(
            "Refusing to create demo accounts and content: settings.DEBUG is off, so these "
            "look like production settings. Demo accounts have known passwords and must never "
            "exist in production. Set DEBUG=1 (for example in .env) on a development machine."
        )
    path = logins_file or logins.default_logins_file()
    say: Callable[[str], object] = stdout.write if stdout is not None else (lambda message: None)
    saved = logins.read_logins(path)
    accounts = [
        logins.DemoLogin(a.username, saved.get(a.username) or secrets.token_urlsafe(12), a.role)
        for a in ACCOUNTS
    ]
    result = SeedResult(logins=accounts, logins_file=path)
    today = timezone.localdate()

    # The demo's history is staged, not news: the workflow's mail to colleagues is dropped.
    with override_settings(EMAIL_BACKEND=QUIET_MAIL), transaction.atomic():
        new_users: list[str] = []
        users = {
            login.username: logins.ensure_account(
                login, created=new_users, passwords_set=result.passwords_set
            )
            for login in accounts
        }
        result.created["users"] = len(new_users)
        for username, bio in AUTHOR_BIOS.items():
            profile = AuthorProfile.for_users([users[username]])[users[username].pk]
            if not profile.bio:
                profile.bio = bio
                profile.save(update_fields=["bio"])
        topics = {t["slug"]: _get_or_create(Topic, t, result) for t in TOPICS}
        for spec in STAKEHOLDERS:
            _get_or_create(Stakeholder, spec, result)
        _ensure_scale()
        new: list[tuple[DemoExplainer, Explainer]] = []
        for plan in EXPLAINERS:
            parsed = read_file(plan, today)
            # Matched on the title too: importing over a same-titled draft would update it.
            if Explainer.objects.filter(Q(slug=plan.slug) | Q(title__iexact=parsed.title)).exists():
                result.kept.append(plan.slug)
                continue
            authors = [users[username] for username in plan.authors]
            imported = import_parsed(
                parsed,
                filename=f"{plan.slug}.txt",
                by=authors[0],
                authors=authors,
                topics=[topics[slug] for slug in plan.topics],
            )
            result.created["stakeholders"] += len(imported.new_stakeholders)
            new.append((plan, imported.explainer))
            say(f"Created “{parsed.title}”.\n")
        # "Up next" may name an explainer imported after the one that names it.
        for _plan, explainer in new:
            _link_up_next(explainer)
        # Every explainer has its final slug before any is approved: an approval fingerprints
        # the slugs of the explainers it links to, and a later change would leave it stale.
        for plan, explainer in new:
            _set_up(plan, explainer, by=users[plan.authors[0]])
        for plan, explainer in new:
            _advance(plan, explainer, users, today, result)
            _count(explainer, result)
        # Threads, a share link and a scheduled revision: the desk's work in progress.
        for plan, explainer in new:
            result.share_links += activity.stage(plan.slug, explainer, users, result.created)

    text = logins.format_logins(accounts)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        logins.write_private(path, text)
    return result


def read_file(plan: DemoExplainer, today: date) -> ParsedExplainer:
    """Return the explainer file of ``plan`` as parsed on ``today``, its moving dates moved."""
    name = f"{plan.slug}.txt"
    parsed = parse((EXPLAINERS_DIR / name).read_bytes(), filename=name, today=today)
    timeline = [_without_leading_date(event) for event in parsed.timeline]
    for position, rule in plan.moving_dates.items():
        when, precision = resolve_when(rule, today)
        timeline[position] = replace(
            timeline[position], date=when, precision=precision, kind=TimelineEvent.Kind.UPCOMING
        )
    return replace(parsed, timeline=timeline)


def _without_leading_date(event: ParsedEvent) -> ParsedEvent:
    """Drop the "June 28, 2021: " a bullet starts with: the page shows the date beside it."""
    if event.date is None:
        return event
    prefix = f"{format_event_date(event.date, event.precision)}: "
    if not event.text.startswith(prefix):
        return event
    return replace(event, text=event.text.removeprefix(prefix))


def _get_or_create(model: type[Listed], spec: dict[str, str], result: SeedResult) -> Listed:
    obj = model.objects.filter(slug=spec["slug"]).first()
    if obj is None and model is Stakeholder:
        # Someone may have added the same stakeholder by hand under another slug.
        obj = model.objects.filter(name__iexact=spec["name"]).first()
    if obj is None:
        obj = model(**spec)
        obj.full_clean()
        obj.save()
        result.created[str(model._meta.verbose_name_plural)] += 1
    return obj


def _ensure_scale() -> None:
    """Give the rating scale the starting verdicts the demo uses, if it lacks them.

    Migration 0024 seeds them; a database emptied since (a test's flush) or a scale whose
    editors left a number or name free gets back only what is missing, nothing renamed.
    """
    for name, value, description in STARTING_SCALE:
        if not RatingValue.objects.filter(Q(name=name) | Q(value=value)).exists():
            RatingValue.objects.create(name=name, value=value, description=description)


def _link_up_next(explainer: Explainer) -> None:
    """Point the "Up next" links the import kept as titles at the explainers now imported."""
    for link in explainer.related_links.filter(target=None):
        target = Explainer.objects.filter(Q(slug=link.title) | Q(title__iexact=link.title))
        link.target = target.exclude(pk=explainer.pk).first()
        if link.target is not None:
            link.title = ""
            link.full_clean()
            link.save()


def _set_up(plan: DemoExplainer, explainer: Explainer, *, by: User) -> None:
    """Add on the desk what the file cannot carry: slug, dek, source details, citations."""
    sources = list(explainer.sources.order_by("position", "pk"))
    facts = list(explainer.key_facts.order_by("position", "pk"))
    events = list(explainer.timeline.order_by("position", "pk"))
    for what, rows, wanted in (
        ("sources", sources, plan.sources),
        ("key facts", facts, plan.fact_sources),
        ("timeline events", events, plan.timeline_sources),
    ):
        if len(rows) != len(wanted):
            raise ValueError(
                f"{plan.slug}.txt has {len(rows)} {what}; the manifest describes {len(wanted)}"
            )
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(
            "Slug, dek, source details, citations and pictures added on the desk."
        )
        explainer.slug, explainer.dek, explainer.updated_by = plan.slug, plan.dek, by
        # The workflow state is protected from assignment, so it is left out of validation.
        explainer.full_clean(exclude=["state"])
        explainer.save()
        keyed = {}
        for row, details in zip(sources, plan.sources, strict=True):
            row.kind, row.publisher = details.kind, details.publisher
            row.published_on = details.published_on
            row.full_clean()
            row.save()
            keyed[details.key] = row
        for fact, keys in zip(facts, plan.fact_sources, strict=True):
            fact.sources.set([keyed[key] for key in keys])
        for event, key in zip(events, plan.timeline_sources, strict=True):
            if key is not None:
                event.source = keyed[key]
                event.save(update_fields=["source"])
        _add_pictures(plan, explainer)


def _add_pictures(plan: DemoExplainer, explainer: Explainer) -> None:
    """Attach the plan's hero and figures, drawn now, as the desk's upload would store them."""
    if plan.hero is not None:
        hero = plan.hero
        explainer.hero_image.save(hero.filename, ContentFile(hero.draw()), save=False)
        explainer.hero_alt, explainer.hero_caption = hero.alt, hero.caption
        explainer.hero_credit = hero.credit
        explainer.hero_focal_x, explainer.hero_focal_y = hero.focal
        explainer.full_clean(exclude=["state"])
        explainer.save()
    for position, picture in enumerate(plan.figures, start=1):
        figure = Figure(
            explainer=explainer,
            position=position,
            section=picture.section,
            alt=picture.alt,
            caption=picture.caption,
            credit=picture.credit,
            focal_x=picture.focal[0],
            focal_y=picture.focal[1],
        )
        figure.image.save(picture.filename, ContentFile(picture.draw()), save=False)
        figure.full_clean()
        figure.save()


def _advance(
    plan: DemoExplainer,
    explainer: Explainer,
    users: dict[str, User],
    today: date,
    result: SeedResult,
) -> None:
    """Move a new explainer to the state the demo wants, through the real workflow.

    The writer submits, the fact-checker (not an author) checks and approves, the editor
    publishes, so the demo's audit trail, approvals and versions are the desk's own.
    """
    writer, checker, editor = users[plan.authors[0]], users[CHECKER], users[EDITOR]
    if plan.state == Explainer.State.IN_REVIEW:
        workflow.submit(explainer, by=writer, comment="Ready for fact-checking.")
        workflow.assign(explainer, by=editor, assignee=checker, due=today + timedelta(days=3))
    elif plan.state == Explainer.State.PUBLISHED:
        _publish(explainer, writer=writer, checker=checker, editor=editor, plan=plan)
        result.published.append(explainer.slug)
        if plan.correction is not None:
            _correct(explainer, plan.correction, writer=writer, checker=checker, editor=editor)


def _publish(
    explainer: Explainer,
    *,
    writer: User,
    checker: User,
    editor: User,
    change_note: str = "First publication",
    check_note: str = CHECKED,
    plan: DemoExplainer | None = None,
) -> PublishedVersion:
    # workflow.publish files the working copy's change note with the version it makes.
    Explainer.objects.filter(pk=explainer.pk).update(change_note=change_note)
    explainer.refresh_from_db()
    workflow.submit(explainer, by=writer, comment="Ready for fact-checking.")
    if plan is not None:
        _rate_claims(explainer, plan, checker=checker, editor=editor)
    _check_facts(explainer, by=checker, note=check_note)
    workflow.approve(explainer, by=checker, comment="Every key fact checked against its sources.")
    return publication.publish(explainer, by=editor, comment=change_note)


def _rate_claims(explainer: Explainer, plan: DemoExplainer, *, checker: User, editor: User) -> None:
    """Rate the plan's claims as the fact-checker, then check the ratings as the editor."""
    if not plan.ratings:
        return
    keyed = dict(
        zip(
            (details.key for details in plan.sources),
            explainer.sources.order_by("position", "pk"),
            strict=True,
        )
    )
    with reversion.create_revision():
        reversion.set_user(checker)
        reversion.set_comment("Claims rated.")
        for position, spec in enumerate(plan.ratings):
            _rate(explainer, spec, position, keyed, by=checker)
        reversion.add_to_revision(explainer)
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("Claim ratings checked.")
        explainer.claim_ratings.update(checked_by=editor, checked_at=timezone.now())
        reversion.add_to_revision(explainer)


def _rate(
    explainer: Explainer,
    spec: DemoClaimRating,
    position: int,
    keyed: dict[str, Source],
    *,
    by: User,
) -> None:
    rating = ClaimRating(
        explainer=explainer,
        viewpoint=explainer.viewpoints.get(stakeholder__slug=spec.stakeholder),
        position=position,
        claim=spec.claim,
        appearance_title=spec.appearance,
        appearance_url=spec.url,
        appeared_on=spec.appeared_on,
        rating=RatingValue.objects.get(name=spec.verdict),
        explanation=spec.explanation,
        rated_by=by,
        rated_at=timezone.now(),
    )
    rating.full_clean()
    rating.save()
    rating.sources.set([keyed[key] for key in spec.sources])


def _check_facts(explainer: Explainer, *, by: User, note: str) -> None:
    """Mark the key facts not yet verified as verified, as the checker does on the desk."""
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment("Key facts checked.")
        for fact in explainer.key_facts.exclude(check_status=KeyFact.Check.VERIFIED):
            fact.check_status, fact.check_note = KeyFact.Check.VERIFIED, note
            fact.checked_by, fact.checked_at = by, timezone.now()
            fact.full_clean()
            fact.save()
        reversion.add_to_revision(explainer)


def _correct(
    explainer: Explainer,
    correction: DemoCorrection,
    *,
    writer: User,
    checker: User,
    editor: User,
) -> None:
    """Fix the published error, add the public correction and publish the revision."""
    workflow.revise(explainer, by=editor, comment=correction.change_note)
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment(correction.change_note)
        fact = explainer.key_facts.get(position=correction.fact)
        # Reworded, so it needs checking again.
        fact.text, fact.check_status = correction.corrected, KeyFact.Check.UNCHECKED
        fact.save()
        note = Correction(explainer=explainer, kind=correction.kind, text=correction.text)
        note.full_clean()
        note.save()
        reversion.add_to_revision(explainer)
    _publish(
        explainer,
        writer=writer,
        checker=checker,
        editor=editor,
        change_note=correction.change_note,
        check_note="Rechecked against the board minutes after a reader's query.",
    )


def _count(explainer: Explainer, result: SeedResult) -> None:
    """Add the rows a new explainer brought with it to ``result.created``."""
    result.created["explainers"] += 1
    for model in (
        Byline,
        KeyFact,
        Source,
        Viewpoint,
        ClaimRating,
        TimelineEvent,
        RelatedLink,
        Correction,
        Figure,
    ):
        result.created[str(model._meta.verbose_name_plural)] += model.objects.filter(
            explainer=explainer
        ).count()


def published_slugs() -> list[str]:
    """Return the demo explainers readers can see now, in the demo's order."""
    slugs = [plan.slug for plan in EXPLAINERS]
    live = set(
        PublishedVersion.objects.live().filter(slug__in=slugs).values_list("slug", flat=True)
    )
    return [slug for slug in slugs if slug in live]
