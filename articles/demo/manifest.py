"""The demo's manifest: what the text files in ``explainers/`` cannot say.

Each demo explainer is a file in the import format (``explainers/<slug>.txt``,
docs/text-format.md). The format carries the words; this module carries the rest, as a desk
would add it after an import:
the slug and dek, topics and bylines, the details of each source, which sources back each key
fact and each timeline event, the claims the fact-checker rates in review, the state the
explainer is taken to, its pictures, and the correction made after it was first published.
The accounts, topics and stakeholders the entries name are in ``cast``; the rules that keep
upcoming dates ahead of the day the demo is seeded are in ``movingdates``.

The explainers were written for this project. Two are general-knowledge pieces (leap seconds,
heat domes); the stories set in Port Alder are invented, and so are the Port Alder bodies and
their documents, whose source citations say so and carry no link. Links to real institutions
point at their home pages only, never at a specific document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from articles.demo import images as demo_images
from articles.demo.cast import WRITER, WRITER2
from articles.demo.movingdates import (
    days_ahead,
    months_ahead,
    next_annual,
    next_month_among,
    next_year,
)
from articles.models import Correction, Explainer, Source

# --------------------------------------------------------------------------------------------
# Explainers: one entry per file in explainers/, in the order they are imported.
# --------------------------------------------------------------------------------------------

D, R, DATA = Source.Kind.DOCUMENT, Source.Kind.REPORT, Source.Kind.DATA


@dataclass(frozen=True)
class DemoSource:
    """What a file's source bullet cannot say; ``key`` names it for the lists below."""

    key: str
    kind: str
    publisher: str
    published_on: date | None = None


@dataclass(frozen=True)
class DemoCorrection:
    """A key fact that was wrong when first published, fixed in a second version.

    The file holds the text as first published, error included; the fix is made on the desk.
    """

    fact: int  # the key fact's position in the file, from 0
    corrected: str  # its text after the fix
    text: str  # the public correction note
    change_note: str
    kind: str = Correction.Kind.CORRECTION


@dataclass(frozen=True)
class DemoPicture:
    """An image added on the desk: drawn by ``articles.demo.images`` when the demo is seeded."""

    draw: Callable[[], bytes]
    filename: str
    alt: str
    caption: str = ""
    credit: str = ""
    focal: tuple[int, int] = (50, 50)  # percent across, percent down
    section: str = "what_happened"  # figures only: the section it follows


@dataclass(frozen=True)
class DemoClaimRating:
    """A claim from a viewpoint, rated by the fact-checker and checked by the editor."""

    stakeholder: str  # the slug of the stakeholder whose viewpoint makes the claim
    claim: str  # as quoted
    appearance: str  # where it was made
    appeared_on: date | None
    verdict: str  # a name on the rating scale (migration 0029 seeds it)
    explanation: str
    sources: tuple[str, ...]  # the keys of the sources the explanation relies on
    url: str = ""  # the appearance's address, if it can be linked


@dataclass(frozen=True)
class DemoExplainer:
    slug: str  # the file is explainers/<slug>.txt
    dek: str
    state: str  # draft, in review (assigned to the checker) or published
    authors: tuple[str, ...]
    topics: tuple[str, ...]
    sources: tuple[DemoSource, ...] = ()  # one per source bullet, in the file's order
    fact_sources: tuple[tuple[str, ...], ...] = ()  # per key fact: the keys of its sources
    timeline_sources: tuple[str | None, ...] = ()  # per timeline bullet: a source key or None
    moving_dates: dict[int, dict[str, Any]] = field(default_factory=dict)  # bullet (from 0): rule
    correction: DemoCorrection | None = None
    hero: DemoPicture | None = None
    figures: tuple[DemoPicture, ...] = ()
    ratings: tuple[DemoClaimRating, ...] = ()


LEAP_SECOND = DemoExplainer(
    slug="leap-second-retirement",
    dek="Since 1972 timekeepers have now and then added a second to the world's clocks to keep "
    "them in step with the spinning Earth; by 2035 they will stop.",
    state=Explainer.State.PUBLISHED,
    authors=(WRITER,),
    topics=("science-measurement",),
    sources=(
        DemoSource("bipm", D, "BIPM"),
        DemoSource("iers", DATA, "IERS"),
        DemoSource("nist", R, "NIST"),
        DemoSource("gps", D, "U.S. government"),
        DemoSource("itu", D, "ITU"),
    ),
    fact_sources=(
        ("bipm",),
        ("iers", "nist"),
        ("iers",),
        ("iers",),
        ("bipm", "nist"),
        ("gps",),
    ),
    timeline_sources=("iers", "iers", None, "iers", "bipm", "iers", "bipm", None, None),
    moving_dates={5: next_month_among(1, 7)},
    hero=DemoPicture(
        demo_images.leap_second_hero,
        "leap-second-clock.jpg",
        alt="A clock face against a night-blue sky, its second hand on the extra second.",
        caption="23:59:60: the extra second the world's clocks have shown 27 times since 1972.",
        credit="Illustration: The Newsroom",
        focal=(round(demo_images.CLOCK_CENTRE[0] * 100), round(demo_images.CLOCK_CENTRE[1] * 100)),
    ),
    figures=(
        DemoPicture(
            demo_images.leap_second_chart,
            "utc-behind-atomic-time.png",
            alt="Bar chart: UTC was 10 seconds behind atomic time in January 1972, 11 seconds "
            "after the first leap second that July, and 37 seconds after the 27th, from 2017.",
            caption="How far UTC has fallen behind International Atomic Time, in seconds.",
            credit="Chart: The Newsroom, from the figures above",
            section="background",
        ),
    ),
)

HEAT_DOME = DemoExplainer(
    slug="what-is-a-heat-dome",
    dek="A stubborn ridge of high pressure can trap heat over a region for days on end; the "
    "Pacific Northwest heat of June 2021 showed how deadly that can be.",
    state=Explainer.State.PUBLISHED,
    authors=(WRITER2,),
    topics=("climate-weather", "public-health"),
    sources=(
        DemoSource("noaa", R, "NOAA"),
        DemoSource("nws", D, "National Weather Service"),
        DemoSource("eccc", DATA, "Government of Canada"),
        DemoSource("bc", R, "Government of British Columbia"),
        DemoSource("wwa", R, "World Weather Attribution"),
        DemoSource("wmo", R, "WMO"),
    ),
    fact_sources=(
        ("noaa", "nws"),
        ("eccc",),
        ("bc",),
        ("wwa",),
        ("nws",),
    ),
    timeline_sources=("noaa", "eccc", None, "wwa", "bc", None, "wmo", None, None, None),
    moving_dates={5: next_annual(6, 1), 6: next_year()},
)

FOUR_DAY_WEEK = DemoExplainer(
    slug="port-alder-four-day-school-week",
    dek="Facing a budget gap and a shortage of teachers, the city's school board has voted to "
    "close classrooms on Fridays from the next school year.",
    state=Explainer.State.PUBLISHED,
    authors=(WRITER, WRITER2),
    topics=("education", "local-government"),
    sources=(
        DemoSource("minutes", D, "Port Alder Unified School District", date(2026, 10, 14)),
        DemoSource("outlook", R, "Port Alder Unified School District", date(2026, 9, 2)),
        DemoSource("survey", DATA, "Port Alder Unified School District"),
        DemoSource("rand", R, "RAND Corporation"),
        DemoSource("ecs", R, "Education Commission of the States"),
        DemoSource("nces", DATA, "NCES"),
    ),
    fact_sources=(
        ("minutes",),
        ("minutes",),
        ("outlook", "minutes"),
        ("survey",),
        ("minutes",),
        ("rand", "ecs"),
    ),
    timeline_sources=(None, "survey", "outlook", "minutes", None, None, None, None, None, None),
    moving_dates={4: days_ahead(45), 5: months_ahead(4), 6: next_year()},
    correction=DemoCorrection(
        fact=0,
        corrected="The Port Alder Unified School District board voted 5–2 on 14 October 2026 "
        "to move all 23 of its schools to a Monday-to-Thursday week.",
        text="An earlier version of this explainer gave the board's vote as 4–3. "
        "The board voted 5–2.",
        change_note="Corrected the board's vote count (5–2, not 4–3).",
    ),
    ratings=(
        DemoClaimRating(
            stakeholder="port-alder-unified-school-district",
            claim="The four-day week closes our budget gap.",
            appearance="Port Alder school board meeting, public session",
            appeared_on=date(2026, 10, 14),
            verdict="Misleading",
            explanation="The district's own figures put the saving at about $2.3 million a "
            "year, a little over half of the $4.1 million shortfall projected for the following "
            "school year. The rest must still come from cuts or new money.",
            sources=("outlook", "minutes"),
        ),
        DemoClaimRating(
            stakeholder="port-alder-education-association",
            claim="Most of our teachers asked for this change.",
            appearance="Port Alder school board meeting, public comment",
            appeared_on=date(2026, 10, 14),
            verdict="Accurate",
            explanation="In the district's May 2026 survey, 71 percent of the teachers who "
            "answered favoured a four-day week.",
            sources=("survey",),
        ),
    ),
)

WEIR_REFERENDUM = DemoExplainer(
    slug="port-alder-tannery-weir-referendum",
    dek="A low dam built for a nineteenth-century tannery blocks fish from the upper Alder River;"
    " voters will decide whether the city pays its share of taking it out.",
    state=Explainer.State.IN_REVIEW,
    authors=(WRITER2,),
    topics=("environment", "local-government"),
    sources=(
        DemoSource("council", D, "Port Alder City Council", date(2026, 11, 3)),
        DemoSource("feasibility", R, "Alder River Restoration Partnership"),
        DemoSource("noaa-fisheries", R, "NOAA Fisheries"),
    ),
    fact_sources=(
        ("council",),
        ("feasibility",),
        ("council", "feasibility"),
        ("feasibility",),
    ),
    timeline_sources=(None, None, "council", None, None, None),
    moving_dates={3: days_ahead(100)},
)

KING_TIDE = DemoExplainer(
    slug="what-is-a-king-tide",
    dek="Why some high tides are much higher than others, and what they show about rising seas.",
    state=Explainer.State.DRAFT,
    authors=(WRITER,),
    topics=("climate-weather",),
)

EXPLAINERS: tuple[DemoExplainer, ...] = (
    LEAP_SECOND,
    HEAT_DOME,
    FOUR_DAY_WEEK,
    WEIR_REFERENDUM,
    KING_TIDE,
)
