"""The explainer's shape as readers get it: What to know, quotes, What to watch, sources cited
by facts, the correction banner and the "Corrected" card, frozen at publish time."""

from __future__ import annotations

import datetime
import re

import pytest

from articles.site import reads as public
from articles.snapshot import content_digest, snapshot
from tests import factories
from tests.articles.publicsite import publish

pytestmark = pytest.mark.django_db


def body(version) -> str:
    return version.body_html


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match is not None, section_id
    return match.group(0)


def test_what_to_know_leads_the_page_in_order():
    """The takeaways are a "What to know" list above the contents, in the editor's order."""
    explainer = factories.ExplainerFactory(takeaways="First point.\nSecond point.\nThird point.")
    html = body(publish(explainer))
    block = section(html, "what-to-know")
    assert re.findall(r"<li>(.*?)</li>", block) == ["First point.", "Second point.", "Third point."]
    assert html.index('id="what-to-know"') < html.index('class="toc"')


def test_no_takeaways_no_block():
    """An explainer without takeaways (an old one) has no empty "What to know" block."""
    html = body(publish(factories.ExplainerFactory(takeaways="")))
    assert "what-to-know" not in html


def test_takeaways_are_escaped():
    """A takeaway is plain text: markup in it is shown, never run."""
    explainer = factories.ExplainerFactory(takeaways="<script>alert(1)</script>\nB\nC")
    html = body(publish(explainer))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_what_to_watch_is_its_own_section_in_the_contents():
    """Upcoming events and items to watch have their own section, listed in the contents, apart
    from the past events of the timeline."""
    explainer = factories.ExplainerFactory()
    factories.TimelineEventFactory(explainer=explainer, kind="past", text="It began.")
    factories.TimelineEventFactory(
        explainer=explainer, kind="upcoming", date=datetime.date(2030, 5, 1), text="A vote."
    )
    html = body(publish(explainer))
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    assert '<a href="#what-to-watch">What to watch</a>' in toc
    assert "A vote." in section(html, "what-to-watch")
    assert "A vote." not in section(html, "timeline")
    assert "It began." in section(html, "timeline")


def test_what_to_watch_dates_read_as_dates_at_their_precision():
    """A month or year reads "by June 2027" / "by 2028", a day as the day; "No date yet" only
    for an undated item."""
    explainer = factories.ExplainerFactory()
    for date, precision, text in [
        (datetime.date(2027, 6, 1), "month", "Month item."),
        (datetime.date(2028, 1, 1), "year", "Year item."),
        (datetime.date(2027, 3, 14), "day", "Day item."),
        (None, "", "Undated item."),
    ]:
        factories.TimelineEventFactory(
            explainer=explainer, kind="watch", date=date, precision=precision, text=text
        )
    watch = section(body(publish(explainer)), "what-to-watch")
    assert 'by <time datetime="2027-06">June 2027</time>' in watch
    assert 'by <time datetime="2028">2028</time>' in watch
    assert '<span class="timeline-date"><time datetime="2027-03-14">March 14, 2027</time>' in watch
    assert watch.count("No date yet") == 1


def test_what_to_watch_is_in_the_order_of_the_watch_page(client):
    """The section lists its items in /watch/'s order: by the end of the period each date
    stands for (a day in March before "by March", "by March" before a day in April), undated
    last, whatever the timeline's order."""
    explainer = factories.ExplainerFactory()
    rows = [
        (None, "", "watch", "Undated."),
        (datetime.date(2027, 4, 2), "day", "upcoming", "April the 2nd."),
        (datetime.date(2027, 3, 1), "month", "watch", "By March."),
        (datetime.date(2027, 3, 20), "day", "upcoming", "March the 20th."),
        (datetime.date(2027, 1, 1), "year", "watch", "By 2027."),
    ]
    for position, (date, precision, kind, text) in enumerate(rows):
        factories.TimelineEventFactory(
            explainer=explainer,
            date=date,
            precision=precision,
            kind=kind,
            text=text,
            position=position,
        )
    version = publish(explainer)
    watch = section(body(version), "what-to-watch")
    on_page = re.findall(r"<p>(.*?)</p>", watch)
    assert on_page == ["March the 20th.", "By March.", "April the 2nd.", "By 2027.", "Undated."]
    watch_page = [item.text for item in public.watch_items(dated=True, limit=10)]
    watch_page += [item.text for item in public.watch_items(dated=False, limit=10)]
    assert on_page == watch_page


def test_each_source_lists_the_facts_citing_it_with_links_back():
    """A source says which key facts cite it, linking to their anchors; the facts link back."""
    explainer = factories.ExplainerFactory()
    first = factories.SourceFactory(explainer=explainer, position=0)
    second = factories.SourceFactory(explainer=explainer, position=1)
    factories.KeyFactFactory(explainer=explainer, position=0, sources=[first])
    factories.KeyFactFactory(explainer=explainer, position=1, sources=[second])
    factories.KeyFactFactory(explainer=explainer, position=2, sources=[first, second])
    html = body(publish(explainer))
    assert '<li id="fact-1">' in html and '<li id="fact-3">' in html
    sources = section(html, "sources")
    first_li = re.search(r'<li id="source-1".*?</li>', sources, re.S).group(0)
    assert 'Cited by facts <a href="#fact-1">1</a>, <a href="#fact-3">3</a>.' in first_li
    second_li = re.search(r'<li id="source-2".*?</li>', sources, re.S).group(0)
    assert 'Cited by facts <a href="#fact-2">2</a>, <a href="#fact-3">3</a>.' in second_li
    facts = section(html, "key-facts")
    assert 'href="#source-2"' in facts


def test_a_source_no_fact_cites_says_nothing_of_facts():
    explainer = factories.ExplainerFactory()
    factories.SourceFactory(explainer=explainer, position=0)
    assert "Cited by" not in body(publish(explainer))


def test_quote_from_a_source_is_a_blockquote_apart_from_the_summary():
    """A quoted viewpoint shows the paraphrase labelled as ours and the quote in a blockquote,
    labelled as a direct quote and attributed to the numbered source."""
    explainer = factories.ExplainerFactory()
    factories.SourceFactory(explainer=explainer, position=0, citation="First report")
    source = factories.SourceFactory(explainer=explainer, position=1, citation="Board minutes")
    factories.ViewpointFactory(
        explainer=explainer,
        text="They back the plan.",
        quote="We back it fully.",
        quote_source=source,
    )
    viewpoints = section(body(publish(explainer)), "stakeholders")
    assert '<span class="viewpoint-label">Our summary:</span> They back the plan.' in viewpoints
    assert "<blockquote><p>We back it fully.</p></blockquote>" in viewpoints
    assert re.search(
        r'<span class="viewpoint-label">Direct quote</span>, from '
        r'<a href="#source-2">source 2</a>: <cite>Board minutes</cite>',
        viewpoints,
    )


def test_quote_with_its_own_link_and_date():
    """A quote from elsewhere links where it was said, with the date, and cites that link."""
    explainer = factories.ExplainerFactory()
    factories.ViewpointFactory(
        explainer=explainer,
        quote="Premiums follow risk.",
        quote_url="https://example.org/statement",
        quote_date=datetime.date(2026, 3, 3),
    )
    viewpoints = section(body(publish(explainer)), "stakeholders")
    assert '<blockquote cite="https://example.org/statement">' in viewpoints
    assert (
        '<a href="https://example.org/statement" rel="noopener noreferrer">said on '
        '<time datetime="2026-03-03">March 3, 2026</time></a>'
    ) in viewpoints


def test_a_viewpoint_without_quote_has_no_blockquote():
    explainer = factories.ExplainerFactory()
    factories.ViewpointFactory(explainer=explainer, text="Only our words.")
    viewpoints = section(body(publish(explainer)), "stakeholders")
    assert "blockquote" not in viewpoints and "Only our words." in viewpoints


def test_correction_banner_says_what_the_latest_note_corrected():
    """The banner under the header gives the latest note's kind, date and text."""
    explainer = factories.ExplainerFactory()
    factories.CorrectionFactory(
        explainer=explainer, dated=datetime.date(2026, 1, 5), text="Old note text."
    )
    factories.CorrectionFactory(
        explainer=explainer, dated=datetime.date(2026, 2, 9), text="We misstated the cost."
    )
    html = body(publish(explainer))
    banner = re.search(r'<p class="notice-corrected">.*?</p>', html, re.S).group(0)
    assert "We misstated the cost." in banner and "Old note text." not in banner
    assert '<time datetime="2026-02-09">February 9, 2026</time>' in banner
    assert 'href="#corrections"' in banner


def test_card_says_corrected_once_a_correction_is_published():
    """A card says "Corrected" from the version that carries a correction on; a clarification
    alone does not make it say so."""
    explainer = factories.complete_explainer()
    first = publish(explainer)
    assert "Corrected" not in first.card_html
    factories.CorrectionFactory(
        explainer=explainer, kind="clarification", text="We made a sentence clearer."
    )
    clarified = publish(explainer)
    assert "Corrected" not in clarified.card_html
    factories.CorrectionFactory(explainer=explainer, text="We gave the wrong year.")
    corrected = publish(explainer)
    assert '<span class="card-corrected">Corrected</span>' in corrected.card_html
    assert public.newest_cards(5) == [corrected.card_html]


def test_snapshot_carries_takeaways_and_quotes():
    """The snapshot (what approval fingerprints and publishing freezes) holds the takeaways and
    each viewpoint's quote, its source by number."""
    explainer = factories.ExplainerFactory(takeaways=" One.\n\n  Two  words.\nThree.")
    source = factories.SourceFactory(explainer=explainer, position=0)
    factories.ViewpointFactory(explainer=explainer, quote="Said so.", quote_source=source)
    factories.ViewpointFactory(explainer=explainer, text="No quote here.")
    data = snapshot(explainer)
    assert data["takeaways"] == ["One.", "Two words.", "Three."]
    assert data["viewpoints"][0]["quote"] == {
        "text": "Said so.",
        "source": 1,
        "url": "",
        "date": None,
    }
    assert data["viewpoints"][1]["quote"] is None


def test_fingerprint_of_text_without_takeaways_or_quotes_is_unchanged():
    """Empty takeaways and quotes leave the fingerprint as it was before they existed, so an
    approval given then still matches; filling either changes it."""
    explainer = factories.ExplainerFactory(takeaways="")
    factories.ViewpointFactory(explainer=explainer)
    data = snapshot(explainer)
    older = {key: value for key, value in data.items() if key != "takeaways"}
    older["viewpoints"] = [
        {k: v for k, v in viewpoint.items() if k != "quote"} for viewpoint in data["viewpoints"]
    ]
    assert content_digest(data) == content_digest(older)
    assert content_digest({**data, "takeaways": ["New."]}) != content_digest(data)


def test_version_keeps_what_was_published_not_later_edits():
    """Takeaways and quotes edited after publication stay out of the live page."""
    explainer = factories.ExplainerFactory(takeaways="Published one.\nTwo.\nThree.")
    viewpoint = factories.ViewpointFactory(explainer=explainer, text="Published words.")
    version = publish(explainer)
    explainer.takeaways = "Unpublished one.\nTwo.\nThree."
    explainer.save()
    viewpoint.quote, viewpoint.quote_url = "Unpublished quote.", "https://example.org/x"
    viewpoint.quote_date = datetime.date(2026, 1, 1)
    viewpoint.save()
    version.refresh_from_db()
    assert "Published one." in version.body_html
    assert "Unpublished" not in version.body_html
