"""The plain-text explainer format (articles.interchange.textformat, docs/text-format.md)."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from articles.interchange.textformat import (
    HEADINGS,
    MAX_FILE_BYTES,
    FormatError,
    FormatErrors,
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
from tests.paths import SAMPLE

TODAY = datetime.date(2026, 11, 27)
D = datetime.date


def read(text: str | bytes, filename: str = "x.txt") -> ParsedExplainer:
    return parse(text, filename=filename, today=TODAY)


def errors(text: str | bytes, filename: str = "x.txt") -> list[str]:
    with pytest.raises(FormatErrors) as caught:
        read(text, filename)
    return [str(error) for error in caught.value.errors]


def doc(*body: str, title: str = "A title") -> str:
    return "\n".join([title, "", *body]) + "\n"


# --- the sample ---------------------------------------------------------------------------------


@pytest.fixture
def sample() -> ParsedExplainer:
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not available")
    return parse(SAMPLE.read_bytes(), filename=SAMPLE.name, today=TODAY)


def test_sample_title(sample: ParsedExplainer) -> None:
    """The sample's first line is its title."""
    assert sample.title == "Allison Mack Opens Up About NXIVM Role After Release"


def test_sample_paragraph_sections(sample: ParsedExplainer) -> None:
    """Each paragraph section of the sample holds one paragraph."""
    assert len(sample.what_happened) == 1
    assert sample.what_happened[0].startswith("Allison Mack, known for her role")
    assert len(sample.background) == 1
    assert len(sample.why_it_matters) == 1


def test_sample_key_facts(sample: ParsedExplainer) -> None:
    """The sample has four key facts, on lines 6 to 9."""
    assert [fact.line for fact in sample.key_facts] == [6, 7, 8, 9]
    assert sample.key_facts[3].text == (
        "The interview was reported by NBC News on November 11, 2025."
    )


def test_sample_viewpoints(sample: ParsedExplainer) -> None:
    """The sample has three stakeholders, named before the first ": "."""
    assert [v.name for v in sample.viewpoints] == [
        "Allison Mack",
        "NXIVM victims",
        "General public",
    ]
    assert sample.viewpoints[0].text.startswith("As a central figure")


def test_sample_timeline(sample: ParsedExplainer) -> None:
    """The sample has one past dated event and three undated items to watch."""
    first, *rest = sample.timeline
    assert (first.date, first.precision, first.kind) == (D(2025, 11, 11), "day", "past")
    assert first.text == "Allison Mack's interview was published on November 11, 2025."
    assert [(e.date, e.precision, e.kind) for e in rest] == [(None, "", "watch")] * 3


def test_sample_empty_sections(sample: ParsedExplainer) -> None:
    """The sample's Sources and Up Next sections are empty, and it raises no warning."""
    assert sample.sources == []
    assert sample.related == []
    assert sample.warnings == []


def test_sample_round_trips(sample: ParsedExplainer) -> None:
    """Writing the sample and reading it back gives the same content."""
    assert read(write(sample)).content() == sample.content()


# --- encoding and line endings ------------------------------------------------------------------


def test_byte_order_mark_is_ignored() -> None:
    """A UTF-8 byte-order mark does not become part of the title."""
    assert read(b"\xef\xbb\xbf" + doc("Sources").encode()).title == "A title"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_line_endings(newline: str) -> None:
    """LF, CRLF and CR line endings read the same, with the same line numbers."""
    text = newline.join(["Title", "", "Key facts", "- one", "  wrapped", "- two"])
    explainer = read(text.encode())
    assert [(f.text, f.line) for f in explainer.key_facts] == [("one wrapped", 4), ("two", 6)]


def test_last_line_without_newline() -> None:
    """The last line needs no newline."""
    assert read("Title\nKey facts\n- only").key_facts[0].text == "only"


def test_str_input_is_accepted() -> None:
    """Text may be passed as str as well as bytes."""
    assert read(doc("Up Next", "- Other")).related == [ParsedRelated("Other", 4)]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"Ti\xfftle\nSources\n", 1),
        (b"Title\n\nSources\n- caf\xe9\n", 4),
        (b"Title\r\n\r\nSources\r\n- \xc3\n", 4),
        (b"Title\r\rSources\r- ok\r- bad \x80\r", 5),
        (b"\xef\xbb\xbfTitle\n\xff", 2),
    ],
)
def test_invalid_utf8_names_file_and_line(data: bytes, line: int) -> None:
    """Invalid UTF-8 is an error on the line of the bad byte."""
    [message] = errors(data, "bad.txt")
    assert message.startswith(f"bad.txt:{line}: not valid UTF-8")


def test_lone_surrogate_in_str_is_an_error() -> None:
    """A str holding a lone surrogate cannot be UTF-8 and is rejected with its line."""
    [message] = errors("Title\nSources\n- \ud800\n")
    assert message.startswith("x.txt:3: not valid UTF-8")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_character_is_an_error(char: str) -> None:
    """Control characters other than tab and line breaks are errors on their line."""
    assert errors(doc("What happened", f"bad{char}text")) == [
        f"x.txt:4: control character U+{ord(char):04X} in text"
    ]


def test_tabs_and_form_feeds_are_whitespace() -> None:
    """Tab, vertical tab and form feed are whitespace, not errors."""
    assert read(doc("What happened", "a\tb\x0bc\x0cd")).what_happened == ["a b c d"]


# --- headings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("What happened", "what_happened"),
        ("WHAT HAPPENED:", "what_happened"),
        ("Key Facts:", "key_facts"),
        ("  key   facts  ", "key_facts"),
        ("Key facts :", "key_facts"),
        ("Background & context", "background"),
        ("Background and context", "background"),
        ("background&context", "background"),
        ("Why it matters", "why_it_matters"),
        ("Stakeholders and viewpoints:", "viewpoints"),
        ("Timeline and what to watch next", "timeline"),
        ("Timeline & What To Watch Next:", "timeline"),
        ("SOURCES", "sources"),
        ("up next:", "related"),
    ],
)
def test_heading_variants(heading: str, field: str) -> None:
    """Headings match trimmed, in any case, with an optional colon and "&" for "and"."""
    bullet = "- Name: text" if field == "viewpoints" else "- item"
    explainer = read(doc(heading, bullet))
    assert getattr(explainer, field), field


@pytest.mark.parametrize(
    "line", ["Key facts and more", "Key facts::", "- Key facts", "Key", "Source", "Upnext"]
)
def test_not_headings(line: str) -> None:
    """Lines that only resemble a heading are not headings."""
    assert not is_heading(line)


def test_section_order_does_not_matter() -> None:
    """Sections may come in any order."""
    explainer = read(doc("Up Next", "- Later", "Key facts", "- A fact", "What happened", "Text"))
    assert explainer.related[0].title == "Later"
    assert explainer.key_facts[0].text == "A fact"
    assert explainer.what_happened == ["Text"]


def test_absent_sections_are_empty() -> None:
    """A file may leave out any section."""
    explainer = read(doc("Why it matters", "Because."))
    assert explainer.what_happened == [] and explainer.key_facts == []
    assert explainer.why_it_matters == ["Because."]


def test_repeated_heading_names_both_lines() -> None:
    """A repeated heading is an error naming its line and the first one."""
    text = doc("Key facts", "- one", "What happened", "Text", "key facts:", "- two")
    assert errors(text) == ['x.txt:7: repeated section heading "Key facts" (first at line 3)']


def test_repeated_section_is_still_checked() -> None:
    """Errors inside a repeated section are reported too."""
    text = doc("Stakeholders & viewpoints", "- A: b", "Stakeholders and viewpoints", "- nobody")
    assert errors(text) == [
        'x.txt:5: repeated section heading "Stakeholders & viewpoints" (first at line 3)',
        'x.txt:6: stakeholder bullet has no "name: viewpoint" separator',
    ]


def test_unknown_heading_in_paragraph_section_is_text() -> None:
    """An unknown heading-like line is part of the paragraph section it stands in."""
    text = doc("What happened", "First.", "", "Further reading", "", "Second.")
    assert read(text).what_happened == ["First.", "Further reading", "Second."]


def test_unknown_heading_in_bullet_section_continues_bullet() -> None:
    """An unknown heading-like line in a bullet section continues the bullet above."""
    assert read(doc("Key facts", "- One", "Further reading")).key_facts == [
        ParsedFact("One Further reading", 4)
    ]


@pytest.mark.parametrize(
    ("line", "meant"),
    [
        ("Key fact", "Key facts"),
        ("Timeline", "Timeline & what to watch next"),
        ("What to watch next:", "Timeline & what to watch next"),
        ("Stakeholders", "Stakeholders & viewpoints"),
        ("Source", "Sources"),
    ],
)
def test_near_heading_gives_a_warning(line: str, meant: str) -> None:
    """A line close to a known heading is read as text, with a warning naming its line."""
    explainer = read(doc("What happened", "Text.", line, "More."))
    assert explainer.what_happened == [f"Text. {line} More."]
    assert explainer.warnings == [
        f'x.txt:5: "{line}" is not a known section heading (did you mean "{meant}"?); '
        'read as text of "What happened"'
    ]


def test_ordinary_text_gives_no_warning() -> None:
    """Sentences and unrelated short lines raise no heading warning."""
    assert (
        read(doc("What happened", "The timeline.", "Weather", "Key facts matter a lot")).warnings
        == []
    )


def test_no_known_heading_is_an_error() -> None:
    """A file without any known heading is an error."""
    assert errors("Title\n\nSome text\nMore text\n") == [
        'x.txt:1: no section heading found (such as "What happened" or "Key facts")'
    ]


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"])
def test_empty_file_is_an_error(text: str) -> None:
    """An empty or blank file is an error on line 1."""
    assert errors(text) == ["x.txt:1: file is empty"]


# --- title --------------------------------------------------------------------------------------


def test_title_is_first_non_blank_line_normalised() -> None:
    """The title is the first non-blank line, with its whitespace tidied."""
    assert read("\n\n   A   spaced\ttitle  \nSources\n").title == "A spaced title"


def test_heading_as_first_line_means_no_title() -> None:
    """A file that starts with a heading has no title, which is an error."""
    assert errors("\nWhat happened\nText\n") == [
        'x.txt:2: the file has no title: its first line is the heading "What happened"'
    ]


def test_text_between_title_and_first_heading_is_an_error() -> None:
    """Text between the title and the first heading is an error, reported once."""
    assert errors("Title\nsubtitle\nmore\nWhat happened\nText\n") == [
        "x.txt:2: text before the first section heading"
    ]


@pytest.mark.parametrize(("length", "ok"), [(200, True), (201, False)])
def test_title_length_limit(length: int, ok: bool) -> None:
    """A title may be up to 200 characters long."""
    text = doc("Sources", title="t" * length)
    if ok:
        assert len(read(text).title) == length
    else:
        assert errors(text) == ["x.txt:1: title is longer than 200 characters (201)"]


# --- paragraphs ---------------------------------------------------------------------------------


def test_paragraphs_split_at_blank_lines() -> None:
    """Blank lines separate paragraphs; single newlines inside a paragraph become spaces."""
    text = doc("Background & context", "One", "  continues  here", "", "", "Two   words", "   ")
    assert read(text).background == ["One continues here", "Two words"]


def test_dash_line_in_paragraph_section_is_text() -> None:
    """A "- " line in a paragraph section is ordinary text."""
    assert read(doc("Why it matters", "- not a bullet")).why_it_matters == ["- not a bullet"]


@pytest.mark.parametrize("section", ["What happened", "Key facts"])
def test_markup_is_kept_as_typed(section: str) -> None:
    """<, > and & are kept as text; escaping is the renderer's job."""
    line = "<b>Bold</b> & <script>alert(1)</script>"
    explainer = read(doc(section, f"- {line}" if section == "Key facts" else line))
    texts = explainer.what_happened or [fact.text for fact in explainer.key_facts]
    assert texts == [line]


# --- bullets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bullet", ["- item", "* item", "• item", "   - item", "-\titem", "•  item"]
)
def test_bullet_markers(bullet: str) -> None:
    """Bullets start with "- ", "* " or "• ", optionally indented."""
    assert read(doc("Key facts", bullet)).key_facts == [ParsedFact("item", 4)]


def test_continuation_lines_join_with_one_space() -> None:
    """Non-bullet lines continue the bullet above, even after a blank line."""
    text = doc("Key facts", "- Long fact", "    wrapped   here", "", "and here", "- Next")
    assert read(text).key_facts == [
        ParsedFact("Long fact wrapped here and here", 4),
        ParsedFact("Next", 8),
    ]


def test_marker_needs_following_space() -> None:
    """A dash glued to text ("-5 degrees") is not a bullet but a continuation."""
    assert read(doc("Key facts", "- Cold", "-5 degrees")).key_facts == [
        ParsedFact("Cold -5 degrees", 4)
    ]


def test_only_the_first_marker_is_stripped() -> None:
    """A bullet's text may itself start with a dash."""
    assert read(doc("Key facts", "- - nested")).key_facts == [ParsedFact("- nested", 4)]


@pytest.mark.parametrize("empty", ["-", "- ", "*", "•   "])
def test_empty_bullets_are_dropped(empty: str) -> None:
    """A bullet with no text is ignored."""
    assert read(doc("Sources", empty, "Up Next", empty)).sources == []


def test_text_before_first_bullet_is_an_error() -> None:
    """Text before the first bullet of a bullet section is an error, reported once."""
    text = doc("Key facts", "", "Intro text", "more intro", "- fact")
    assert errors(text) == ['x.txt:5: text before the first bullet of "Key facts"']


@pytest.mark.parametrize(("count", "ok"), [(200, True), (201, False)])
def test_bullet_count_limit(count: int, ok: bool) -> None:
    """A section may hold up to 200 bullets."""
    text = doc("Key facts", *(f"- fact {i}" for i in range(count)))
    if ok:
        assert len(read(text).key_facts) == count
    else:
        assert errors(text) == ['x.txt:204: more than 200 bullets in "Key facts"']


# --- stakeholders -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bullet", "name", "viewpoint"),
    [
        ("- Allison Mack: She spoke.", "Allison Mack", "She spoke."),
        ("- Dr. Who: Time: relative.", "Dr. Who", "Time: relative."),
        ("- Team 10:30: On time.", "Team 10:30", "On time."),
        ("- Name : spaced", "Name", "spaced"),
    ],
)
def test_viewpoint_name_is_before_first_separator(bullet: str, name: str, viewpoint: str) -> None:
    """The stakeholder name is everything before the first ": "."""
    assert read(doc("Stakeholders & viewpoints", bullet)).viewpoints == [
        ParsedViewpoint(name, viewpoint, 4)
    ]


def test_viewpoint_continuation_may_hold_separator() -> None:
    """The separator may arrive on a continuation line."""
    explainer = read(doc("Stakeholders & viewpoints", "- Allison Mack", "  : She spoke."))
    assert explainer.viewpoints == [ParsedViewpoint("Allison Mack", "She spoke.", 4)]


@pytest.mark.parametrize(
    ("bullet", "message"),
    [
        ("- No separator here", 'stakeholder bullet has no "name: viewpoint" separator'),
        ("- Glued:text", 'stakeholder bullet has no "name: viewpoint" separator'),
        ("- : Nobody said this", "stakeholder bullet has an empty name"),
        ("- Allison Mack:", 'stakeholder bullet has no viewpoint after "Allison Mack:"'),
    ],
)
def test_bad_stakeholder_bullets(bullet: str, message: str) -> None:
    """Stakeholder bullets need a name, ": " and a viewpoint."""
    text = doc("What happened", "Text", "Stakeholders & viewpoints", "- Fine: ok", bullet)
    assert errors(text, "explainer.txt") == [f"explainer.txt:7: {message}"]


# --- timeline -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("Published on November 11, 2025.", D(2025, 11, 11), "day"),
        ("Published on Nov. 11, 2025.", D(2025, 11, 11), "day"),
        ("Published on Nov 11, 2025.", D(2025, 11, 11), "day"),
        ("Hearing Sept. 3, 2025", D(2025, 9, 3), "day"),
        ("Hearing sep 3 2025", D(2025, 9, 3), "day"),
        ("On November 11th, 2025", D(2025, 11, 11), "day"),
        ("On 11 November 2025", D(2025, 11, 11), "day"),
        ("On 1 Feb. 2024 it began", D(2024, 2, 1), "day"),
        ("Filed 2025-11-11.", D(2025, 11, 11), "day"),
        ("Expected in November 2025", D(2025, 11, 1), "month"),
        ("Expected in Sept. 2025", D(2025, 9, 1), "month"),
        ("Expected in may 2027", D(2027, 5, 1), "month"),
        ("Founded in 1998.", D(1998, 1, 1), "year"),
        ("By mid-2025, nothing", D(2025, 1, 1), "year"),
        ("2024's election", D(2024, 1, 1), "year"),
        ("(2019)", D(2019, 1, 1), "year"),
    ],
)
def test_find_date_forms(text: str, date: datetime.date, precision: str) -> None:
    """Each accepted date form gives its date and precision."""
    assert find_date(text) == (date, precision)


@pytest.mark.parametrize(
    "text",
    [
        "No date here",
        "Back in the 1990s",
        "It cost $2500",
        "About 1,500 people",
        "Figures for FY2025",
        "Ratio 3.2025",
        "Call 555-1234",
        "Season 2019-20",
        "Rates rose 2025% lol",
        "Year 3025 or 0999",
        "Number 12345",
        "On November 11 only",
        "Observers may watch for statements",
    ],
)
def test_find_date_ignores_non_dates(text: str) -> None:
    """Numbers that are not plausible dates are not dates."""
    assert find_date(text) is None


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("Moved from March 2026 to 2025-01-05", D(2026, 3, 1), "month"),
        ("In 2024, then on May 5, 2025", D(2024, 1, 1), "year"),
        ("5 May 2025 or May 6, 2025", D(2025, 5, 5), "day"),
    ],
)
def test_first_date_counts(text: str, date: datetime.date, precision: str) -> None:
    """The first date in the text counts, whatever its form."""
    assert find_date(text) == (date, precision)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On February 30, 2025", None),
        ("On 2025-02-30", None),
        ("On 2025-13-01", None),
        ("On 31 April 2025", None),
        ("February 30, 2025, moved to March 3, 2025", (D(2025, 3, 3), "day")),
        ("February 29, 2024", (D(2024, 2, 29), "day")),
    ],
)
def test_impossible_dates_are_skipped_whole(
    text: str, expected: tuple[datetime.date, str] | None
) -> None:
    """A date that does not exist is no date, and its year is not read alone."""
    assert find_date(text) == expected


def test_impossible_date_gives_a_warning() -> None:
    """An impossible date in the timeline is reported as a warning with its line."""
    explainer = read(doc("Timeline & what to watch next", "- Hearing on February 30, 2025"))
    assert explainer.timeline[0].kind == "watch"
    assert explainer.warnings == ['x.txt:4: "February 30, 2025" is not a real date; ignored']


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Decided November 26, 2026", "past"),
        ("Decided November 27, 2026", "past"),
        ("Ruling due November 28, 2026", "upcoming"),
        ("Ruling due November 2026", "past"),
        ("Ruling due December 2026", "upcoming"),
        ("Ruling due in 2026", "past"),
        ("Ruling due in 2027", "upcoming"),
        ("Ruling some day", "watch"),
    ],
)
def test_event_kind_depends_on_today_and_precision(text: str, kind: str) -> None:
    """An event later than today at its own precision is upcoming; undated items are watched."""
    assert read(doc("Timeline & what to watch next", f"- {text}")).timeline[0].kind == kind


def test_event_text_keeps_the_date() -> None:
    """The event text is kept verbatim, date included."""
    explainer = read(doc("Timeline & what to watch next", "- On May 5, 2025, it ended."))
    assert explainer.timeline == [
        ParsedEvent("On May 5, 2025, it ended.", D(2025, 5, 5), "day", "past", 4)
    ]


def test_undated_event() -> None:
    """A bullet without a date is an undated item to watch."""
    assert read(doc("Timeline & what to watch next", "- Watch the vote")).timeline == [
        ParsedEvent("Watch the vote", None, "", "watch", 4)
    ]


# --- sources ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bullet", "citation", "url"),
    [
        ("NBC News - https://nbc.com/a", "NBC News", "https://nbc.com/a"),
        ("NBC News: https://nbc.com/a", "NBC News", "https://nbc.com/a"),
        ("NBC News, https://nbc.com/a.", "NBC News", "https://nbc.com/a"),
        ("NBC News | http://nbc.com/a", "NBC News", "http://nbc.com/a"),
        ("NBC News (https://nbc.com/a)", "NBC News", "https://nbc.com/a"),
        ("NBC News (https://nbc.com/a).", "NBC News", "https://nbc.com/a"),
        ("NBC News <https://nbc.com/a>", "NBC News", "https://nbc.com/a"),
        ("https://nbc.com/a - NBC News", "NBC News", "https://nbc.com/a"),
        ("https://nbc.com/a", "", "https://nbc.com/a"),
        ("NBC News, Nov. 11, 2025", "NBC News, Nov. 11, 2025", ""),
        ("NBC - https://nbc.com/a - Nov. 11", "NBC - Nov. 11", "https://nbc.com/a"),
        ("NBC (see https://nbc.com/a) today", "NBC (see) today", "https://nbc.com/a"),
        ("Wiki https://w.org/Foo_(bar)", "Wiki", "https://w.org/Foo_(bar)"),
        ("Two https://a.com/1 https://b.com/2", "Two https://b.com/2", "https://a.com/1"),
        ("HTTPS://NBC.COM/A NBC", "NBC", "HTTPS://NBC.COM/A"),
        ("Note: interview by phone", "Note: interview by phone", ""),
        ("Data: US Census Bureau", "Data: US Census Bureau", ""),
        ("https://a.com/?next=javascript:x", "", "https://a.com/?next=javascript:x"),
    ],
)
def test_source_link_and_citation(bullet: str, citation: str, url: str) -> None:
    """The first http(s) URL is the link; the rest, tidied, is the citation."""
    assert read(doc("Sources", f"- {bullet}")).sources == [ParsedSource(citation, url, 4)]


@pytest.mark.parametrize(
    ("bullet", "scheme"),
    [
        ("Click javascript:alert(1)", "javascript"),
        ("JavaScript:alert(1)", "javascript"),
        ("data:text/html;base64,PHNjcmlwdD4=", "data"),
        ("vbscript:msgbox", "vbscript"),
        ("file:///etc/passwd", "file"),
        ("ftp://files.example.com/report.pdf", "ftp"),
        ("Mail mailto:desk@example.com", "mailto"),
        ("https://ok.example.com then javascript:alert(1)", "javascript"),
        ("Lookalike xhttps://example.com", "xhttps"),
    ],
)
def test_other_link_schemes_are_errors(bullet: str, scheme: str) -> None:
    """A link with any scheme but http or https is an error on its line."""
    assert errors(doc("Sources", "- Fine https://ok.example.com", f"- {bullet}"), "s.txt") == [
        f's.txt:5: source has a "{scheme}:" link; only http:// and https:// links are allowed'
    ]


# --- up next ------------------------------------------------------------------------------------


def test_up_next_bullets_are_related_titles() -> None:
    """Each Up Next bullet names a related explainer."""
    explainer = read(doc("Up Next", "- First story", "* second-slug"))
    assert explainer.related == [ParsedRelated("First story", 4), ParsedRelated("second-slug", 5)]


# --- limits and error reporting -----------------------------------------------------------------


def test_file_over_one_mebibyte_is_an_error() -> None:
    """A file over 1 MiB is rejected at line 1 without being read."""
    data = doc("What happened").encode() + b"x" * MAX_FILE_BYTES
    [message] = errors(data, "big.txt")
    assert message.startswith("big.txt:1: file is larger than 1 MiB")


def test_file_of_exactly_one_mebibyte_is_accepted() -> None:
    """A file of exactly 1 MiB is within the limit."""
    head = doc("What happened").encode()
    lines = (b"x" * 999 + b"\n") * ((MAX_FILE_BYTES - len(head)) // 1000)
    data = head + lines
    data += b"y" * (MAX_FILE_BYTES - len(data))
    assert len(data) == MAX_FILE_BYTES
    assert read(data).what_happened


@pytest.mark.parametrize(("length", "ok"), [(10_000, True), (10_001, False)])
def test_line_length_limit(length: int, ok: bool) -> None:
    """A line may hold up to 10,000 characters."""
    text = doc("What happened", "é" * length)
    if ok:
        assert read(text).what_happened == ["é" * length]
    else:
        assert errors(text) == ["x.txt:4: line is longer than 10,000 characters"]


def test_all_errors_are_reported_in_line_order() -> None:
    """Every error in a file is reported, sorted by line, each with file and line."""
    text = doc(
        "Stakeholders & viewpoints",
        "- nobody",
        "Sources",
        "- javascript:alert(1)",
        "Key facts",
        "stray",
        "Sources",
    )
    with pytest.raises(FormatErrors) as caught:
        read(text, "multi.txt")
    assert str(caught.value) == "\n".join(
        [
            'multi.txt:4: stakeholder bullet has no "name: viewpoint" separator',
            'multi.txt:6: source has a "javascript:" link; only http:// and https:// links are '
            "allowed",
            'multi.txt:8: text before the first bullet of "Key facts"',
            'multi.txt:9: repeated section heading "Sources" (first at line 5)',
        ]
    )


def test_reading_stops_after_one_hundred_errors() -> None:
    """A file with an error on every line stops at 100 errors, saying so."""
    text = doc("Stakeholders & viewpoints", *(["- nobody"] * 150))
    messages = errors(text)
    assert len(messages) == 101
    assert messages[-1] == "x.txt:103: too many errors; stopped here"


def test_format_errors_is_a_format_error_for_its_first_error() -> None:
    """FormatErrors is a ValueError and a FormatError carrying the first error."""
    with pytest.raises(FormatError) as caught:
        read(doc("Key facts", "text", "Sources", "- data:x"), "f.txt")
    error = caught.value
    assert isinstance(error, FormatErrors) and isinstance(error, ValueError)
    assert (error.filename, error.line) == ("f.txt", 4)
    assert error.message == 'text before the first bullet of "Key facts"'
    assert len(error.errors) == 2


def test_format_error_str() -> None:
    """A FormatError reads "file:line: message"."""
    error = FormatError("e.txt", 14, "bad")
    assert (str(error), error.filename, error.line, error.message) == (
        "e.txt:14: bad",
        "e.txt",
        14,
        "bad",
    )


def test_default_filename() -> None:
    """Without a filename, errors name "<input>"."""
    with pytest.raises(FormatErrors, match=r"^<input>:1: file is empty$"):
        parse("", today=TODAY)


def test_format_errors_needs_an_error() -> None:
    """FormatErrors cannot be empty."""
    with pytest.raises(ValueError, match="at least one"):
        FormatErrors([])


# --- writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "precision", "text"),
    [
        (D(2025, 11, 11), "day", "November 11, 2025"),
        (D(2025, 9, 3), "day", "September 3, 2025"),
        (D(2025, 11, 1), "month", "November 2025"),
        (D(2025, 1, 1), "year", "2025"),
    ],
)
def test_format_event_date(date: datetime.date, precision: str, text: str) -> None:
    """write() spells dates in the first accepted form of each precision."""
    assert format_event_date(date, precision) == text
    assert find_date(text) == (date, precision)


def test_format_event_date_rejects_unknown_precision() -> None:
    """An unknown precision is a programming error."""
    with pytest.raises(ValueError, match="precision"):
        format_event_date(D(2025, 1, 1), "week")


def test_write_empty_explainer() -> None:
    """Every section is written with its canonical heading, empty ones bare."""
    assert write(ParsedExplainer(title="Only a title")) == (
        "Only a title\n\nWhat to know\n\nWhat happened\n\nKey facts\n\nBackground & context\n\n"
        "Why it matters\n\n"
        "Stakeholders & viewpoints\n\nTimeline & what to watch next\n\nSources\n\nUp Next\n"
    )


def test_write_full_explainer() -> None:
    """write() emits paragraphs, bullets and sources in the canonical layout."""
    explainer = ParsedExplainer(
        title="  Title ",
        what_happened=["One\nline", "Two"],
        key_facts=[ParsedFact("A fact")],
        viewpoints=[ParsedViewpoint("Ann", "Says so")],
        timeline=[ParsedEvent("Ends May 5, 2025", D(2025, 5, 5), "day", "past")],
        sources=[
            ParsedSource("NBC", "https://nbc.com"),
            ParsedSource("", "https://a.com"),
            ParsedSource("Book", ""),
            ParsedSource("", ""),
        ],
        related=[ParsedRelated("Other")],
    )
    assert write(explainer) == (
        "Title\n\nWhat to know\n\nWhat happened\nOne line\n\nTwo\n\nKey facts\n- A fact\n\n"
        "Background & context\n\nWhy it matters\n\nStakeholders & viewpoints\n- Ann: Says so\n\n"
        "Timeline & what to watch next\n- Ends May 5, 2025\n\n"
        "Sources\n- NBC - https://nbc.com\n- https://a.com\n- Book\n\nUp Next\n- Other\n"
    )


@pytest.mark.parametrize(
    ("event", "line"),
    [
        (ParsedEvent("Vote held", D(2025, 5, 5), "day", "past"), "May 5, 2025: Vote held"),
        (ParsedEvent("Vote in 2024", D(2025, 5, 9), "month", "past"), "May 2025: Vote in 2024"),
        (ParsedEvent("Vote in May 2025", D(2025, 5, 9), "month", "past"), "Vote in May 2025"),
        (ParsedEvent("", D(2025, 1, 1), "year", "past"), "2025"),
        (ParsedEvent("Vote 2025 maybe", None, "", "watch"), "Vote 2025 maybe"),
    ],
)
def test_write_puts_missing_date_in_front(event: ParsedEvent, line: str) -> None:
    """A dated event whose text does not start with its date gets the date put in front."""
    assert f"\n- {line}\n" in write(ParsedExplainer(title="T", timeline=[event]))


def test_write_splits_heading_like_paragraph() -> None:
    """A paragraph reading "Key facts" is written over two lines so that it reads back."""
    explainer = ParsedExplainer(title="T", background=["Key facts", "Sources and more"])
    assert read(write(explainer)).background == ["Key facts", "Sources and more"]


def test_write_puts_link_first_when_citation_holds_a_url() -> None:
    """A citation holding a URL is written after the link so the link stays first."""
    source = ParsedSource("- see https://b.com", "https://a.com")
    explainer = ParsedExplainer(title="T", sources=[source])
    assert read(write(explainer)).content()["sources"] == (
        ("- see https://b.com", "https://a.com"),
    )


@pytest.mark.parametrize("citation", ["Ends with -", "Ends with:", "Ends (", "- starts", "a | b"])
def test_write_keeps_citation_punctuation(citation: str) -> None:
    """Separators inside a citation survive the round trip."""
    explainer = ParsedExplainer(title="T", sources=[ParsedSource(citation, "https://a.com")])
    assert read(write(explainer)).sources[0].citation == citation


# --- round trip properties ----------------------------------------------------------------------

_CHARS = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufeff")
_BARE_SCHEME = re.compile(r"(?i)(javascript|vbscript|data|file|blob|filesystem|mailto|tel)\s*:")


def _clean(text: str) -> str:
    return " ".join(text.split())


_words = st.text(_CHARS, min_size=1, max_size=30).map(_clean).filter(bool)
_heading_variants = st.sampled_from(
    ["Key facts", "key facts:", "Background and context", "UP NEXT", "Why it matters"]
)
_titles = _words.filter(lambda t: not is_heading(t))
_paragraphs = st.one_of(_words, _heading_variants).filter(
    lambda t: not (is_heading(t) and " " not in t)
)
_names = _words.filter(lambda t: ": " not in t)
_citations = _words.filter(lambda t: "://" not in t and not _BARE_SCHEME.search(t))
_urls = st.builds(
    "{}://{}{}".format,
    st.sampled_from(["http", "https", "HTTPS"]),
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z]{2,6}){1,2}", fullmatch=True),
    st.from_regex(r"(/[A-Za-z0-9_~%=&#-]{0,12}){0,3}", fullmatch=True),
)
_precisions = st.sampled_from(["day", "month", "year"])


def _kind(date: datetime.date | None, precision: str) -> str:
    if date is None:
        return "watch"
    parts = {"day": 3, "month": 2, "year": 1}[precision]
    later = date.timetuple()[:parts] > TODAY.timetuple()[:parts]
    return "upcoming" if later else "past"


@st.composite
def _events(draw: st.DrawFn) -> ParsedEvent:
    if draw(st.booleans()):
        text = draw(_words)
        assume(find_date(text) is None)
        return ParsedEvent(text, None, "", "watch")
    precision = draw(_precisions)
    date = draw(st.dates(min_value=D(1000, 1, 1), max_value=D(2999, 12, 31)))
    date = {"day": date, "month": date.replace(day=1), "year": date.replace(month=1, day=1)}[
        precision
    ]
    before = draw(st.one_of(st.just(""), _words))
    after = draw(st.one_of(st.just(""), _words))
    text = _clean(f"{before} {format_event_date(date, precision)} {after}")
    assume(find_date(text) == (date, precision))
    return ParsedEvent(text, date, precision, _kind(date, precision))


_sources = st.one_of(
    st.builds(ParsedSource, _citations, _urls),
    st.builds(ParsedSource, st.just(""), _urls),
    st.builds(ParsedSource, _citations, st.just("")),
)
_explainers = st.builds(
    ParsedExplainer,
    title=_titles,
    what_happened=st.lists(_paragraphs, max_size=3),
    key_facts=st.lists(st.builds(ParsedFact, _words), max_size=3),
    background=st.lists(_paragraphs, max_size=3),
    why_it_matters=st.lists(_paragraphs, max_size=2),
    viewpoints=st.lists(st.builds(ParsedViewpoint, _names, _words), max_size=3),
    timeline=st.lists(_events(), max_size=4),
    sources=st.lists(_sources, max_size=3),
    related=st.lists(st.builds(ParsedRelated, _words), max_size=2),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_explainers)
def test_write_then_parse_round_trips(explainer: ParsedExplainer) -> None:
    """Reading back what write() wrote gives the same content."""
    assert read(write(explainer)).content() == explainer.content()


_body_lines = st.one_of(
    _words.filter(lambda t: not is_heading(t)),
    st.just(""),
    st.sampled_from(["Key", "facts", "Sources and", "context", "https://a.com/x", "1 May 2025"]),
)


@st.composite
def _files(draw: st.DrawFn) -> str:
    fields = draw(st.lists(st.sampled_from(list(HEADINGS)), unique=True, min_size=1))
    lines = [draw(_titles), ""]
    for name in fields:
        lines.append(draw(st.sampled_from([HEADINGS[name], HEADINGS[name].upper() + ":"])))
        if name in ("what_happened", "background", "why_it_matters"):
            lines.extend(draw(st.lists(_body_lines, max_size=6)))
            continue
        for _ in range(draw(st.integers(0, 3))):
            marker = draw(st.sampled_from(["- ", "* ", "• ", "  -\t"]))
            first = draw(_words)
            if name == "viewpoints":
                first = f"{draw(_names)}: {first}"
            elif name == "sources" and draw(st.booleans()):
                first = f"{first} {draw(_urls)}"
            lines.append(marker + first)
            lines.extend(draw(st.lists(_body_lines, max_size=2)))
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_files())
def test_parsed_input_round_trips(text: str) -> None:
    """Exporting an imported file and importing the export gives the same explainer."""
    try:
        explainer = read(text)
    except FormatErrors:
        reject()
    assert read(write(explainer)).content() == explainer.content()


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=300))
def test_parse_fails_only_with_format_errors(text: str) -> None:
    """Arbitrary input either parses or raises FormatErrors, nothing else."""
    try:
        read("Title\nWhat happened\n" + text)
    except FormatErrors as error:
        assert error.errors
