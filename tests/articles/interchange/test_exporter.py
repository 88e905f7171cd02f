"""Tests for articles.interchange.exporter and ``manage.py export_explainer``."""

from __future__ import annotations

import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils.text import slugify
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from articles.interchange import exporter
from articles.interchange.importer import import_parsed, import_text
from articles.interchange.planning import name_key
from articles.interchange.textformat import (
    ParsedEvent,
    ParsedExplainer,
    ParsedFact,
    ParsedRelated,
    ParsedSource,
    ParsedViewpoint,
    find_date,
    format_event_date,
    is_heading,
    parse,
    write,
)
from tests.factories import (
    ExplainerFactory,
    KeyFactFactory,
    SourceFactory,
    StakeholderFactory,
    TimelineEventFactory,
    TopicFactory,
    ViewpointFactory,
)
from tests.paths import SAMPLE

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)
D = datetime.date

# The keys of the JSON export, documented in docs/import-export.md: changing them is a
# breaking change for whoever reads the exports.
JSON_KEYS = {
    "schema",
    "title",
    "slug",
    "dek",
    "takeaways",
    "what_happened",
    "background",
    "why_it_matters",
    "topics",
    "authors",
    "hero",
    "key_facts",
    "sources",
    "viewpoints",
    "timeline",
    "corrections",
    "related",
}


def read(text: str) -> ParsedExplainer:
    return parse(text, filename="export.txt", today=TODAY)


# --- rich text to paragraphs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        ("<p>One.</p>\n<p>Two.</p>", ["One.", "Two."]),
        ("<p>&lt;script&gt; &amp; &quot;q&quot; &#x27;a&#x27;</p>", ["<script> & \"q\" 'a'"]),
        ("<p>Bold <strong>words</strong> and <em>more</em>.</p>", ["Bold words and more."]),
        ("<p>Line one<br>line two</p>", ["Line one line two"]),
        ("<h3>A heading</h3><p>Text.</p>", ["A heading", "Text."]),
        ("<ul><li>First</li><li>Second</li></ul>", ["- First", "- Second"]),
        ("<ol><li>First</li><li>Second</li></ol>", ["1. First", "2. Second"]),
        ("<blockquote><p>Quoted.</p></blockquote>", ["Quoted."]),
        (
            '<p>See <a href="https://example.org/x">the report</a>.</p>',
            ["See the report (https://example.org/x)."],
        ),
        (
            '<p><a href="https://example.org/">https://example.org/</a></p>',
            ["https://example.org/"],
        ),
        ("Bare text<p>Then a paragraph.</p>", ["Bare text", "Then a paragraph."]),
        ("<p>&nbsp;</p><p>  spaced\n  out  </p>", ["spaced out"]),
        ("", []),
    ],
)
def test_html_to_paragraphs(html: str, paragraphs: list[str]) -> None:
    """Each block of rich text becomes one plain paragraph; entities become characters."""
    assert exporter.html_to_paragraphs(html) == paragraphs


# --- text export --------------------------------------------------------------------------------


def test_sample_exports_to_its_canonical_text() -> None:
    """The imported sample exports to exactly the canonical text of the parsed file."""
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not available")
    data = SAMPLE.read_bytes()
    explainer = import_text(data, filename=SAMPLE.name, today=TODAY).explainer
    assert exporter.to_text(explainer) == write(read(data.decode()))


def test_export_of_admin_built_explainer() -> None:
    """An explainer built in the admin (rich text, linked sources) exports every part."""
    explainer = ExplainerFactory(
        title="The budget",
        what_happened="<p>It <strong>passed</strong>.</p><ul><li>By 3 votes</li></ul>",
        background="",
        why_it_matters="<p>Money &amp; taxes.</p>",
    )
    source = SourceFactory(explainer=explainer, citation="Vote record", url="https://ex.org/v")
    KeyFactFactory(explainer=explainer, text="It passed.", sources=[source])
    ViewpointFactory(
        explainer=explainer, stakeholder=StakeholderFactory(name="Treasury"), text="Pleased."
    )
    TimelineEventFactory(explainer=explainer, date=D(2026, 3, 1), precision="month", text="Vote")
    other = ExplainerFactory(title="Taxes explained")
    explainer.related_links.create(target=other, position=0)
    explainer.related_links.create(title="Not written yet", position=1)
    assert exporter.to_text(explainer) == (
        "The budget\n\n"
        "What to know\n- The first thing to know.\n- The second thing to know.\n"
        "- The third thing to know.\n\n"
        "What happened\nIt passed.\n\n- By 3 votes\n\n"
        "Key facts\n- It passed.\n\n"
        "Background & context\n\n"
        "Why it matters\nMoney & taxes.\n\n"
        "Stakeholders & viewpoints\n- Treasury: Pleased.\n\n"
        # The event's text does not give its date, so the export puts it in front.
        "Timeline & what to watch next\n- March 2026: Vote\n\n"
        "Sources\n- Vote record - https://ex.org/v\n\n"
        "Up Next\n- Taxes explained\n- Not written yet\n"
    )


def test_timeline_is_exported_in_written_order() -> None:
    """The export keeps the timeline's positions, not the date order of the public page."""
    explainer = import_text(
        "T\n\nTimeline & what to watch next\n- Watch this.\n- In 2020.\n- In 2010.\n",
        today=TODAY,
    ).explainer
    assert [e.text for e in exporter.to_parsed(explainer).timeline] == [
        "Watch this.",
        "In 2020.",
        "In 2010.",
    ]


def test_bare_link_source_exports_as_the_link_alone() -> None:
    """A source stored with its link as citation goes back out as just the link."""
    explainer = import_text("T\n\nSources\n- https://ex.org/a\n", today=TODAY).explainer
    assert "Sources\n- https://ex.org/a\n" in exporter.to_text(explainer)


@pytest.mark.parametrize(
    ("title", "html", "problem"),
    [
        ("Sources", "", 'the title "Sources" reads as a section heading'),
        ("T", "<p>sources:</p>", 'the one-word paragraph "sources:" reads as a section heading'),
    ],
)
def test_export_problems_are_reported(title: str, html: str, problem: str) -> None:
    """What the format cannot carry back is named before export."""
    explainer = ExplainerFactory(title=title, what_happened=html)
    (found,) = exporter.export_problems(exporter.to_parsed(explainer))
    assert found.startswith(problem)


def test_export_problems_empty_for_ordinary_text() -> None:
    """An ordinary explainer has nothing the export cannot carry."""
    assert exporter.export_problems(exporter.to_parsed(ExplainerFactory())) == []


# --- JSON export --------------------------------------------------------------------------------


def test_json_export_has_the_documented_keys() -> None:
    """The JSON export is the snapshot, with exactly the documented top-level keys."""
    explainer = ExplainerFactory(topics=[TopicFactory(name="Money", slug="money")])
    data = json.loads(exporter.to_json(explainer))
    assert set(data) == JSON_KEYS
    assert data["schema"] == 1
    assert data["topics"][0] | {"id": None} == {"id": None, "name": "Money", "slug": "money"}


def test_json_export_items_have_the_documented_keys() -> None:
    """Each list item of the JSON export has its documented keys."""
    text = (
        "T\n\nKey facts\n- A.\nStakeholders & viewpoints\n- X: y\n"
        "Timeline & what to watch next\n- 2020\nSources\n- R https://ex.org/r\nUp Next\n- Later\n"
    )
    data = json.loads(exporter.to_json(import_text(text, today=TODAY).explainer))
    assert set(data["key_facts"][0]) == {"text", "check", "checked_by", "checked_at", "sources"}
    assert set(data["sources"][0]) == {
        "number",
        "citation",
        "publisher",
        "url",
        "published_on",
        "accessed_on",
        "kind",
    }
    assert set(data["viewpoints"][0]) == {"stakeholder", "text", "quote"}
    assert set(data["viewpoints"][0]["stakeholder"]) == {"id", "name", "slug", "kind"}
    assert data["timeline"] == [
        {"date": "2020-01-01", "precision": "year", "kind": "past", "text": "2020", "source": None}
    ]
    assert data["related"] == [{"slug": None, "title": "Later", "id": None}]


# --- the command --------------------------------------------------------------------------------


def export(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export_explainer", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_writes_text_to_stdout() -> None:
    """export_explainer SLUG prints the canonical text."""
    explainer = import_text("T\n\nKey facts\n- A.\n", today=TODAY).explainer
    out, _ = export(explainer.slug)
    assert out == exporter.to_text(explainer)


def test_command_writes_json() -> None:
    """--format json prints the JSON document."""
    explainer = ExplainerFactory()
    out, _ = export(explainer.slug, "--format", "json")
    assert json.loads(out)["slug"] == explainer.slug


def test_command_writes_to_a_file(tmp_path: Path) -> None:
    """-o FILE writes the export there, UTF-8, and nothing to stdout."""
    explainer = ExplainerFactory(title="Café € explained")
    target = tmp_path / "out.txt"
    out, _ = export(explainer.slug, "-o", str(target))
    assert out == ""
    assert target.read_text(encoding="utf-8").startswith("Café € explained\n")


def test_command_unknown_slug_fails() -> None:
    """An unknown slug is a clear command error."""
    with pytest.raises(CommandError, match="No explainer with slug “nope”"):
        export("nope")


def test_command_warns_about_what_will_not_read_back() -> None:
    """The command warns on standard error when the text will not read back exactly."""
    explainer = ExplainerFactory(title="Sources")
    _, err = export(explainer.slug)
    assert "reads as a section heading" in err


# --- round trip ---------------------------------------------------------------------------------

_CHARS = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufeff")
_BARE_SCHEME = re.compile(r"(?i)(javascript|vbscript|data|file|blob|filesystem|mailto|tel)\s*:")


def _clean(text: str) -> str:
    return " ".join(text.split())


_words = st.text(_CHARS, min_size=1, max_size=30).map(_clean).filter(bool)
_titles = _words.filter(lambda t: not is_heading(t))
_paragraphs = st.one_of(
    _words.filter(lambda t: not (is_heading(t) and " " not in t)),
    st.sampled_from(["Key facts", "Background and context", "<script>alert(1)</script> & co"]),
)
_names = _words.filter(lambda t: ": " not in t)
_citations = _words.filter(lambda t: "://" not in t and not _BARE_SCHEME.search(t))
_urls = st.builds(
    "{}://{}{}".format,
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z]{2,6}){1,2}", fullmatch=True),
    st.from_regex(r"(/[A-Za-z0-9_~%=&#-]{0,12}){0,3}", fullmatch=True),
)


def _kind(date: datetime.date | None, precision: str) -> str:
    if date is None:
        return "watch"
    parts = {"day": 3, "month": 2, "year": 1}[precision]
    return "upcoming" if date.timetuple()[:parts] > TODAY.timetuple()[:parts] else "past"


@st.composite
def _events(draw: st.DrawFn) -> ParsedEvent:
    if draw(st.booleans()):
        text = draw(_words)
        assume(find_date(text) is None)
        return ParsedEvent(text, None, "", "watch")
    precision = draw(st.sampled_from(["day", "month", "year"]))
    date = draw(st.dates(min_value=D(1000, 1, 1), max_value=D(2999, 12, 31)))
    date = {"day": date, "month": date.replace(day=1), "year": date.replace(month=1, day=1)}[
        precision
    ]
    text = _clean(f"{draw(_words)} {format_event_date(date, precision)}")
    assume(find_date(text) == (date, precision))
    return ParsedEvent(text, date, precision, _kind(date, precision))


@st.composite
def _explainers(draw: st.DrawFn) -> ParsedExplainer:
    title = draw(_titles)
    # One viewpoint per stakeholder: names differ however they are cased or spaced.
    names = draw(st.lists(_names, max_size=3, unique_by=name_key))
    related = draw(
        st.lists(
            _words.filter(lambda t: t.casefold() != title.casefold() and t != slugify(title)[:200]),
            max_size=2,
        )
    )
    return ParsedExplainer(
        title=title,
        what_happened=draw(st.lists(_paragraphs, max_size=3)),
        key_facts=[ParsedFact(t) for t in draw(st.lists(_words, max_size=3))],
        background=draw(st.lists(_paragraphs, max_size=2)),
        why_it_matters=draw(st.lists(_paragraphs, max_size=2)),
        viewpoints=[ParsedViewpoint(name, draw(_words)) for name in names],
        timeline=draw(st.lists(_events(), max_size=4)),
        sources=draw(
            st.lists(
                st.one_of(
                    st.builds(ParsedSource, _citations, _urls),
                    st.builds(ParsedSource, st.just(""), _urls),
                    st.builds(ParsedSource, _citations, st.just("")),
                ),
                max_size=3,
            )
        ),
        related=[ParsedRelated(t) for t in related],
    )


@settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(_explainers())
def test_export_then_import_gives_the_same_explainer(db, explainer: ParsedExplainer) -> None:
    """Import, export, import the export: the same explainer every time."""
    with transaction.atomic():
        stored = import_parsed(explainer).explainer
        assert exporter.to_parsed(stored).content() == explainer.content()
        text = exporter.to_text(stored)
        assert read(text).content() == explainer.content()
        again = import_text(text, today=TODAY)
        assert (again.created, again.explainer.pk) == (False, stored.pk)
        assert exporter.to_parsed(again.explainer).content() == explainer.content()
        assert exporter.to_text(again.explainer) == text
        transaction.set_rollback(True)
