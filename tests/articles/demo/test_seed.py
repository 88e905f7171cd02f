"""The demo seed (articles/demo/) and its command, ``manage.py seed_demo``."""

from __future__ import annotations

import datetime
import io
import re
import stat

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import demo, roles
from articles.models import (
    AuthorProfile,
    ClaimRating,
    Correction,
    Explainer,
    KeyFact,
    PublishedVersion,
    TimelineEvent,
    Transition,
    Viewpoint,
)
from articles.workflow import readiness

PUBLISHED = [e.slug for e in demo.EXPLAINERS if e.state == Explainer.State.PUBLISHED]
PLANS = {e.slug: e for e in demo.EXPLAINERS}
User = get_user_model()


@pytest.fixture
def logins_file(settings, tmp_path):
    """Development settings and a private logins file."""
    settings.DEBUG = True
    return tmp_path / "var" / "demo-logins.txt"


@pytest.fixture
def seeded(db, logins_file):
    return demo.seed(logins_file=logins_file)


def _row_counts() -> dict[str, int]:
    models = [*apps.get_app_config("articles").get_models(), User]
    counts = {m._meta.label: m._default_manager.count() for m in models}
    counts["user groups"] = User.groups.through.objects.count()
    counts["fact sources"] = KeyFact.sources.through.objects.count()
    return counts


def test_publishes_at_least_three_live_explainers(seeded):
    """Seeding leaves three or more explainers with a live published version."""
    live = PublishedVersion.objects.live()
    assert len(PUBLISHED) >= 3
    for slug in PUBLISHED:
        assert live.filter(slug=slug).count() == 1
        assert Explainer.objects.get(slug=slug).state == Explainer.State.PUBLISHED


@pytest.mark.parametrize("slug", PUBLISHED)
def test_published_explainer_passes_readiness(seeded, slug):
    """Every published demo explainer meets each publication check we can evaluate."""
    e = Explainer.objects.get(slug=slug)
    for section in (e.title, e.dek, e.what_happened, e.background, e.why_it_matters):
        assert section.strip()
    facts = list(e.key_facts.prefetch_related("sources"))
    assert 4 <= len(facts) <= 6
    for fact in facts:
        assert fact.check_status == KeyFact.Check.VERIFIED
        assert fact.checked_by.username == demo.CHECKER
        assert fact.sources.exists()
        assert all(source.explainer_id == e.pk for source in fact.sources.all())
    assert 3 <= e.sources.count() <= 6
    assert e.sources.exclude(url="").exists()
    assert e.topics.exists()
    assert e.byline_set.exists()
    assert e.viewpoints.count() >= 3


@pytest.mark.parametrize("slug", PUBLISHED)
def test_published_explainer_passes_the_checklist(seeded, slug):
    """The newsroom's own readiness checklist finds nothing to fix in a published demo."""
    assert readiness.failures(Explainer.objects.get(slug=slug)) == []


def test_review_queue_waits_only_on_fact_checks(seeded):
    """The explainer in review is complete except for the fact-checker's verdicts."""
    review = Explainer.objects.get(state=Explainer.State.IN_REVIEW)
    assert [check.key for check in readiness.failures(review)] == ["facts_verified"]


@pytest.mark.parametrize("slug", PUBLISHED)
def test_timeline_has_past_upcoming_and_watch_items(seeded, slug):
    """The timeline holds dated past events, future upcoming events and undated watch items."""
    today = timezone.localdate()
    events = TimelineEvent.objects.filter(explainer__slug=slug)
    past = events.filter(kind=TimelineEvent.Kind.PAST)
    upcoming = events.filter(kind=TimelineEvent.Kind.UPCOMING)
    watch = events.filter(kind=TimelineEvent.Kind.WATCH)
    assert past.exists() and upcoming.exists() and watch.exists()
    assert all(e.date <= today for e in past)
    assert all(e.date > today for e in upcoming)
    assert all(e.date is None and e.precision == "" for e in watch)


def test_timeline_uses_every_precision(seeded):
    """Demo events show day, month and year precision, past and upcoming."""
    events = TimelineEvent.objects.exclude(date=None)
    for kind in (TimelineEvent.Kind.PAST, TimelineEvent.Kind.UPCOMING):
        precisions = set(events.filter(kind=kind).values_list("precision", flat=True))
        assert precisions == {"day", "month", "year"}


@pytest.mark.parametrize("today", ["2026-11-27", "2026-12-31", "2029-07-01", "2034-06-15"])
def test_upcoming_events_follow_the_day_of_seeding(db, logins_file, today):
    """Upcoming dates are worked out from the seeding day, so they are always ahead of it."""
    with time_machine.travel(datetime.datetime.fromisoformat(f"{today}T12:00:00+00:00")):
        demo.seed(logins_file=logins_file)
        day = timezone.localdate()
        upcoming = TimelineEvent.objects.filter(kind=TimelineEvent.Kind.UPCOMING)
        assert upcoming.count() >= 3
        assert all(event.date > day for event in upcoming)


@pytest.mark.parametrize(
    ("when", "today", "expected"),
    [
        (demo.days_ahead(45), "2026-11-27", ("2027-01-11", "day")),
        (demo.months_ahead(4), "2026-11-27", ("2027-03-01", "month")),
        (demo.next_year(), "2026-11-27", ("2027-01-01", "year")),
        (demo.next_annual(6, 1), "2026-11-27", ("2027-06-01", "day")),
        (demo.next_annual(6, 1), "2027-05-31", ("2027-06-01", "day")),
        (demo.next_annual(6, 1), "2027-06-01", ("2028-06-01", "day")),
        (demo.next_month_among(1, 7), "2026-11-27", ("2027-01-01", "month")),
        (demo.next_month_among(1, 7), "2027-01-10", ("2027-07-01", "month")),
    ],
)
def test_resolve_when(when, today, expected):
    """Moving-date rules resolve to the right date and precision for a given day."""
    day, precision = demo.resolve_when(when, datetime.date.fromisoformat(today))
    assert (day and day.isoformat(), precision) == expected


def test_seeding_twice_changes_nothing(seeded, logins_file):
    """A second run creates no rows, reports no change and leaves the logins file alone."""
    counts, text = _row_counts(), logins_file.read_bytes()
    again = demo.seed(logins_file=logins_file)
    assert _row_counts() == counts
    assert logins_file.read_bytes() == text
    assert not again.changed
    assert again.kept == [e.slug for e in demo.EXPLAINERS]


def test_existing_explainer_is_left_as_edited(seeded, logins_file):
    """Reseeding never overwrites a demo explainer someone has edited."""
    Explainer.objects.filter(slug=PUBLISHED[0]).update(title="Edited on the desk")
    demo.seed(logins_file=logins_file)
    assert Explainer.objects.get(slug=PUBLISHED[0]).title == "Edited on the desk"


def test_deleted_explainer_is_recreated(seeded, logins_file):
    """Reseeding brings back a demo explainer that was deleted, and nothing else."""
    slug = "what-is-a-king-tide"
    Explainer.objects.filter(slug=slug).delete()
    result = demo.seed(logins_file=logins_file)
    assert Explainer.objects.filter(slug=slug).count() == 1
    assert result.created["explainers"] == 1
    assert result.created["users"] == 0


@pytest.mark.parametrize(
    ("username", "group"),
    [
        ("editor", roles.EDITOR),
        ("checker", roles.FACT_CHECKER),
        ("writer", roles.WRITER),
        ("writer2", roles.WRITER),
    ],
)
def test_account_is_staff_in_its_group(seeded, username, group):
    """Each demo account is an active staff user in exactly its role's group."""
    user = User.objects.get(username=username)
    assert user.is_staff and user.is_active and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [group]


def test_admin_is_superuser(seeded):
    """The "admin" demo account is a superuser."""
    assert User.objects.get(username="admin").is_superuser


def test_logins_file_holds_working_passwords(seeded, logins_file):
    """Every account logs in with the password the file lists; the file is owner-only."""
    saved = demo.read_logins(logins_file)
    assert set(saved) == {a.username for a in demo.ACCOUNTS}
    for username, password in saved.items():
        assert User.objects.get(username=username).check_password(password)
    assert stat.S_IMODE(logins_file.stat().st_mode) == 0o600


def test_passwords_differ_per_installation(db, logins_file, tmp_path):
    """Two installations (two logins files) get different random passwords."""
    first = demo.seed(logins_file=logins_file)
    other = demo.seed(logins_file=tmp_path / "other" / "demo-logins.txt")
    assert {x.password for x in first.logins}.isdisjoint({x.password for x in other.logins})


def test_lost_logins_file_gets_new_passwords_that_work(seeded, logins_file):
    """Without its logins file, a rerun sets and saves fresh passwords for existing users."""
    old = demo.read_logins(logins_file)
    logins_file.unlink()
    result = demo.seed(logins_file=logins_file)
    new = demo.read_logins(logins_file)
    assert sorted(result.passwords_set) == sorted(old)
    assert User.objects.get(username="editor").check_password(new["editor"])
    assert new["editor"] != old["editor"]


def test_refuses_with_debug_off_and_writes_nothing(db, logins_file, settings):
    """With DEBUG off, seeding raises and leaves the database and disk untouched."""
    settings.DEBUG = False
    with pytest.raises(demo.DemoSeedRefused, match="DEBUG is off"):
        demo.seed(logins_file=logins_file)
    assert not User.objects.exists()
    assert not Explainer.objects.exists()
    assert not logins_file.exists()


def test_command_refuses_with_debug_off(db, logins_file, settings):
    """The command turns the refusal into a CommandError that says why."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_command_prints_logins_and_urls(db, logins_file, monkeypatch):
    """The command prints every login with its password, and the site's URLs."""
    monkeypatch.setattr(demo.logins, "default_logins_file", lambda: logins_file)
    out = io.StringIO()
    call_command("seed_demo", "--base-url", "http://127.0.0.1:8012/", stdout=out)
    text = out.getvalue()
    printed = {tuple(line.split()[:2]) for line in text.splitlines() if line.strip()}
    for username, password in demo.read_logins(logins_file).items():
        assert (username, password) in printed
    assert "http://127.0.0.1:8012/admin/" in text
    for slug in PUBLISHED:
        assert f"http://127.0.0.1:8012/explainers/{slug}/" in text


def test_published_through_the_workflow(seeded):
    """Each publication is submitted by an author, approved by the checker, published by
    the editor."""
    for slug in PUBLISHED:
        moves = Transition.objects.filter(explainer__slug=slug).order_by("at", "pk")
        actors = {(t.name, t.actor.username) for t in moves}
        author = PLANS[slug].authors[0]
        assert ("submit", author) in actors
        assert ("approve", demo.CHECKER) in actors
        assert {name for name, who in actors if who == demo.EDITOR} & {"publish", "schedule"}


def test_correction_is_published_as_a_second_version(seeded):
    """The corrected explainer has an ended first version with the error, and a live second
    version with the fix and the public correction."""
    plan = PLANS["port-alder-four-day-school-week"]
    fix = plan.correction
    v1, v2 = PublishedVersion.objects.filter(explainer__slug=plan.slug).order_by("number")
    was = [fact.text for fact in demo.read_file(plan, timezone.localdate()).key_facts][fix.fact]
    assert v1.ends_at is not None and not v1.is_live()
    assert v1.data["key_facts"][fix.fact]["text"] == was != fix.corrected
    assert v2.is_live()
    assert v2.data["key_facts"][fix.fact]["text"] == fix.corrected
    assert [c["text"] for c in v2.data["corrections"]] == [fix.text]
    assert v2.change_note == fix.change_note
    assert Correction.objects.filter(explainer__slug=plan.slug).count() == 1


def test_desk_has_a_review_queue_and_a_draft(seeded):
    """One explainer waits for its assigned fact-checker, one is a draft; neither is public."""
    review = Explainer.objects.get(state=Explainer.State.IN_REVIEW)
    draft = Explainer.objects.get(state=Explainer.State.DRAFT)
    assert review.assignee.username == demo.CHECKER and review.review_due
    assert review.key_facts.filter(check_status=KeyFact.Check.UNCHECKED).exists()
    assert not PublishedVersion.objects.filter(explainer__in=[review, draft]).exists()


def test_related_links_point_at_published_explainers(seeded):
    """Every "Up next" link targets a live demo explainer, so readers never hit a 404."""
    live = set(PublishedVersion.objects.live().values_list("explainer_id", flat=True))
    for slug in PUBLISHED:
        links = Explainer.objects.get(slug=slug).related_links.all()
        assert all(link.target_id in live for link in links)
    assert any(Explainer.objects.get(slug=s).related_links.exists() for s in PUBLISHED)


def test_stakeholders_are_shared_across_explainers(seeded):
    """At least one stakeholder speaks in more than one published explainer."""
    from articles.models import Stakeholder

    shared = [
        s
        for s in Stakeholder.objects.all()
        if s.viewpoints.filter(explainer__slug__in=PUBLISHED).count() > 1
    ]
    assert shared


@pytest.mark.parametrize("slug", PUBLISHED)
def test_public_page_shows_the_explainer(seeded, client, slug):
    """Each published demo explainer opens on the public site."""
    response = client.get(f"/explainers/{slug}/")
    assert response.status_code == 200
    assert Explainer.objects.get(slug=slug).title.replace("'", "&#x27;") in response.text


def test_an_explainer_has_a_hero_and_a_chart(seeded, client):
    """The leap-second explainer is published with its drawn hero and, after its background,
    the chart: both as pictures of renditions, with alt text, caption and credit."""
    html = client.get("/explainers/leap-second-retirement/").text
    hero = html.split('<figure class="hero">', 1)[1].split("</figure>", 1)[0]
    assert "<picture>" in hero and 'fetchpriority="high"' in hero
    assert "Illustration: The Newsroom" in hero
    background = html.split('id="background"', 1)[1].split("</section>", 1)[0]
    assert '<figure class="figure">' in background and 'loading="lazy"' in background
    assert "Bar chart: UTC was 10 seconds behind" in background
    assert "/media/renditions/figures/" in background


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staged_history_sends_no_mail(logins_file, mailoutbox):
    """The workflow's after-commit mail about the staged demo moves is not sent."""
    demo.seed(logins_file=logins_file)
    assert Transition.objects.filter(name="submit").exists()
    assert mailoutbox == []


@pytest.mark.parametrize("slug", list(PLANS))
def test_explainer_is_its_file_imported(seeded, slug):
    """Each demo explainer has its file's title, key facts and stakeholders, in order."""
    parsed = demo.read_file(PLANS[slug], timezone.localdate())
    e = Explainer.objects.get(slug=slug)
    facts = [fact.text for fact in parsed.key_facts]
    if PLANS[slug].correction:
        facts[PLANS[slug].correction.fact] = PLANS[slug].correction.corrected
    assert e.title == parsed.title
    assert list(e.key_facts.order_by("position").values_list("text", flat=True)) == facts
    names = e.viewpoints.order_by("position").values_list("stakeholder__name", flat=True)
    assert list(names) == [viewpoint.name for viewpoint in parsed.viewpoints]


def test_viewpoints_land_on_the_casts_stakeholders(seeded):
    """The files' stakeholder names match the cast's stakeholders: the import adds none."""
    from articles.models import Stakeholder

    assert Stakeholder.objects.count() == len(demo.cast.STAKEHOLDERS)


def test_timeline_text_does_not_repeat_its_date(seeded):
    """A file's "June 28, 2021: …" bullet becomes an event dated June 28 without that prefix."""
    event = TimelineEvent.objects.get(explainer__slug="what-is-a-heat-dome", position=0)
    assert (event.date, event.precision) == (datetime.date(2021, 6, 28), "day")
    assert event.text == "Portland, Oregon, and Seattle set all-time high temperature records."


def test_draft_with_a_changed_slug_is_left_alone(seeded, logins_file):
    """A demo draft whose slug was changed on the desk is matched on its title, not re-imported."""
    draft = Explainer.objects.get(slug="what-is-a-king-tide")
    Explainer.objects.filter(pk=draft.pk).update(slug="king-tides", dek="Edited on the desk")
    result = demo.seed(logins_file=logins_file)
    draft.refresh_from_db()
    assert (draft.slug, draft.dek) == ("king-tides", "Edited on the desk")
    assert not result.changed


@pytest.mark.parametrize("slug", list(PLANS))
def test_export_gives_back_the_file(db, logins_file, slug):
    """Seeded on the day the files were written, an explainer exports as its file (corrected)."""
    from articles.interchange.exporter import to_text

    plan = PLANS[slug]
    with time_machine.travel(datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.UTC)):
        demo.seed(logins_file=logins_file)
        expected = (demo.EXPLAINERS_DIR / f"{slug}.txt").read_text(encoding="utf-8")
        if plan.correction:
            was = demo.read_file(plan, timezone.localdate()).key_facts[plan.correction.fact].text
            expected = expected.replace(was, plan.correction.corrected)
        assert to_text(Explainer.objects.get(slug=slug)) == expected


@pytest.mark.parametrize("slug", PUBLISHED)
def test_every_published_explainer_opens_with_what_to_know(seeded, client, slug):
    """Each published demo explainer shows three to five takeaways at the top."""
    html = client.get(f"/explainers/{slug}/").content.decode()
    block = re.search(r'<section id="what-to-know".*?</section>', html, re.S)
    assert block is not None
    assert 3 <= block.group(0).count("<li>") <= 5


def test_the_demo_has_a_quoted_viewpoint_with_its_source(seeded, client):
    """A published demo explainer shows a direct quote attributed to one of its sources."""
    quoted = Viewpoint.objects.exclude(quote="").filter(
        explainer__state=Explainer.State.PUBLISHED, quote_source__isnull=False
    )
    viewpoint = quoted.select_related("explainer").first()
    assert viewpoint is not None
    html = client.get(viewpoint.explainer.get_absolute_url()).content.decode()
    assert f"<blockquote><p>{viewpoint.quote}</p></blockquote>" in html
    assert re.search(r"Direct quote</span>, from <a href=\"#source-\d+\">source \d+</a>", html)


def test_the_writers_have_bios_on_their_author_pages(seeded, client):
    profile = AuthorProfile.objects.get(user__username="writer")
    assert profile.slug == "mira-castellanos" and profile.bio
    html = client.get("/authors/mira-castellanos/").content.decode()
    assert profile.bio.split(".")[0] in html


def test_a_published_demo_explainer_carries_a_rated_claim(seeded, client):
    """The demo shows claim ratings: rated by the fact-checker, checked by the editor, on the
    public page beside the viewpoint and as ClaimReview JSON-LD."""
    ratings = ClaimRating.objects.select_related("explainer", "rated_by", "checked_by")
    assert ratings.exists()
    assert {(r.rated_by.username, r.checked_by.username) for r in ratings} == {
        ("checker", "editor")
    }
    explainer = ratings.first().explainer
    assert explainer.slug in PUBLISHED
    html = client.get(explainer.get_absolute_url()).content.decode()
    for rating in ratings:
        assert rating.claim in html
        assert f"<strong>{rating.rating.name}</strong>" in html
    assert html.count('"@type":"ClaimReview"') == ratings.count()
