"""The text format's "What to know" section and viewpoint quotes: parsing, errors, import,
export and the round trip."""

from __future__ import annotations

import datetime

import pytest

from articles.interchange import exporter
from articles.interchange.importer import import_text
from articles.interchange.textformat import FormatErrors, ParsedQuote, parse, write
from articles.models import Explainer
from tests.factories import ExplainerFactory, SourceFactory, ViewpointFactory
from tests.paths import SAMPLE

TODAY = datetime.date(2026, 11, 27)

FILE = """River barrier

What to know
- The barrier closes in storms.
- It cost $40 million.
- A second one opens in 2027.

Stakeholders & viewpoints
- Port Alder Council: Says the barrier works.
  > "It held back the highest tide on record." (source 2)
- Insurers: Want proof before cutting premiums.
  > “Premiums follow risk, not promises.”
  (https://example.org/insurers, March 3, 2026)
- Fishers: Worry about the river mouth.

Sources
- Council report - https://example.org/report
- Council minutes, 2026
"""


def read(text: str):
    return parse(text, filename="f.txt", today=TODAY)


def errors(text: str) -> list[str]:
    with pytest.raises(FormatErrors) as caught:
        read(text)
    return [str(error) for error in caught.value.errors]


def test_takeaways_are_read_in_order():
    parsed = read(FILE)
    assert [t.text for t in parsed.takeaways] == [
        "The barrier closes in storms.",
        "It cost $40 million.",
        "A second one opens in 2027.",
    ]


def test_quotes_are_read_with_their_source_or_link_and_date():
    council, insurers, fishers = read(FILE).viewpoints
    assert council.text == "Says the barrier works."
    assert council.quote == ParsedQuote("It held back the highest tide on record.", 2, "", None, 10)
    assert insurers.quote == ParsedQuote(
        "Premiums follow risk, not promises.",
        None,
        "https://example.org/insurers",
        datetime.date(2026, 3, 3),
        12,
    )
    assert fishers.quote is None


def test_write_then_parse_gives_the_same_takeaways_and_quotes():
    parsed = read(FILE)
    again = read(write(parsed))
    assert again.content() == parsed.content()
    assert '  > "It held back the highest tide on record." (source 2)' in write(parsed)


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ('> "No source given."', "a quote ends with where it is from"),
        ('> "Three sources?" (source 3)', 'the quote cites source 3, but "Sources" lists 2'),
        ('> "Zero." (source 0)', "sources are numbered from 1"),
        ('> "A month." (https://example.org/x, March 2026)', "is not a day"),
        ('> "No date." (https://example.org/x)', "a quote ends with where it is from"),
        ('> "Bad link." (javascript:alert, March 3, 2026)', "is not a web address"),
        ('> "Bad link." (ftp://example.org/x, March 3, 2026)', "is not a web address"),
        ("> (source 1)", "the quote has no words"),
    ],
)
def test_a_bad_quote_is_an_error_with_its_line(quote, message):
    text = FILE.replace('> "It held back the highest tide on record." (source 2)', quote)
    (error,) = errors(text)
    assert error.startswith("f.txt:10: ") and message in error


def test_a_second_quote_for_one_viewpoint_is_an_error():
    text = FILE.replace("(source 2)\n", '(source 2)\n  > "And again." (source 1)\n')
    assert any("f.txt:11: a viewpoint has one quote" in e for e in errors(text))


def test_a_quote_line_before_any_viewpoint_is_an_error():
    text = FILE.replace(
        "Stakeholders & viewpoints\n", 'Stakeholders & viewpoints\n> "Orphan." (source 1)\n'
    )
    assert any("text before the first bullet" in e for e in errors(text))


def test_a_quote_marker_elsewhere_is_ordinary_text():
    """Only the stakeholders section reads ">" lines as quotes."""
    text = FILE.replace("- It cost $40 million.", "- It cost $40 million.\n> more than planned")
    assert read(text).takeaways[1].text == "It cost $40 million. > more than planned"


@pytest.mark.django_db
def test_import_stores_takeaways_and_quotes():
    explainer = import_text(FILE, filename="f.txt", today=TODAY).explainer
    assert explainer.takeaway_list() == [
        "The barrier closes in storms.",
        "It cost $40 million.",
        "A second one opens in 2027.",
    ]
    council = explainer.viewpoints.get(stakeholder__name="Port Alder Council")
    assert council.quote == "It held back the highest tide on record."
    assert council.quote_source == explainer.sources.get(citation="Council minutes, 2026")
    insurers = explainer.viewpoints.get(stakeholder__name="Insurers")
    assert (insurers.quote_url, insurers.quote_date) == (
        "https://example.org/insurers",
        datetime.date(2026, 3, 3),
    )
    assert insurers.quote_source is None


@pytest.mark.django_db
def test_export_of_an_import_gives_back_the_takeaways_and_quotes():
    explainer = import_text(FILE, filename="f.txt", today=TODAY).explainer
    text = exporter.to_text(explainer)
    assert read(text).content() == read(FILE).content()


@pytest.mark.django_db
def test_reimport_of_an_export_changes_nothing():
    explainer = import_text(FILE, filename="f.txt", today=TODAY).explainer
    text = exporter.to_text(explainer)
    again = import_text(text, filename="f.txt", today=TODAY).explainer
    assert again.pk == explainer.pk
    assert exporter.to_text(again) == text


@pytest.mark.django_db
def test_a_too_long_takeaway_is_refused_with_its_line_and_changes_nothing():
    text = FILE.replace("- It cost $40 million.", "- " + "x" * 201)
    with pytest.raises(FormatErrors) as caught:
        import_text(text, filename="f.txt", today=TODAY)
    assert "f.txt:5: takeaway is longer than 200 characters (201)" in str(caught.value)
    assert not Explainer.objects.exists()


@pytest.mark.django_db
def test_a_file_without_takeaways_imports_and_readiness_asks_for_them():
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not available")
    from articles.workflow import readiness

    explainer = import_text(SAMPLE.read_bytes(), filename=SAMPLE.name, today=TODAY).explainer
    assert explainer.takeaways == ""
    assert "takeaways" in {check.key for check in readiness.failures(explainer)}


@pytest.mark.django_db
def test_export_leaves_out_a_quote_it_cannot_attribute():
    """A quote whose source was deleted has nothing the format can say it is from: the export
    leaves it out rather than write a line that would not read back."""
    explainer = ExplainerFactory()
    source = SourceFactory(explainer=explainer, position=0)
    ViewpointFactory(explainer=explainer, quote="Orphaned words.", quote_source=source)
    source.delete()
    assert "Orphaned words." not in exporter.to_text(explainer)
