"""Tests for articles.interchange.importer: plain text into the database, atomically."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Revision, Version

from articles.interchange.importer import (
    ImportRefused,
    import_parsed,
    import_text,
    paragraphs_to_html,
)
from articles.interchange.planning import StakeholderIndex
from articles.interchange.textformat import FormatErrors, parse
from articles.models import (
    Explainer,
    KeyFact,
    PublishedVersion,
    RelatedLink,
    Stakeholder,
    TimelineEvent,
    Transition,
    Viewpoint,
)
from articles.publishing import freeze as publishing
from articles.workflow import readiness
from tests.articles.workflow_helpers import explainer_in
from tests.factories import ExplainerFactory, StakeholderFactory, TopicFactory, UserFactory
from tests.paths import SAMPLE

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)
State = Explainer.State
SH = "Stakeholders & viewpoints"
TL = "Timeline & what to watch next"


def doc(*body: str, title: str = "A title") -> str:
    return "\n".join([title, "", *body]) + "\n"


def load(text: str, filename: str = "x.txt", **options):
    return import_text(text, filename=filename, today=TODAY, **options)


def errors_of(text: str, **options) -> list[str]:
    with pytest.raises(FormatErrors) as caught:
        load(text, **options)
    return [str(error) for error in caught.value.errors]


def counts() -> dict[str, int]:
    """Return the number of rows of every model of the project, and of reversion's history."""
    models = [*apps.get_app_config("articles").get_models(), Revision, Version]
    return {model._meta.label: model._default_manager.count() for model in models}


# --- the sample ---------------------------------------------------------------------------------


@pytest.fixture
def sample_explainer() -> Explainer:
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not available")
    return load(SAMPLE.read_bytes(), filename=SAMPLE.name).explainer


def test_sample_title_and_state(sample_explainer: Explainer) -> None:
    """The sample becomes a draft with exactly its title."""
    assert sample_explainer.title == "Allison Mack Opens Up About NXIVM Role After Release"
    assert sample_explainer.slug == "allison-mack-opens-up-about-nxivm-role-after-release"
    assert sample_explainer.state == State.DRAFT


def test_sample_key_facts_are_unchecked(sample_explainer: Explainer) -> None:
    """The sample's four key facts are stored in order, every one unchecked."""
    facts = list(sample_explainer.key_facts.order_by("position"))
    assert len(facts) == 4
    assert {f.check_status for f in facts} == {KeyFact.Check.UNCHECKED}
    assert facts[3].text == "The interview was reported by NBC News on November 11, 2025."


def test_sample_stakeholders(sample_explainer: Explainer) -> None:
    """The sample gives three new stakeholders, each with one viewpoint."""
    viewpoints = list(sample_explainer.viewpoints.order_by("position"))
    assert [v.stakeholder.name for v in viewpoints] == [
        "Allison Mack",
        "NXIVM victims",
        "General public",
    ]
    assert Stakeholder.objects.count() == 3


def test_sample_timeline(sample_explainer: Explainer) -> None:
    """The sample's timeline: one event dated 2025-11-11 at day precision, three watch items."""
    events = list(sample_explainer.timeline.order_by("position"))
    assert len(events) == 4
    first, *watch = events
    assert (first.date, first.precision, first.kind) == (
        datetime.date(2025, 11, 11),
        TimelineEvent.Precision.DAY,
        TimelineEvent.Kind.PAST,
    )
    assert [(e.date, e.precision, e.kind) for e in watch] == [(None, "", "watch")] * 3


def test_sample_has_no_sources_or_related(sample_explainer: Explainer) -> None:
    """The sample's empty Sources and Up Next sections give no rows."""
    assert not sample_explainer.sources.exists()
    assert not sample_explainer.related_links.exists()


def test_sample_paragraphs_become_rich_text(sample_explainer: Explainer) -> None:
    """Each paragraph section holds one <p>, quotes and all kept as text."""
    assert sample_explainer.what_happened.startswith("<p>Allison Mack, known for her role in ")
    assert sample_explainer.what_happened.count("<p>") == 1
    assert sample_explainer.background.count("<p>") == 1
    assert sample_explainer.why_it_matters.count("<p>") == 1


def test_sample_fails_readiness_on_sources_and_unverified_facts(
    sample_explainer: Explainer,
) -> None:
    """The imported sample is not ready: no source, facts not verified (nor sourced)."""
    failed = {check.key for check in readiness.failures(sample_explainer)}
    assert {"sources", "facts_verified", "facts_sourced"} <= failed
    assert "key_facts" not in failed and "title" not in failed


# --- rich text ----------------------------------------------------------------------------------


def test_paragraphs_to_html_escapes_markup() -> None:
    """<, > and & in a paragraph are text in the stored HTML."""
    html = paragraphs_to_html(["<script>alert(1)</script> & <b>bold</b>", "Two"])
    assert html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;</p>\n<p>Two</p>"
    )


def test_markup_in_input_is_stored_as_text() -> None:
    """HTML typed in a file survives the sanitiser as escaped text, not as markup."""
    explainer = load(
        doc("What happened", "<script>alert(1)</script> <img src=x onerror=alert(2)>")
    ).explainer
    explainer.refresh_from_db()
    assert "<script" not in explainer.what_happened
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in explainer.what_happened
    assert "&lt;img src=x onerror=alert(2)&gt;" in explainer.what_happened


def test_plain_text_fields_keep_the_text_as_typed() -> None:
    """Key facts, viewpoints and events are plain text fields: stored exactly as typed."""
    explainer = load(
        doc(
            "Key facts",
            "- Fact <b>one</b> & more",
            SH,
            "- A & B: say <i>no</i>",
            TL,
            "- <em>2025</em>",
        )
    ).explainer
    assert explainer.key_facts.get().text == "Fact <b>one</b> & more"
    viewpoint = explainer.viewpoints.get()
    assert (viewpoint.stakeholder.name, viewpoint.text) == ("A & B", "say <i>no</i>")
    assert explainer.timeline.get().text == "<em>2025</em>"


# --- stakeholders -------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["allison MACK", "Allison  Mack", "ALLISON MACK"])
def test_stakeholder_matches_name_case_insensitively(written: str) -> None:
    """A viewpoint links to the existing stakeholder whatever the case and spacing."""
    mack = StakeholderFactory(name="Allison Mack")
    explainer = load(doc(SH, f"- {written}: She spoke.")).explainer
    assert explainer.viewpoints.get().stakeholder == mack
    assert Stakeholder.objects.count() == 1


def test_stakeholder_matches_an_alias() -> None:
    """A viewpoint under an alias links to the stakeholder that carries it."""
    doj = StakeholderFactory(name="US Department of Justice", aliases="DOJ\nJustice Department\n")
    explainer = load(doc(SH, "- justice department: Prosecuted.")).explainer
    assert explainer.viewpoints.get().stakeholder == doj


def test_name_wins_over_another_stakeholders_alias() -> None:
    """When a name is one stakeholder's name and another's alias, the name wins."""
    named = StakeholderFactory(name="Mack")
    StakeholderFactory(name="Allison Mack", aliases="Mack")
    explainer = load(doc(SH, "- Mack: Spoke.")).explainer
    assert explainer.viewpoints.get().stakeholder == named


def test_new_stakeholder_gets_a_free_slug() -> None:
    """A new name creates a stakeholder whose slug does not collide with an existing one."""
    StakeholderFactory(name="Someone else", slug="general-public")
    load(doc(SH, "- General public: Watches."))
    created = Stakeholder.objects.get(name="General public")
    assert created.slug == "general-public-2"


def test_new_stakeholder_kind_is_not_yet_set() -> None:
    """A stakeholder an import creates has the kind "unknown", not a guessed one."""
    load(doc(SH, "- Allison Mack: She spoke."))
    assert Stakeholder.objects.get().kind == Stakeholder.Kind.UNKNOWN


def test_existing_stakeholder_keeps_its_kind() -> None:
    """An import that names an existing stakeholder leaves the kind someone set."""
    StakeholderFactory(name="Allison Mack", kind=Stakeholder.Kind.PERSON)
    load(doc(SH, "- Allison Mack: She spoke."))
    assert Stakeholder.objects.get().kind == Stakeholder.Kind.PERSON


def test_same_stakeholder_twice_is_an_error() -> None:
    """Two viewpoints of one stakeholder (by name and alias) is an error at the second line."""
    StakeholderFactory(name="US Department of Justice", aliases="DOJ")
    text = doc(SH, "- US Department of Justice: One.", "- doj: Two.")
    assert errors_of(text) == [
        'x.txt:5: "doj" is the same stakeholder as "US Department of Justice" (line 4); '
        "give each stakeholder one viewpoint"
    ]
    assert not Explainer.objects.exists()


def test_same_new_name_twice_is_an_error() -> None:
    """Two viewpoints under the same new name (any case) is an error."""
    text = doc(SH, "- Voters: One.", "- VOTERS: Two.")
    assert errors_of(text)[0].startswith('x.txt:5: "VOTERS" is the same stakeholder as "Voters"')
    assert not Stakeholder.objects.exists()


def test_stakeholder_name_too_long_is_an_error() -> None:
    """A stakeholder name longer than the column is an error naming the line."""
    text = doc(SH, "- " + "N" * 201 + ": Too long.")
    assert errors_of(text) == ["x.txt:4: stakeholder name is longer than 200 characters (201)"]


def test_index_learns_new_stakeholders_only_after_commit() -> None:
    """A file that fails after creating stakeholders leaves the shared index unchanged."""
    index = StakeholderIndex.load()
    author = UserFactory(username="no_rights", is_staff=True)
    with pytest.raises(ImportRefused):
        # A user without permission to submit: the move fails after everything was written.
        load(doc(SH, "- Voters: One."), stakeholders=index, authors=[author], submit=True)
    assert index.find("Voters") is None
    assert not Stakeholder.objects.exists()
    load(doc(SH, "- Voters: One."), stakeholders=index)
    assert index.find("voters") == Stakeholder.objects.get().pk


def test_stale_index_still_links_the_stakeholder() -> None:
    """A stakeholder created after the index was loaded is matched, not duplicated."""
    index = StakeholderIndex.load()
    voters = StakeholderFactory(name="Voters", slug="voters")
    explainer = load(doc(SH, "- voters: Decide."), stakeholders=index).explainer
    assert explainer.viewpoints.get().stakeholder == voters
    assert Stakeholder.objects.count() == 1


# --- timeline -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bullet", "date", "precision", "kind"),
    [
        ("- Vote held on November 11, 2025.", datetime.date(2025, 11, 11), "day", "past"),
        ("- Hearing on 2027-01-05.", datetime.date(2027, 1, 5), "day", "upcoming"),
        ("- Ruling expected in Nov. 2026.", datetime.date(2026, 11, 1), "month", "past"),
        ("- Ruling expected in March 2027.", datetime.date(2027, 3, 1), "month", "upcoming"),
        ("- Elections in 2028.", datetime.date(2028, 1, 1), "year", "upcoming"),
        ("- Whether the law survives.", None, "", "watch"),
    ],
)
def test_timeline_event_dates(bullet: str, date, precision: str, kind: str) -> None:
    """Each timeline bullet is stored with its date, precision and kind per docs/text-format.md."""
    explainer = load(doc(TL, bullet)).explainer
    event = explainer.timeline.get()
    assert (event.date, event.precision, event.kind) == (date, precision, kind)
    assert event.text == bullet[2:]


def test_timeline_keeps_file_order_in_positions() -> None:
    """Events keep the file's order as their positions."""
    explainer = load(doc(TL, "- Watch this.", "- In 2020.", "- In 2010.")).explainer
    texts = list(explainer.timeline.order_by("position").values_list("text", flat=True))
    assert texts == ["Watch this.", "In 2020.", "In 2010."]


# --- sources ------------------------------------------------------------------------------------


def test_sources_are_stored_with_citation_and_link() -> None:
    """A source bullet gives its citation and its http(s) link, in order."""
    explainer = load(
        doc(
            "Sources",
            "- NBC News interview - https://www.nbcnews.com/a/b",
            "- Court filing, no link",
            "- https://example.org/only-a-link",
        )
    ).explainer
    rows = list(explainer.sources.order_by("position").values_list("citation", "url"))
    assert rows == [
        ("NBC News interview", "https://www.nbcnews.com/a/b"),
        ("Court filing, no link", ""),
        # The citation is required: a bare link is its own citation.
        ("https://example.org/only-a-link", "https://example.org/only-a-link"),
    ]


def test_javascript_source_is_an_error_and_writes_nothing() -> None:
    """A javascript: link is refused with file and line; nothing is written."""
    text = doc("Key facts", "- A fact.", "Sources", "- Click javascript:alert(1)")
    assert errors_of(text) == [
        'x.txt:6: source has a "javascript:" link; only http:// and https:// links are allowed'
    ]
    assert not Explainer.objects.exists() and not KeyFact.objects.exists()


def test_source_link_that_is_not_a_web_address_is_an_error() -> None:
    """An http link the URL validator refuses (no host name) is an error at its line."""
    assert errors_of(doc("Sources", "- Memo http://nohost")) == [
        'x.txt:4: source link "http://nohost" is not a web address'
    ]


def test_source_citation_too_long_is_an_error() -> None:
    """A citation longer than the column is an error naming the line."""
    assert errors_of(doc("Sources", "- " + "c" * 1001)) == [
        "x.txt:4: source citation is longer than 1000 characters (1001)"
    ]


# --- related ------------------------------------------------------------------------------------


def test_related_resolves_by_title_and_slug() -> None:
    """An Up Next bullet links the explainer it names, by title (any case) or slug."""
    by_title = ExplainerFactory(title="The Budget Explained", slug="budget")
    by_slug = ExplainerFactory(title="Something", slug="what-the-court-said")
    result = load(doc("Up Next", "- the budget explained", "- what-the-court-said"))
    links = list(result.explainer.related_links.order_by("position"))
    assert [(link.target, link.title) for link in links] == [(by_title, ""), (by_slug, "")]
    assert result.warnings == []


def test_unresolved_related_is_kept_with_a_warning() -> None:
    """An Up Next title that is not an explainer yet is kept as a title, with a warning."""
    result = load(doc("Up Next", "- A story not written yet"))
    link = result.explainer.related_links.get()
    assert (link.target, link.title) == (None, "A story not written yet")
    assert result.warnings == [
        'x.txt:4: "Up next" names "A story not written yet": no live explainer with that '
        "title; its title is kept for linking later"
    ]


def _warning_for(title: str) -> str:
    return (
        f'x.txt:4: "Up next" names "{title}": no live explainer with that title; its title is '
        "kept for linking later"
    )


@pytest.fixture
def hidden(other_writer, editor) -> dict[str, Explainer]:
    """Another writer's draft and embargoed explainer, and their live one."""
    embargoed = ExplainerFactory(title="Embargoed story", authors=[other_writer])
    publishing.freeze(embargoed, by=editor, go_live_at=timezone.now() + datetime.timedelta(days=2))
    live = ExplainerFactory(title="Live story", authors=[other_writer])
    publishing.freeze(live, by=editor)
    draft = ExplainerFactory(title="Hidden draft", authors=[other_writer])
    return {"draft": draft, "embargoed": embargoed, "live": live}


@pytest.mark.parametrize("name", ["draft", "embargoed"])
def test_related_the_importer_may_not_open_reads_as_unknown(writer, hidden, name) -> None:
    """Naming a draft or embargoed explainer one cannot open links nothing and warns exactly
    as naming a title that does not exist."""
    title = hidden[name].title
    result = load(doc("Up Next", f"- {title}"), by=writer, authors=[writer])
    link = result.explainer.related_links.get()
    assert (link.target, link.title) == (None, title)
    assert result.warnings == [_warning_for(title)]


@pytest.mark.parametrize("name", ["draft", "embargoed"])
def test_related_by_slug_the_importer_may_not_open_reads_as_unknown(writer, hidden, name):
    """Naming it by its address instead of its title does not link it either."""
    slug = hidden[name].slug
    result = load(doc("Up Next", f"- {slug}"), by=writer, authors=[writer])
    assert result.explainer.related_links.get().target is None
    assert result.warnings == [_warning_for(slug)]


def test_related_live_explainer_of_another_writer_is_linked(writer, hidden) -> None:
    """A live explainer may be named by anyone: readers see it anyway."""
    result = load(doc("Up Next", "- Live story"), by=writer, authors=[writer])
    assert result.explainer.related_links.get().target == hidden["live"]
    assert result.warnings == []


def test_related_own_draft_is_linked(writer) -> None:
    """A writer's own draft may be named in their import."""
    own = ExplainerFactory(title="My other draft", authors=[writer])
    result = load(doc("Up Next", "- My other draft"), by=writer, authors=[writer])
    assert result.explainer.related_links.get().target == own


def test_related_on_the_command_line_follows_its_author(writer, hidden) -> None:
    """The command with --author (no ``by``) links only what that author may name."""
    result = load(doc("Up Next", "- Hidden draft", "- Live story"), authors=[writer])
    links = result.explainer.related_links.order_by("position")
    assert [link.target for link in links] == [None, hidden["live"]]


def test_related_on_the_command_line_without_author_may_name_any(hidden) -> None:
    """An operator's import naming no person links any explainer, as the database holds it."""
    result = load(doc("Up Next", "- Hidden draft"))
    assert result.explainer.related_links.get().target == hidden["draft"]


def test_related_naming_itself_is_an_error() -> None:
    """An Up Next bullet naming the explainer itself is an error (it cannot link to itself)."""
    assert errors_of(doc("Up Next", "- a title", title="A title")) == [
        'x.txt:4: "Up next" names this explainer itself'
    ]


# --- parser errors and atomicity ----------------------------------------------------------------


def test_parser_errors_name_file_and_line() -> None:
    """Errors of the format reach the caller with file name and line, nothing written."""
    text = doc(SH, "- No separator here")
    assert errors_of(text) == ['x.txt:4: stakeholder bullet has no "name: viewpoint" separator']
    assert not Explainer.objects.exists()


def _long_file(last_line: str) -> str:
    return doc(
        "Up Next",
        "- Another story",
        "What happened",
        "It happened.",
        "Key facts",
        "- One.",
        "- Two.",
        SH,
        "- New person: Says so.",
        TL,
        "- On May 1, 2025.",
        "Sources",
        "- Report https://example.org/r",
        last_line,
    )


@pytest.mark.parametrize(
    "last_line",
    ["- Click javascript:alert(1)", "- Copy http://nohost"],
    ids=["format-error", "database-rule"],
)
def test_error_on_last_line_leaves_database_unchanged(last_line: str) -> None:
    """An error on the last line (parser or database rule) writes nothing at all."""
    StakeholderFactory(name="Existing")
    before = counts()
    with pytest.raises(FormatErrors):
        load(_long_file(last_line))
    assert counts() == before


def test_failure_after_writing_rolls_everything_back(monkeypatch) -> None:
    """A failure in the very last write undoes every row written before it."""
    before = counts()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(RelatedLink.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        load(_long_file("- Another report"))
    assert counts() == before


def test_refused_submit_rolls_everything_back(fact_checker) -> None:
    """A submit the author may not make leaves nothing of the import behind."""
    before = counts()
    with pytest.raises(ImportRefused, match="may not submit"):
        load(_long_file("- Another report"), authors=[fact_checker], submit=True)
    assert counts() == before


# --- options ------------------------------------------------------------------------------------


def test_authors_and_topics_are_added(writer, other_writer) -> None:
    """Authors get bylines in order; topics are set."""
    topic = TopicFactory()
    explainer = load(doc("Key facts", "- A."), authors=[writer, other_writer], topics=[topic])
    explainer = explainer.explainer
    assert [b.author for b in explainer.byline_set.order_by("position")] == [writer, other_writer]
    assert list(explainer.topics.all()) == [topic]


def test_submit_sends_the_draft_for_review(writer) -> None:
    """With submit, the import ends in review, the move recorded as the author's."""
    result = load(doc("Key facts", "- A."), authors=[writer], submit=True)
    assert result.explainer.state == State.IN_REVIEW
    move = Transition.objects.get(explainer=result.explainer)
    assert (move.name, move.actor) == ("submit", writer)


def test_submit_needs_a_person() -> None:
    """Submitting with nobody to make the move is refused before anything is written."""
    with pytest.raises(ImportRefused, match="needs a person"):
        load(doc("Key facts", "- A."), submit=True)
    assert not Explainer.objects.exists()


def test_import_is_a_history_revision(writer) -> None:
    """An import is recorded as a django-reversion revision naming the file."""
    result = load(doc("Key facts", "- A."), filename="budget.txt", authors=[writer])
    revision = Revision.objects.get()
    assert revision.comment == "Created by importing budget.txt."
    assert revision.user == writer
    assert Version.objects.get_for_object(result.explainer).count() == 1


def test_adding_needs_permission(fact_checker) -> None:
    """A person importing through the admin needs permission to add explainers."""
    with pytest.raises(ImportRefused, match="may not add explainers"):
        load(doc("Key facts", "- A."), by=fact_checker)


# --- re-import ----------------------------------------------------------------------------------


def test_reimport_updates_a_draft(writer) -> None:
    """A file with the title of a draft updates that draft instead of adding one."""
    first = load(doc("What happened", "Old.", "Key facts", "- Old fact."), authors=[writer])
    second = load(
        doc("What happened", "New.", "Key facts", "- New fact.", title="a TITLE"),
        authors=[writer],
    )
    assert second.created is False
    assert second.explainer.pk == first.explainer.pk
    explainer = Explainer.objects.get()
    assert (explainer.title, explainer.slug) == ("a TITLE", "a-title")
    assert explainer.what_happened == "<p>New.</p>"
    assert list(explainer.key_facts.values_list("text", flat=True)) == ["New fact."]
    assert explainer.byline_set.count() == 1


def test_reimport_matches_by_slug() -> None:
    """A file whose title gives an existing explainer's slug updates that explainer."""
    existing = ExplainerFactory(title="Budget: the explainer", slug="budget-the-explainer")
    result = load(doc("Key facts", "- A.", title="Budget, the explainer"))
    assert result.explainer.pk == existing.pk
    assert Explainer.objects.count() == 1


def test_reimport_keeps_what_the_format_does_not_carry(writer) -> None:
    """Dek, slug and topics of the updated draft are kept."""
    topic = TopicFactory()
    existing = ExplainerFactory(
        title="A title", slug="kept-slug", dek="Kept.", authors=[writer], topics=[topic]
    )
    load(doc("What happened", "New."))
    existing.refresh_from_db()
    assert (existing.slug, existing.dek, list(existing.topics.all())) == (
        "kept-slug",
        "Kept.",
        [topic],
    )


def test_reimport_keeps_checks_of_unchanged_facts(writer, fact_checker) -> None:
    """A fact whose text did not change keeps its check and its unchanged sources."""
    text = doc("Key facts", "- Same.", "- Old.", "Sources", "- Report https://example.org/r")
    explainer = load(text).explainer
    source = explainer.sources.get()
    same = explainer.key_facts.get(text="Same.")
    same.check_status, same.checked_by = KeyFact.Check.VERIFIED, fact_checker
    same.checked_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    same.save()
    same.sources.set([source])
    load(doc("Key facts", "- New.", "- Same.", "Sources", "- Report https://example.org/r"))
    facts = {f.text: f for f in KeyFact.objects.all()}
    assert set(facts) == {"New.", "Same."}
    assert facts["Same."].check_status == KeyFact.Check.VERIFIED
    assert facts["Same."].position == 1
    assert list(facts["Same."].sources.all()) == [source]
    assert facts["New."].check_status == KeyFact.Check.UNCHECKED


def test_reimport_replaces_viewpoints_timeline_and_related() -> None:
    """The updated draft holds exactly the re-imported viewpoints, events and links."""
    load(doc(SH, "- A: one.", TL, "- 2020.", "Up Next", "- Later"))
    explainer = load(doc(SH, "- B: two.", TL, "- Watch.")).explainer
    assert [v.stakeholder.name for v in explainer.viewpoints.all()] == ["B"]
    assert list(explainer.timeline.values_list("text", flat=True)) == ["Watch."]
    assert not explainer.related_links.exists()
    assert Viewpoint.objects.count() == 1 and TimelineEvent.objects.count() == 1


def test_reimport_bumps_the_lock_version() -> None:
    """An open change form built before the re-import is refused as stale when saved."""
    explainer = load(doc("Key facts", "- A.")).explainer
    before = Explainer.objects.get(pk=explainer.pk).lock_version
    load(doc("Key facts", "- B."))
    assert Explainer.objects.get(pk=explainer.pk).lock_version == before + 1


@pytest.mark.parametrize("state", [State.IN_REVIEW, State.APPROVED, State.PUBLISHED])
def test_reimport_of_reviewed_explainer_is_refused(writer, state: str) -> None:
    """A re-import does not touch an explainer past draft; the message says what to do."""
    existing = explainer_in(state, authors=[writer], title="A title")
    before = counts()
    with pytest.raises(ImportRefused) as caught:
        load(doc("What happened", "Replaced."), authors=[writer])
    assert str(caught.value) == (
        f'x.txt: "A title" (/{existing.slug}/) already exists and is '
        f"{existing.get_state_display().lower()}; a re-import only updates a draft. Import it "
        'as a new revision to send it back to draft with this text ("As a new revision" on the '
        "import page, --new-revision on the command line)."
    )
    assert counts() == before


def test_reimport_of_archived_explainer_is_refused_even_as_revision(writer) -> None:
    """An archived explainer must be restored before a re-import."""
    explainer_in(State.ARCHIVED, authors=[writer], title="A title")
    with pytest.raises(ImportRefused, match="restore it to draft"):
        load(doc("What happened", "Replaced."), authors=[writer], new_revision=True)


def test_new_revision_of_published_explainer(writer) -> None:
    """A new revision sends the published working copy back to draft; readers keep theirs."""
    existing = explainer_in(State.PUBLISHED, authors=[writer], title="A title")
    live = PublishedVersion.objects.live().get(explainer=existing)
    live_data = live.data
    result = load(doc("What happened", "Revised."), authors=[writer], new_revision=True)
    assert (result.explainer.pk, result.revised, result.created) == (existing.pk, True, False)
    existing.refresh_from_db()
    assert existing.state == State.DRAFT
    assert existing.what_happened == "<p>Revised.</p>"
    assert existing.approved_digest == ""
    move = Transition.objects.filter(explainer=existing).latest()
    assert (move.name, move.from_state, move.to_state, move.actor) == (
        "revise",
        "published",
        "draft",
        writer,
    )
    live.refresh_from_db()
    assert live.data == live_data and live.is_live()


def test_new_revision_can_be_submitted_at_once(writer) -> None:
    """A new revision with submit goes straight back into review."""
    existing = explainer_in(State.PUBLISHED, authors=[writer], title="A title")
    load(doc("What happened", "Revised."), authors=[writer], new_revision=True, submit=True)
    existing.refresh_from_db()
    assert existing.state == State.IN_REVIEW


def test_reimport_over_someone_elses_draft_is_refused(writer, other_writer) -> None:
    """Through the admin a writer may not update another writer's draft by re-importing."""
    draft = ExplainerFactory(title="A title", authors=[other_writer])
    with pytest.raises(ImportRefused, match="is not available to you"):
        load(doc("What happened", "Mine now."), by=writer, authors=[writer])
    draft.refresh_from_db()
    assert draft.authors.get() == other_writer


def test_refusal_over_a_draft_one_cannot_open_does_not_confirm_it(writer, other_writer) -> None:
    """The refusal repeats the file's own title only: not the draft's title, address or state."""
    ExplainerFactory(title="Secret Plans", slug="secret-plans", authors=[other_writer])
    with pytest.raises(ImportRefused) as caught:
        load(doc("What happened", "Guess.", title="SECRET plans"), by=writer, authors=[writer])
    message = str(caught.value)
    assert message == (
        'x.txt: the title "SECRET plans" is not available to you; give the file another '
        "title, or ask an editor"
    )


def test_reimport_over_one_the_user_may_open_but_not_edit_says_why(fact_checker) -> None:
    """Someone who may open the explainer (a fact-checker, in review) is told it exists."""
    explainer_in(State.IN_REVIEW, title="A title")
    with pytest.raises(ImportRefused, match="already exists and you may not edit it"):
        load(doc("What happened", "Mine now."), by=fact_checker, authors=[fact_checker])


def test_title_matching_two_explainers_one_invisible_names_neither(writer, other_writer) -> None:
    """A title matching someone else's draft and one's own is refused without naming either."""
    ExplainerFactory(title="Other words", slug="a-title", authors=[writer])
    ExplainerFactory(title="A TITLE", slug="something-else", authors=[other_writer])
    with pytest.raises(ImportRefused) as caught:
        load(doc("What happened", "Which one?"), by=writer, authors=[writer])
    assert "is not available to you" in str(caught.value)
    assert "something-else" not in str(caught.value)


def test_title_matching_two_explainers_is_refused() -> None:
    """A file whose title matches one explainer and slug another is refused, not guessed."""
    ExplainerFactory(title="Other words", slug="a-title")
    ExplainerFactory(title="A TITLE", slug="something-else")
    with pytest.raises(ImportRefused, match="matches more than one explainer"):
        load(doc("What happened", "Which one?"))


# --- speed --------------------------------------------------------------------------------------


def test_queries_per_file_do_not_grow_with_the_content() -> None:
    """An import costs about the same few queries for 2 or 40 items per section."""

    def file(n: int, title: str) -> str:
        return doc(
            "Key facts",
            *[f"- Fact {i}." for i in range(n)],
            SH,
            *[f"- Person {title} {i}: Says {i}." for i in range(n)],
            TL,
            *[f"- On May {i % 28 + 1}, 2025." for i in range(n)],
            "Sources",
            *[f"- Report {i} https://example.org/{i}" for i in range(n)],
            title=title,
        )

    index = StakeholderIndex.load()
    import_parsed(parse(file(1, "Warm-up"), filename="x.txt", today=TODAY), stakeholders=index)
    sizes = {}
    for n, title in [(2, "Small"), (40, "Large")]:
        parsed = parse(file(n, title), filename="x.txt", today=TODAY)
        with CaptureQueriesContext(connection) as queries:
            import_parsed(parsed, stakeholders=index)
        sizes[n] = len(queries)
    # Only SQLite's batches of at most 999 values may take one more statement.
    assert sizes[40] - sizes[2] <= 1
    # About a dozen to write the file; the history revision reads each inline once and checks
    # that its rows exist, a query per model, whatever the number of rows.
    assert sizes[40] <= 32
