"""Demo content and demo accounts, for trying the newsroom locally (``manage.py seed_demo``).

Everything here is plain data plus one entry point, :func:`seed`, which writes it idempotently:
rows are matched on their slug or username, an explainer that already exists is left exactly as
it is (a demo user may have edited it), and a second run changes nothing.

The explainers were written for this project. Two are general-knowledge pieces (leap seconds,
heat domes); the stories set in Port Alder are invented, and so are the Port Alder bodies and
their documents, whose source citations say so and carry no link. Links to real institutions
point at their home pages only, never at a specific document.

Demo accounts get random passwords, generated on the first run and kept in
``var/demo-logins.txt`` (git-ignored) so that later runs print the same logins. Seeding refuses
to run unless ``settings.DEBUG`` is on: demo accounts must never exist in production.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from . import roles, workflow
from .models import (
    Byline,
    Correction,
    Explainer,
    KeyFact,
    PublishedVersion,
    RelatedLink,
    Source,
    Stakeholder,
    TimelineEvent,
    Topic,
    Viewpoint,
)

# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------

SUPERUSER = "superuser"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str  # a group name from roles.py, or SUPERUSER


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "Site", "Administrator", SUPERUSER),
    DemoAccount("editor", "Dana", "Okafor", roles.EDITOR),
    DemoAccount("checker", "Tomás", "Lindqvist", roles.FACT_CHECKER),
    DemoAccount("writer", "Mira", "Castellanos", roles.WRITER),
    DemoAccount("writer2", "Jonah", "Whitfield", roles.WRITER),
)

# The demo's cast: who writes, who checks, who publishes.
WRITER, WRITER2, CHECKER, EDITOR = "writer", "writer2", "checker", "editor"

# --------------------------------------------------------------------------------------------
# Topics and stakeholders
# --------------------------------------------------------------------------------------------

TOPICS: list[dict[str, str]] = [
    {
        "slug": "climate-weather",
        "name": "Climate & weather",
        "description": "Extreme weather, the science behind forecasts, and how a warming "
        "climate changes the odds.",
    },
    {
        "slug": "education",
        "name": "Education",
        "description": "Schools, teachers and the decisions that shape how children learn.",
    },
    {
        "slug": "environment",
        "name": "Environment",
        "description": "Rivers, habitats and wildlife, and the trade-offs in protecting them.",
    },
    {
        "slug": "local-government",
        "name": "Local government",
        "description": "City councils, school boards and ballot measures: decisions made "
        "close to home.",
    },
    {
        "slug": "public-health",
        "name": "Public health",
        "description": "Risks to health that affect whole communities, and how they are managed.",
    },
    {
        "slug": "science-measurement",
        "name": "Science & measurement",
        "description": "How we measure the world, from atomic clocks to the spin of the Earth.",
    },
]

STAKEHOLDERS: list[dict[str, str]] = [
    # Real institutions, described in general-knowledge terms.
    {
        "slug": "bipm",
        "name": "International Bureau of Weights and Measures",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "The intergovernmental body, based near Paris, that looks after the "
        "International System of Units and coordinates the world's atomic time.",
        "aliases": "BIPM\nBureau International des Poids et Mesures",
    },
    {
        "slug": "iers",
        "name": "International Earth Rotation and Reference Systems Service",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "The scientific service that monitors the Earth's rotation and decides "
        "when a leap second is added.",
        "aliases": "IERS",
    },
    {
        "slug": "itu",
        "name": "International Telecommunication Union",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "The United Nations agency for information and communication "
        "technologies, which sets rules for broadcast time signals.",
        "aliases": "ITU",
    },
    {
        "slug": "wmo",
        "name": "World Meteorological Organization",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "The United Nations agency for weather, climate and water.",
        "aliases": "WMO",
    },
    {
        "slug": "us-national-weather-service",
        "name": "U.S. National Weather Service",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "The federal agency that issues forecasts and weather warnings in the "
        "United States; part of NOAA.",
        "aliases": "National Weather Service\nNWS",
    },
    # Groups of people, not individuals.
    {
        "slug": "astronomers-satellite-operators",
        "name": "Astronomers and satellite operators",
        "kind": Stakeholder.Kind.GROUP,
        "description": "People whose work depends on knowing exactly how the Earth is "
        "oriented in space.",
        "aliases": "",
    },
    {
        "slug": "network-engineers",
        "name": "Network and data-centre engineers",
        "kind": Stakeholder.Kind.GROUP,
        "description": "The people who keep computer networks, data centres and their clocks "
        "running.",
        "aliases": "",
    },
    {
        "slug": "public-health-agencies",
        "name": "Public health agencies",
        "kind": Stakeholder.Kind.GROUP,
        "description": "National, regional and city health departments.",
        "aliases": "",
    },
    {
        "slug": "electricity-grid-operators",
        "name": "Electricity grid operators",
        "kind": Stakeholder.Kind.GROUP,
        "description": "The companies and agencies that balance supply and demand on the "
        "power grid.",
        "aliases": "Grid operators",
    },
    {
        "slug": "parents-and-caregivers",
        "name": "Parents and caregivers",
        "kind": Stakeholder.Kind.GROUP,
        "description": "The adults who look after children day to day.",
        "aliases": "Parents\nFamilies",
    },
    # Port Alder is an invented city; these bodies are invented with it.
    {
        "slug": "port-alder-unified-school-district",
        "name": "Port Alder Unified School District",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "The public school district of Port Alder, with 23 schools and an "
        "elected seven-member board. (Invented for this demo.)",
        "aliases": "PAUSD\nPort Alder school board",
    },
    {
        "slug": "port-alder-education-association",
        "name": "Port Alder Education Association",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "The union that represents the district's teachers. (Invented for "
        "this demo.)",
        "aliases": "",
    },
    {
        "slug": "port-alder-city-council",
        "name": "Port Alder City Council",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "The city's nine-member elected council. (Invented for this demo.)",
        "aliases": "",
    },
    {
        "slug": "port-alder-chamber-of-commerce",
        "name": "Port Alder Chamber of Commerce",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "The association of the city's businesses and employers. (Invented for "
        "this demo.)",
        "aliases": "",
    },
    {
        "slug": "alder-river-restoration-partnership",
        "name": "Alder River Restoration Partnership",
        "kind": Stakeholder.Kind.ORGANISATION,
        "description": "A coalition of conservation groups, anglers and tribal fisheries staff "
        "working on the Alder River. (Invented for this demo.)",
        "aliases": "",
    },
    {
        "slug": "millpond-park-neighbours",
        "name": "Millpond Park neighbours",
        "kind": Stakeholder.Kind.GROUP,
        "description": "Residents who live around the park on the weir's millpond. (Invented "
        "for this demo.)",
        "aliases": "",
    },
]

# --------------------------------------------------------------------------------------------
# Timeline dates. Past events have fixed dates; upcoming ones are worked out from the day the
# seed runs, so that the demo's "what to watch" never goes stale.
# --------------------------------------------------------------------------------------------


def on(year: int, month: int, day: int) -> dict[str, Any]:
    return {"date": date(year, month, day), "precision": TimelineEvent.Precision.DAY}


def in_month(year: int, month: int) -> dict[str, Any]:
    return {"date": date(year, month, 1), "precision": TimelineEvent.Precision.MONTH}


def in_year(year: int) -> dict[str, Any]:
    return {"date": date(year, 1, 1), "precision": TimelineEvent.Precision.YEAR}


def days_ahead(days: int) -> dict[str, Any]:
    """Today plus ``days`` (day precision)."""
    return {"days_ahead": days}


def months_ahead(months: int) -> dict[str, Any]:
    """The calendar month ``months`` after this one (month precision)."""
    return {"months_ahead": months}


def next_year() -> dict[str, Any]:
    """Next calendar year (year precision)."""
    return {"years_ahead": 1}


def next_annual(month: int, day: int) -> dict[str, Any]:
    """The next ``month``/``day`` strictly after today (day precision)."""
    return {"next_annual": (month, day)}


def next_month_among(*months: int) -> dict[str, Any]:
    """The first of the given months strictly after this month (month precision)."""
    return {"next_month_among": months}


def past(when: dict[str, Any], text: str, source: str | None = None) -> dict[str, Any]:
    return {"kind": TimelineEvent.Kind.PAST, "when": when, "text": text, "source": source}


def upcoming(when: dict[str, Any], text: str, source: str | None = None) -> dict[str, Any]:
    return {"kind": TimelineEvent.Kind.UPCOMING, "when": when, "text": text, "source": source}


def watch(text: str) -> dict[str, Any]:
    return {"kind": TimelineEvent.Kind.WATCH, "when": {}, "text": text, "source": None}


def resolve_when(when: dict[str, Any], today: date) -> tuple[date | None, str]:
    """Return the (date, precision) a timeline spec stands for on ``today``."""
    P = TimelineEvent.Precision
    if not when:
        return None, P.NONE
    if "date" in when:
        return when["date"], when["precision"]
    if "days_ahead" in when:
        return today + timedelta(days=when["days_ahead"]), P.DAY
    if "months_ahead" in when:
        index = today.year * 12 + today.month - 1 + when["months_ahead"]
        return date(index // 12, index % 12 + 1, 1), P.MONTH
    if "years_ahead" in when:
        return date(today.year + when["years_ahead"], 1, 1), P.YEAR
    if "next_annual" in when:
        month, day = when["next_annual"]
        candidate = date(today.year, month, day)
        return (candidate if candidate > today else candidate.replace(year=today.year + 1)), P.DAY
    if "next_month_among" in when:
        later = [m for m in sorted(when["next_month_among"]) if m > today.month]
        if later:
            return date(today.year, later[0], 1), P.MONTH
        return date(today.year + 1, min(when["next_month_among"]), 1), P.MONTH
    raise ValueError(f"Unknown timeline date: {when!r}")


# --------------------------------------------------------------------------------------------
# Explainers
# --------------------------------------------------------------------------------------------

LEAP_SECOND: dict[str, Any] = {
    "slug": "leap-second-retirement",
    "title": "How a leap second works, and why the world is retiring it",
    "dek": "Since 1972 timekeepers have now and then added a second to the world's clocks to "
    "keep them in step with the spinning Earth; by 2035 they will stop.",
    "state": Explainer.State.PUBLISHED,
    "authors": [WRITER],
    "topics": ["science-measurement"],
    "what_happened": """
<p>The world's official timekeepers have agreed to stop adding leap seconds to Coordinated
Universal Time (UTC), the time scale that phones, computers, broadcasters and financial markets
all follow. Meeting in November 2022, the General Conference on Weights and Measures, the
treaty body that oversees the International System of Units, decided that the gap between
atomic time and the Earth's rotation will be allowed to grow beyond today's limit of 0.9
seconds, no later than 2035.</p>
<p>In practice, the occasional extra second that has been slipped in at the end of a June or a
December since 1972 will no longer be needed. The most recent one was added at the end of
31 December 2016, when clocks that follow UTC read <strong>23:59:60</strong> before rolling
over into the new year. None has been called for since.</p>
<p>The decision does not settle every detail. The conference left it to the scientists and
engineers who run the world's time services to propose how large the new tolerance should be,
and whether, and how, the two kinds of time should ever be brought back together. The stated
aim is a UTC that runs without a jump for at least a century.</p>
""",
    "background": """
<p>For most of history, time was read from the sky: a day was one turn of the Earth, and a
second was a fixed fraction of that turn. Atomic clocks changed that. Since 1967 the second has
been defined by the caesium atom, as exactly 9,192,631,770 oscillations of the radiation given
off in one particular transition. Atomic seconds are astonishingly regular. The Earth is not.</p>
<p>The planet's spin is slowed, very gradually, by the friction of the tides, and it speeds up
and slows down a little from year to year as the molten core, the oceans, the atmosphere and
melting ice move mass around. A day measured by the Earth's rotation can differ from 86,400
atomic seconds by a thousandth of a second or more, sometimes longer and sometimes shorter,
and those small differences add up.</p>
<p>UTC is the compromise. In use in its present form since 1972, it ticks at the atomic rate but
is nudged, one whole second at a time, so that it never drifts more than 0.9 seconds from UT1,
the time scale that follows the Earth's actual rotation. The
<a href="https://www.iers.org/">International Earth Rotation and Reference Systems Service</a>
(IERS) watches the planet's spin and decides when a nudge is due. It announces each leap second
in its <em>Bulletin C</em>, about six months ahead. Between 1972 and 2016 it called for 27 of
them, every one an addition.</p>
<p>Not every clock plays along. The time kept by the GPS satellites was set equal to UTC in 1980
and has never added a leap second since, which is why it now runs 18 seconds ahead of UTC.
Software that converts between time scales like these has to carry a table of every leap second
ever inserted.</p>
""",
    "why_it_matters": """
<p>A leap second is a moment most software was never designed to expect: a minute with 61
seconds. When one was added on 30 June 2012, some servers running Linux locked up and several
well-known websites went down for a time. Since then many large operators have taken to
<em>smearing</em> the extra second, running their clocks very slightly slow over many hours so
that no single minute is unusual. But they do not all smear in the same way, so for a day or so
their clocks quietly disagree with one another and with UTC.</p>
<p>Those disagreements matter more every year. Markets time-stamp trades to the microsecond;
power grids, mobile networks and data centres keep equipment in step across continents. Each
leap second is a small, scheduled risk to all of them, and one that is rarely rehearsed,
because the event comes round so seldom.</p>
<p>There is a newer twist as well. Since about 2020 the Earth has, on average, been turning
slightly faster, and timekeepers have openly discussed whether the first <em>negative</em> leap
second might one day be needed: a minute with only 59 seconds, something no system has ever had
to handle. Retiring the leap second takes that prospect off the table too.</p>
<p>The cost falls on those who need to know exactly where the Earth is pointing, such as
astronomers, satellite operators and some navigation systems. Most of them already work with
UT1 directly, and the IERS will keep publishing the difference. For everyone else, the sun will
drift against the clock by something on the order of a minute over the coming century, far
less than the hour that people in daylight-saving countries accept twice a year.</p>
""",
    "sources": [
        {
            "key": "bipm",
            "citation": "International Bureau of Weights and Measures (BIPM): resolutions of "
            "the 27th General Conference on Weights and Measures, November 2022 (link: BIPM "
            "home page)",
            "publisher": "BIPM",
            "url": "https://www.bipm.org/",
            "kind": Source.Kind.DOCUMENT,
        },
        {
            "key": "iers",
            "citation": "International Earth Rotation and Reference Systems Service: Bulletin C "
            "and the table of leap seconds since 1972 (link: IERS home page)",
            "publisher": "IERS",
            "url": "https://www.iers.org/",
            "kind": Source.Kind.DATA,
        },
        {
            "key": "nist",
            "citation": "U.S. National Institute of Standards and Technology: time and frequency "
            "explainers (link: NIST home page)",
            "publisher": "NIST",
            "url": "https://www.nist.gov/",
            "kind": Source.Kind.REPORT,
        },
        {
            "key": "gps",
            "citation": "GPS.gov, the U.S. government's information site on the Global "
            "Positioning System (home page)",
            "publisher": "U.S. government",
            "url": "https://www.gps.gov/",
            "kind": Source.Kind.DOCUMENT,
        },
        {
            "key": "itu",
            "citation": "International Telecommunication Union: radiocommunication work on the "
            "future of UTC (link: ITU home page)",
            "publisher": "ITU",
            "url": "https://www.itu.int/",
            "kind": Source.Kind.DOCUMENT,
        },
    ],
    "facts": [
        {
            "text": "In November 2022 the 27th General Conference on Weights and Measures "
            "decided that the maximum allowed difference between UT1 and UTC will be increased "
            "no later than 2035.",
            "sources": ["bipm"],
        },
        {
            "text": "Leap seconds keep UTC within 0.9 seconds of UT1, the time scale that "
            "follows the Earth's rotation.",
            "sources": ["iers", "nist"],
        },
        {
            "text": "Twenty-seven leap seconds were added between 1972 and 2016; the most recent "
            "was inserted at the end of 31 December 2016.",
            "sources": ["iers"],
        },
        {
            "text": "The IERS announces leap seconds in its Bulletin C, published twice a year, "
            "about six months before a leap second would take effect.",
            "sources": ["iers"],
        },
        {
            "text": "Since 1967 the SI second has been defined as 9,192,631,770 periods of the "
            "radiation from a particular transition of the caesium-133 atom.",
            "sources": ["bipm", "nist"],
        },
        {
            "text": "GPS time has added no leap seconds since it was aligned with UTC in 1980, "
            "and now runs 18 seconds ahead of UTC.",
            "sources": ["gps"],
        },
    ],
    "viewpoints": [
        (
            "bipm",
            "Hosts the conference that took the decision, and argues that a continuous UTC, "
            "free of jumps, serves science and industry better than one corrected by hand.",
        ),
        (
            "iers",
            "Will keep measuring the Earth's rotation and publishing the gap between UT1 and "
            "UTC, so that anyone who needs astronomical time can still correct for it.",
        ),
        (
            "itu",
            "Long responsible for the rules on broadcast time signals, it debated the leap "
            "second for years and deferred a decision in 2015; it now works with the BIPM on "
            "how the change is carried out.",
        ),
        (
            "astronomers-satellite-operators",
            "Need to know precisely where the Earth is pointing. Most already use UT1 "
            "directly, but want the difference to stay accurate, published and easy to get.",
        ),
        (
            "network-engineers",
            "Many have pressed for the change: to them a leap second is a rare, hard-to-test "
            "event that has caused outages and forced incompatible workarounds.",
        ),
    ],
    "timeline": [
        past(
            on(1972, 1, 1),
            "UTC in its present form takes effect, 10 seconds behind International Atomic Time.",
            "iers",
        ),
        past(on(1972, 6, 30), "The first leap second is added at the end of the day.", "iers"),
        past(
            on(2012, 6, 30),
            "A leap second trips up some Linux servers and briefly takes several websites offline.",
        ),
        past(on(2016, 12, 31), "The 27th and, so far, last leap second is added.", "iers"),
        past(
            in_month(2022, 11),
            "The General Conference on Weights and Measures votes to retire the leap second "
            "by 2035.",
            "bipm",
        ),
        upcoming(
            next_month_among(1, 7),
            "The IERS is due to publish its next Bulletin C, saying whether a leap second will "
            "be added at the next opportunity.",
            "iers",
        ),
        upcoming(
            in_year(2035),
            "The deadline by which the wider tolerance between UT1 and UTC must take effect.",
            "bipm",
        ),
        watch(
            "Which new maximum difference between UT1 and UTC the timekeeping bodies propose, "
            "and whether the gap is ever to be closed."
        ),
        watch(
            "Whether the Earth's recent speed-up continues, raising the question of a negative "
            "leap second before the change takes effect."
        ),
    ],
    "related": ["what-is-a-heat-dome"],
}

HEAT_DOME: dict[str, Any] = {
    "slug": "what-is-a-heat-dome",
    "title": "What is a heat dome, and why is it so dangerous?",
    "dek": "A stubborn ridge of high pressure can trap heat over a region for days on end; the "
    "Pacific Northwest heat of June 2021 showed how deadly that can be.",
    "state": Explainer.State.PUBLISHED,
    "authors": [WRITER2],
    "topics": ["climate-weather", "public-health"],
    "what_happened": """
<p>“Heat dome” has moved from forecasters' shorthand into everyday weather reports. It describes
a pattern in which a large, stubborn area of high pressure parks over a region for days, or even
weeks, and the air beneath it keeps getting hotter.</p>
<p>The case meteorologists return to most often is the Pacific Northwest of North America in
late June 2021. A heat dome settled over Oregon, Washington and British Columbia, places where
many homes have no air conditioning because summers are usually mild. On 29 June the village of
Lytton, British Columbia, recorded <strong>49.6 °C</strong>, the highest temperature ever
measured in Canada. The next day a wildfire swept through the village and destroyed most of
it.</p>
<p>Portland and Seattle broke their all-time temperature records by wide margins, and in
British Columbia alone coroners later linked more than 600 deaths to the heat. Forecasters had
seen the event coming days in advance. What startled many of them was how far it went beyond
anything in the historical record.</p>
""",
    "background": """
<p>Weather in the middle latitudes is steered by the jet stream, a fast river of air high in the
atmosphere that meanders north and south. When a large northward bulge in it, known as a
<em>ridge</em>, stalls in place, the air underneath sinks slowly towards the ground. Sinking air
is squeezed as it descends, and squeezed air warms up, the same effect that makes a bicycle pump
grow warm in the hand.</p>
<p>The sinking motion also suppresses clouds, so the sun beats down on the ground day after day.
The soil dries out, and dry ground heats faster, because less of the sun's energy goes into
evaporating water. The hot air near the surface is held in place by the warm, sinking air above
it, rather like a lid on a pot, which is where the image of a dome comes from.</p>
<p>Heat domes are not new. What has changed is the baseline they start from: because the planet
has warmed, the same weather pattern now produces higher peak temperatures than it would have a
century ago. A rapid study by the
<a href="https://www.worldweatherattribution.org/">World Weather Attribution</a> group concluded
that the 2021 Pacific Northwest heat would have been virtually impossible without human-caused
climate change.</p>
""",
    "why_it_matters": """
<p>Heat is a quiet killer. The U.S. National Weather Service counts it as the leading
weather-related cause of death in the United States, ahead of floods, tornadoes and hurricanes.
Many of its victims die indoors and alone, often older people or people with a chronic illness,
in homes that never cool down.</p>
<p>That is what makes a heat dome so dangerous: it lasts. One hot afternoon is survivable for
most people. Several in a row, with nights that stay warm, give the body no chance to recover,
which is why overnight temperatures are often a better guide to the risk than the daytime
peak.</p>
<p>Long heat events also strain the systems people rely on to cope:</p>
<ul>
<li>electricity demand surges as air conditioners run flat out, just as power lines and
transformers work less efficiently in the heat;</li>
<li>roads can buckle and rail services slow down to avoid damaged track;</li>
<li>ambulance services and emergency departments see a rise in calls.</li>
</ul>
<p>The practical lessons are well established: check on neighbours who live alone, know where
the nearest cooling centre is, and take warnings seriously even in places that rarely get hot.
More cities now keep written heat plans that open cooling centres earlier and, during long
events, overnight.</p>
""",
    "sources": [
        {
            "key": "noaa",
            "citation": "National Oceanic and Atmospheric Administration (NOAA): heat wave "
            "science (link: NOAA home page)",
            "publisher": "NOAA",
            "url": "https://www.noaa.gov/",
            "kind": Source.Kind.REPORT,
        },
        {
            "key": "nws",
            "citation": "U.S. National Weather Service: heat safety (link: NWS home page)",
            "publisher": "National Weather Service",
            "url": "https://www.weather.gov/",
            "kind": Source.Kind.DOCUMENT,
        },
        {
            "key": "eccc",
            "citation": "Environment and Climate Change Canada: climate records (link: ECCC "
            "home page)",
            "publisher": "Government of Canada",
            "url": "https://www.canada.ca/en/environment-climate-change.html",
            "kind": Source.Kind.DATA,
        },
        {
            "key": "bc",
            "citation": "British Columbia Coroners Service: review of the heat-related deaths of "
            "summer 2021 (link: Government of British Columbia home page)",
            "publisher": "Government of British Columbia",
            "url": "https://www2.gov.bc.ca/",
            "kind": Source.Kind.REPORT,
        },
        {
            "key": "wwa",
            "citation": "World Weather Attribution: analysis of the June 2021 Pacific Northwest "
            "heat wave (link: WWA home page)",
            "publisher": "World Weather Attribution",
            "url": "https://www.worldweatherattribution.org/",
            "kind": Source.Kind.REPORT,
            "published_on": None,
        },
        {
            "key": "wmo",
            "citation": "World Meteorological Organization: extreme heat (link: WMO home page)",
            "publisher": "WMO",
            "url": "https://wmo.int/",
            "kind": Source.Kind.REPORT,
        },
    ],
    "facts": [
        {
            "text": "A heat dome forms when a persistent ridge of high pressure traps hot air "
            "over a region: the air sinking under the ridge warms as it is compressed and keeps "
            "the skies clear.",
            "sources": ["noaa", "nws"],
        },
        {
            "text": "Lytton, British Columbia, recorded 49.6 °C on 29 June 2021, the highest "
            "temperature ever measured in Canada.",
            "sources": ["eccc"],
        },
        {
            "text": "British Columbia's coroners linked more than 600 deaths to the heat of late "
            "June and early July 2021.",
            "sources": ["bc"],
        },
        {
            "text": "World Weather Attribution found that the June 2021 Pacific Northwest heat "
            "would have been virtually impossible without human-caused climate change.",
            "sources": ["wwa"],
        },
        {
            "text": "The U.S. National Weather Service describes heat as the leading "
            "weather-related cause of death in the United States.",
            "sources": ["nws"],
        },
    ],
    "viewpoints": [
        (
            "wmo",
            "Says heat waves are becoming more frequent and more intense as the climate warms, "
            "and urges every country to have warning systems that reach the people at risk.",
        ),
        (
            "us-national-weather-service",
            "Issues heat advisories and warnings, and stresses that heat kills more Americans "
            "on average than any other kind of weather.",
        ),
        (
            "public-health-agencies",
            "Focus on the people most at risk, such as older adults, people who live alone, "
            "people with chronic illness and outdoor workers, and on reaching them early.",
        ),
        (
            "electricity-grid-operators",
            "Plan for record demand during long heat events and may ask customers to cut their "
            "use in the late afternoon, when air conditioning peaks.",
        ),
        (
            "parents-and-caregivers",
            "Want clear advice on keeping babies and young children cool, and on when heat "
            "makes outdoor play, sport or school trips unsafe.",
        ),
    ],
    "timeline": [
        past(
            on(2021, 6, 28),
            "Portland, Oregon, and Seattle set all-time high temperature records.",
            "noaa",
        ),
        past(
            on(2021, 6, 29),
            "Lytton, British Columbia, reaches 49.6 °C, a Canadian record.",
            "eccc",
        ),
        past(on(2021, 6, 30), "A wildfire destroys most of Lytton."),
        past(
            in_month(2021, 7),
            "World Weather Attribution publishes its rapid analysis of the heat wave.",
            "wwa",
        ),
        past(
            in_year(2022),
            "British Columbia's coroners publish their review of the heat-related deaths.",
            "bc",
        ),
        upcoming(
            next_annual(6, 1),
            "Meteorological summer begins in the Northern Hemisphere, the start of the main "
            "heat-wave season in North America and Europe.",
        ),
        upcoming(
            next_year(),
            "The WMO publishes its yearly State of the Global Climate report, including the "
            "past year's heat extremes.",
            "wmo",
        ),
        watch("Whether cities keep cooling centres open overnight during long heat events."),
        watch("Whether heat warnings reach people who live alone and have no air conditioning."),
        watch("How well seasonal outlooks anticipate the stalled ridges behind heat domes."),
    ],
    "related": ["leap-second-retirement"],
}

FOUR_DAY_WEEK: dict[str, Any] = {
    "slug": "port-alder-four-day-school-week",
    "title": "Why Port Alder's schools are switching to a four-day week",
    "dek": "Facing a budget gap and a shortage of teachers, the city's school board has voted to "
    "close classrooms on Fridays from the next school year.",
    "state": Explainer.State.PUBLISHED,
    "authors": [WRITER, WRITER2],
    "topics": ["education", "local-government"],
    "what_happened": """
<p>Port Alder's public schools will teach children four days a week instead of five. On
14 October 2026 the board of the Port Alder Unified School District voted to move all 23 of its
schools to a Monday-to-Thursday timetable, starting with the next school year. Fridays will
become a day off for most students, with supervised activities at some schools, and a working
day for many teachers.</p>
<p>To make up part of the lost time, each school day will run 55 minutes longer. The district
says the change will save about $2.3 million a year, mainly on buses, substitute teachers and
heating and lighting its buildings, and that it will help it recruit and keep teachers at a time
when dozens of teaching posts have been hard to fill.</p>
<p>The vote followed a long public meeting at which parents, teachers and local employers spoke
for more than three hours. Supporters called the four-day week the least painful way to close
a budget gap; opponents warned that working families would bear the cost of a fifth day of
childcare.</p>
""",
    "background": """
<p>Four-day school weeks are not new. They have spread over the past two decades, mostly in
rural districts in the western and central United States, where long bus routes make every
school day expensive and small districts compete with bigger neighbours for teachers. Port Alder,
a mid-sized coastal city, would be one of the larger districts to make the switch.</p>
<p>The district's finances have been under pressure for several years. Enrolment has fallen as
housing costs have pushed young families out of the city, and state funding follows the number
of students. In September 2026 the district's budget outlook projected a shortfall of
$4.1 million for the following school year if nothing changed. The board had first looked at a
shorter week in 2023 and shelved the idea after a lukewarm response.</p>
<p>This time the district asked families and staff directly. In a survey in May 2026, parents
were almost evenly split, while a clear majority of the teachers who answered favoured the
change. Many teachers said that a regular weekday for planning, training and their own
appointments would make the job more sustainable.</p>
<p>Research from elsewhere gives both sides something to point to. Studies of four-day weeks
have generally found them popular with teachers and students, and found that the savings are
real but modest. Some studies have also found small declines in achievement, especially where
the extra minutes on the remaining days were not used well.</p>
""",
    "why_it_matters": """
<p>For families, the first question is what children will do on Fridays. The district plans
supervised programmes at nine school sites, free for students who qualify for free or
reduced-price school meals and charged on a sliding scale for others. Parents who work on
Fridays and cannot use those sites will have to find, and pay for, care themselves.</p>
<p>For students, the trade is fewer but longer days. Younger children may find a school day of
nearly seven and a half hours tiring, and the district will have to show that the extra minutes
go into teaching rather than longer breaks. Over a whole year, students will spend about
95 percent as much time in class as they do now.</p>
<p>For the district, the savings would cover a little over half of the projected gap, so the
board will still have to find cuts or new money elsewhere. The bigger bet is on staffing: if the
four-day week helps Port Alder hire and keep teachers, it expects to spend less on substitutes
and to have fewer classes taught by temporary staff.</p>
<p>Other districts in the region are watching. Good results would strengthen the case for
shorter weeks beyond rural areas; falling achievement or an exodus of families would make Port
Alder the example that opponents cite.</p>
""",
    "sources": [
        {
            "key": "minutes",
            "citation": "Port Alder Unified School District: minutes of the board meeting of "
            "14 October 2026 (invented for this demo; no link)",
            "publisher": "Port Alder Unified School District",
            "url": "",
            "kind": Source.Kind.DOCUMENT,
            "published_on": date(2026, 10, 14),
        },
        {
            "key": "outlook",
            "citation": "Port Alder Unified School District: budget outlook for the following "
            "school year, 2 September 2026 (invented for this demo; no link)",
            "publisher": "Port Alder Unified School District",
            "url": "",
            "kind": Source.Kind.REPORT,
            "published_on": date(2026, 9, 2),
        },
        {
            "key": "survey",
            "citation": "Port Alder Unified School District: survey of families and staff on "
            "the school calendar, May 2026 (invented for this demo; no link)",
            "publisher": "Port Alder Unified School District",
            "url": "",
            "kind": Source.Kind.DATA,
        },
        {
            "key": "rand",
            "citation": "RAND Corporation: research on four-day school weeks (link: RAND home "
            "page)",
            "publisher": "RAND Corporation",
            "url": "https://www.rand.org/",
            "kind": Source.Kind.REPORT,
        },
        {
            "key": "ecs",
            "citation": "Education Commission of the States: state policies on the school "
            "calendar (link: ECS home page)",
            "publisher": "Education Commission of the States",
            "url": "https://www.ecs.org/",
            "kind": Source.Kind.REPORT,
        },
        {
            "key": "nces",
            "citation": "U.S. National Center for Education Statistics (home page)",
            "publisher": "NCES",
            "url": "https://nces.ed.gov/",
            "kind": Source.Kind.DATA,
        },
    ],
    "facts": [
        {
            "text": "The Port Alder Unified School District board voted 5–2 on 14 October 2026 "
            "to move all 23 of its schools to a Monday-to-Thursday week.",
            "sources": ["minutes"],
        },
        {
            "text": "Each school day will be 55 minutes longer and the school year will have "
            "148 days instead of 178, so students keep about 95 percent of their yearly class "
            "time.",
            "sources": ["minutes"],
        },
        {
            "text": "The district expects to save about $2.3 million a year: just over 1 percent "
            "of its $198 million operating budget, and a little over half of the $4.1 million "
            "shortfall projected for the following school year.",
            "sources": ["outlook", "minutes"],
        },
        {
            "text": "In the district's May 2026 survey, 48 percent of responding parents favoured "
            "the change, 44 percent opposed it and 8 percent were unsure; 71 percent of "
            "responding teachers were in favour.",
            "sources": ["survey"],
        },
        {
            "text": "Supervised Friday programmes will run at nine school sites, free for "
            "students who qualify for free or reduced-price meals.",
            "sources": ["minutes"],
        },
        {
            "text": "In the United States, four-day school weeks are found mostly in rural "
            "districts, many of them in western and central states.",
            "sources": ["rand", "ecs"],
        },
    ],
    # The first publication got the vote wrong; the seed publishes that version, then the
    # corrected one with a public correction, so the demo shows a version history.
    "correction": {
        "fact": 0,
        "was": "The Port Alder Unified School District board voted 4–3 on 14 October 2026 to "
        "move all 23 of its schools to a Monday-to-Thursday week.",
        "kind": Correction.Kind.CORRECTION,
        "text": "An earlier version of this explainer gave the board's vote as 4–3. The board "
        "voted 5–2.",
        "change_note": "Corrected the board's vote count (5–2, not 4–3).",
    },
    "viewpoints": [
        (
            "port-alder-unified-school-district",
            "Says the four-day week is the least damaging way to close its budget gap and will "
            "help it recruit and keep teachers.",
        ),
        (
            "port-alder-education-association",
            "Backed the change after most teachers favoured it in the survey, but wants "
            "guarantees that longer days will not mean more unpaid work.",
        ),
        (
            "parents-and-caregivers",
            "Divided: some welcome a longer weekend with their children, while parents who "
            "work on Fridays worry about the cost and availability of care.",
        ),
        (
            "port-alder-chamber-of-commerce",
            "Warns that employers will lose staff hours if parents must stay home on Fridays, "
            "and has asked the district to expand the Friday programmes.",
        ),
        (
            "port-alder-city-council",
            "Has no vote on the school calendar, but has offered library and recreation-centre "
            "space for Friday activities.",
        ),
    ],
    "timeline": [
        past(in_year(2023), "The board studies a four-day week and shelves the idea."),
        past(
            in_month(2026, 5),
            "The district surveys families and staff about the school calendar.",
            "survey",
        ),
        past(
            on(2026, 9, 2),
            "The district's budget outlook projects a $4.1 million shortfall for the following "
            "school year.",
            "outlook",
        ),
        past(
            on(2026, 10, 14),
            "The school board votes to adopt a four-day week.",
            "minutes",
        ),
        upcoming(
            days_ahead(45),
            "The board is due to vote on contracts for the Friday programmes.",
        ),
        upcoming(
            months_ahead(4),
            "The district is due to publish the new bell schedules and bus routes.",
        ),
        upcoming(next_year(), "The first school year on the four-day calendar begins."),
        watch("Whether enrolment falls as families move to five-day districts nearby."),
        watch("Whether test results change in the first years of the new calendar."),
        watch("Whether the district fills its teaching vacancies faster than before."),
    ],
    "related": ["what-is-a-heat-dome"],
}

WEIR_REFERENDUM: dict[str, Any] = {
    "slug": "port-alder-tannery-weir-referendum",
    "title": "Port Alder votes on removing the Tannery Weir",
    "dek": "A low dam built for a nineteenth-century tannery blocks fish from the upper Alder "
    "River; voters will decide whether the city pays its share of taking it out.",
    # Submitted by its writer and waiting for the fact-checker: its facts are not checked yet.
    "state": Explainer.State.IN_REVIEW,
    "authors": [WRITER2],
    "topics": ["environment", "local-government"],
    "what_happened": """
<p>Port Alder's voters will decide in a citywide referendum whether the Tannery Weir, a low
stone-and-concrete dam across the Alder River, should be removed. On 3 November 2026 the city
council voted 6–3 to put the question on the ballot rather than settle it themselves.</p>
<p>If the measure passes, the city would contribute $3.5 million towards a removal project
estimated at $11.8 million, with the rest expected to come from state and federal
river-restoration grants. If it fails, the weir stays, and the city will have to pay to repair
its failing fish ladder.</p>
""",
    "background": """
<p>The weir was built in 1887 to hold back a millpond for a tannery that closed more than a
century ago. It is only about three metres high, but that is enough to stop salmon and trout
from reaching some 40 kilometres of spawning streams upstream. A fish ladder added in the 1960s
has never worked well, and an inspection in 2025 found that it needs major repairs.</p>
<p>Removing even a small dam changes a river. Sediment that has built up behind it for
generations moves downstream, the millpond drains, and the river cuts a new channel. Those
changes are why some residents are nervous, and why the project would be carried out in
stages over two summers.</p>
""",
    "why_it_matters": """
<p>Supporters see a rare chance to reopen a whole river system to migrating fish at a fraction
of the cost of maintaining the weir for decades. Opponents worry about losing the millpond, the
centrepiece of the city's oldest park, and question whether the grants will arrive.</p>
<p>The result will also shape how Port Alder pays for environmental projects: it is the first
time in two decades that the council has asked voters, rather than deciding itself.</p>
""",
    "sources": [
        {
            "key": "council",
            "citation": "Port Alder City Council: minutes of the meeting of 3 November 2026 "
            "(invented for this demo; no link)",
            "publisher": "Port Alder City Council",
            "url": "",
            "kind": Source.Kind.DOCUMENT,
            "published_on": date(2026, 11, 3),
        },
        {
            "key": "feasibility",
            "citation": "Alder River Restoration Partnership: Tannery Weir feasibility study, "
            "2025 (invented for this demo; no link)",
            "publisher": "Alder River Restoration Partnership",
            "url": "",
            "kind": Source.Kind.REPORT,
        },
        {
            "key": "noaa-fisheries",
            "citation": "NOAA Fisheries: fish passage and dam removal (link: NOAA Fisheries home "
            "page)",
            "publisher": "NOAA Fisheries",
            "url": "https://www.fisheries.noaa.gov/",
            "kind": Source.Kind.REPORT,
        },
    ],
    "facts": [
        {
            "text": "The city council voted 6–3 on 3 November 2026 to put the weir's removal to "
            "a referendum.",
            "sources": ["council"],
        },
        {
            "text": "The weir was built in 1887 for a tannery's millpond and is about three "
            "metres high.",
            "sources": ["feasibility"],
        },
        {
            "text": "Removal is estimated to cost $11.8 million, of which the city would pay "
            "$3.5 million.",
            "sources": ["council", "feasibility"],
        },
        {
            "text": "The weir keeps migrating fish from about 40 kilometres of upstream spawning "
            "streams.",
            "sources": ["feasibility"],
        },
    ],
    "viewpoints": [
        (
            "port-alder-city-council",
            "Split 6–3 on sending the question to voters; the majority said a decision this "
            "large and this visible should be made by residents.",
        ),
        (
            "alder-river-restoration-partnership",
            "Campaigns for removal, calling it the single most effective step for the river's "
            "salmon and trout.",
        ),
        (
            "millpond-park-neighbours",
            "Many want to keep the millpond and fear mudflats while the river settles into its "
            "new channel.",
        ),
        (
            "port-alder-chamber-of-commerce",
            "Has taken no position, but asked the city to publish what repairing the fish "
            "ladder would cost if the weir stays.",
        ),
    ],
    "timeline": [
        past(in_year(1887), "The Tannery Weir is built to hold back a millpond."),
        past(in_year(2025), "An inspection finds the fish ladder needs major repairs."),
        past(
            on(2026, 11, 3),
            "The city council votes 6–3 to hold a referendum on removing the weir.",
            "council",
        ),
        upcoming(days_ahead(100), "Referendum day."),
        watch("Whether the state and federal grants are awarded."),
        watch("What the city would have to spend on the fish ladder if the weir stays."),
    ],
    "related": [],
}

KING_TIDE: dict[str, Any] = {
    "slug": "what-is-a-king-tide",
    "title": "What is a king tide?",
    "dek": "Why some high tides are much higher than others, and what they show about rising seas.",
    # A writer's draft in progress: not yet submitted.
    "state": Explainer.State.DRAFT,
    "authors": [WRITER],
    "topics": ["climate-weather"],
    "what_happened": """
<p>A few times a year, coastal towns see high tides that flood low streets and car parks on
calm, sunny days. They are often called <em>king tides</em>: not a scientific term, but a
popular name for the highest tides of the year.</p>
""",
    "background": """
<p>Tides are raised mainly by the pull of the moon, helped by the sun. When the two line up, at
new and full moon, the tides are larger; when the moon is also at its closest to the Earth, they
are larger still.</p>
<p>[Writer's note: add the perigee explanation and a local example before submitting.]</p>
""",
    "why_it_matters": "",
    "sources": [],
    "facts": [],
    "viewpoints": [],
    "timeline": [],
    "related": [],
}

EXPLAINERS: list[dict[str, Any]] = [
    LEAP_SECOND,
    HEAT_DOME,
    FOUR_DAY_WEEK,
    WEIR_REFERENDUM,
    KING_TIDE,
]

# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------


QUIET_MAIL = "django.core.mail.backends.dummy.EmailBackend"


class DemoSeedRefused(Exception):
    """Seeding was refused: demo accounts are for development settings only."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


@dataclass
class SeedResult:
    """What one run of :func:`seed` did."""

    logins: list[DemoLogin]
    logins_file: Path
    created: Counter[str] = field(default_factory=Counter)  # rows created, by model (plural)
    published: list[str] = field(default_factory=list)  # slugs published by this run
    kept: list[str] = field(default_factory=list)  # explainer slugs that existed already
    passwords_set: list[str] = field(default_factory=list)  # existing users given the file's

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or self.published or self.passwords_set)


def default_logins_file() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo-logins.txt"


def read_logins(path: Path) -> dict[str, str]:
    """Return ``{username: password}`` from a logins file, or {} when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    passwords = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not line.startswith("#"):
            passwords[parts[0]] = parts[1]
    return passwords


def format_logins(logins: list[DemoLogin]) -> str:
    lines = [
        "# Demo logins for this installation, written by `manage.py seed_demo`.",
        "# Random per installation and reused on every run; delete this file to get new ones.",
        "# username  password  role",
    ]
    width = max(len(login.username) for login in logins)
    lines += [f"{x.username:<{width}}  {x.password}  {x.role}" for x in logins]
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only, replacing it in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".demo-logins-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def seed(*, stdout: TextIO | None = None, logins_file: Path | None = None) -> SeedResult:
    """Create the demo accounts and content that do not exist yet; return what was done.

    Idempotent: users are matched on username, topics, stakeholders and explainers on slug,
    and an existing explainer is never touched. Passwords come from ``logins_file`` (default
    ``var/demo-logins.txt``) when it lists them, and are generated and saved there otherwise,
    so the logins printed are always the ones that work. Raises ``DemoSeedRefused``, having
    written nothing, unless ``settings.DEBUG`` is on.
    """
    if not settings.DEBUG:
        raise DemoSeedRefused(
            "Refusing to create demo accounts and content: settings.DEBUG is off, so these "
            "look like production settings. Demo accounts have known passwords and must never "
            "exist in production. Set DEBUG=1 (for example in .env) on a development machine."
        )
    path = logins_file or default_logins_file()
    say = stdout.write if stdout is not None else (lambda message: None)
    saved = read_logins(path)
    logins = [
        DemoLogin(a.username, saved.get(a.username) or secrets.token_urlsafe(12), a.role)
        for a in ACCOUNTS
    ]
    result = SeedResult(logins=logins, logins_file=path)
    today = timezone.localdate()

    # The demo's history is staged, not news: the workflow's mail to colleagues is dropped.
    with override_settings(EMAIL_BACKEND=QUIET_MAIL), transaction.atomic():
        users = {login.username: _ensure_account(login, result) for login in logins}
        topics = {t["slug"]: _get_or_create(Topic, t, result) for t in TOPICS}
        stakeholders = {s["slug"]: _get_or_create(Stakeholder, s, result) for s in STAKEHOLDERS}
        new: list[tuple[dict[str, Any], Explainer]] = []
        for spec in EXPLAINERS:
            if Explainer.objects.filter(slug=spec["slug"]).exists():
                result.kept.append(spec["slug"])
                continue
            explainer = _create_explainer(spec, users, topics, stakeholders, today, result)
            new.append((spec, explainer))
            say(f"Created “{spec['title']}”.\n")
        # Links second: an explainer may point "up next" at one created after it.
        for spec, explainer in new:
            _link_related(explainer, spec["related"], result)
        for spec, explainer in new:
            _advance(explainer, spec, users, today, result)

    text = format_logins(logins)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        _write_private(path, text)
    return result


def _ensure_account(login: DemoLogin, result: SeedResult):
    """Return the demo user ``login`` describes, creating it or fixing what differs."""
    User = get_user_model()
    account = next(a for a in ACCOUNTS if a.username == login.username)
    is_superuser = account.role == SUPERUSER
    user = User.objects.filter(username=login.username).first()
    if user is None:
        user = User(
            username=account.username,
            first_name=account.first_name,
            last_name=account.last_name,
            email=f"{account.username}@example.org",
            is_staff=True,
            is_superuser=is_superuser,
        )
        user.set_password(login.password)
        user.save()
        result.created["users"] += 1
    else:
        # The printed logins must work: an account made before the logins file existed (or
        # whose password was changed since) is given the password the file lists.
        changed = []
        if not user.check_password(login.password):
            user.set_password(login.password)
            changed.append("password")
            result.passwords_set.append(user.username)
        for attr, value in (("is_staff", True), ("is_active", True)):
            if getattr(user, attr) != value:
                setattr(user, attr, value)
                changed.append(attr)
        if is_superuser and not user.is_superuser:
            user.is_superuser = True
            changed.append("is_superuser")
        if changed:
            user.save()
    if not is_superuser and not user.groups.filter(name=account.role).exists():
        user.groups.add(Group.objects.get(name=account.role))
    return user


def _get_or_create(model, spec: dict[str, str], result: SeedResult):
    obj = model.objects.filter(slug=spec["slug"]).first()
    if obj is None and model is Stakeholder:
        # Someone may have added the same stakeholder by hand under another slug.
        obj = Stakeholder.objects.filter(name__iexact=spec["name"]).first()
    if obj is None:
        obj = model(**spec)
        obj.full_clean()
        obj.save()
        result.created[str(model._meta.verbose_name_plural)] += 1
    return obj


def _create_explainer(spec, users, topics, stakeholders, today: date, result: SeedResult):
    """Write one explainer with everything in it, as its first author would have."""
    author = users[spec["authors"][0]]
    checker = users[CHECKER]
    verified = spec["state"] == Explainer.State.PUBLISHED
    with reversion.create_revision():
        reversion.set_user(author)
        reversion.set_comment("Demo content")
        explainer = Explainer(
            title=spec["title"],
            slug=spec["slug"],
            dek=spec["dek"],
            what_happened=spec["what_happened"].strip(),
            background=spec["background"].strip(),
            why_it_matters=spec["why_it_matters"].strip(),
            updated_by=author,
        )
        # The workflow state is protected from assignment, so it is left out of validation.
        explainer.full_clean(exclude=["state"])
        explainer.save()
        explainer.topics.set([topics[slug] for slug in spec["topics"]])
        for position, username in enumerate(spec["authors"]):
            _create(Byline, result, explainer=explainer, author=users[username], position=position)

        sources = {}
        for position, data in enumerate(spec["sources"]):
            fields = {k: v for k, v in data.items() if k != "key"}
            sources[data["key"]] = _create(
                Source, result, explainer=explainer, position=position, **fields
            )

        correction = spec.get("correction")
        for position, data in enumerate(spec["facts"]):
            first_text = (
                correction["was"] if correction and correction["fact"] == position else None
            )
            fact = _create(
                KeyFact,
                result,
                explainer=explainer,
                position=position,
                text=first_text or data["text"],
                **_check_fields(checker, verified),
            )
            fact.sources.set([sources[key] for key in data["sources"]])

        for position, (slug, text) in enumerate(spec["viewpoints"]):
            _create(
                Viewpoint,
                result,
                explainer=explainer,
                stakeholder=stakeholders[slug],
                position=position,
                text=text,
            )

        for position, event in enumerate(spec["timeline"]):
            when, precision = resolve_when(event["when"], today)
            _check_tense(spec["slug"], event, when, today)
            _create(
                TimelineEvent,
                result,
                explainer=explainer,
                position=position,
                date=when,
                precision=precision,
                kind=event["kind"],
                text=event["text"],
                source=sources[event["source"]] if event["source"] else None,
            )
    result.created["explainers"] += 1
    return explainer


def _create(model, result: SeedResult, **fields):
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    result.created[str(model._meta.verbose_name_plural)] += 1
    return obj


def _check_fields(checker, verified: bool) -> dict[str, Any]:
    if not verified:
        return {}
    return {
        "check_status": KeyFact.Check.VERIFIED,
        "checked_by": checker,
        "checked_at": timezone.now(),
        "check_note": "Checked against the cited sources.",
    }


def _check_tense(slug: str, event: dict[str, Any], when: date | None, today: date) -> None:
    """Refuse demo data whose past events lie ahead or upcoming events behind (a typo)."""
    kind = event["kind"]
    if (kind == TimelineEvent.Kind.PAST and not (when and when <= today)) or (
        kind == TimelineEvent.Kind.UPCOMING and not (when and when > today)
    ):
        raise ValueError(f"{slug}: {kind} event dated {when} on {today}: {event['text']!r}")


def _link_related(explainer: Explainer, slugs: list[str], result: SeedResult) -> None:
    for position, slug in enumerate(slugs):
        target = Explainer.objects.get(slug=slug)
        # The title is stored too, so the link survives (as text) if the target is deleted.
        _create(
            RelatedLink,
            result,
            explainer=explainer,
            target=target,
            title=target.title,
            position=position,
        )


def _advance(explainer: Explainer, spec, users, today: date, result: SeedResult) -> None:
    """Move a new explainer to the state the demo wants, through the real workflow.

    The writer submits, the fact-checker (not an author) approves, the editor publishes, so the
    demo's audit trail, approvals and versions are exactly what the desk would have made.
    """
    writer, checker, editor = users[spec["authors"][0]], users[CHECKER], users[EDITOR]
    state = spec["state"]
    if state == Explainer.State.IN_REVIEW:
        workflow.submit(explainer, by=writer, comment="Ready for fact-checking.")
        workflow.assign(explainer, by=editor, assignee=checker, due=today + timedelta(days=3))
    elif state == Explainer.State.PUBLISHED:
        _publish(explainer, writer=writer, checker=checker, editor=editor)
        result.published.append(explainer.slug)
        if spec.get("correction"):
            _correct(explainer, spec, writer=writer, checker=checker, editor=editor, result=result)


def _publish(
    explainer: Explainer, *, writer, checker, editor, change_note: str = "First publication"
) -> PublishedVersion:
    # workflow.publish files the working copy's change note with the version it makes.
    Explainer.objects.filter(pk=explainer.pk).update(change_note=change_note)
    explainer.refresh_from_db()
    workflow.submit(explainer, by=writer, comment="Ready for fact-checking.")
    workflow.approve(explainer, by=checker, comment="Every key fact checked against its sources.")
    return workflow.publish(explainer, by=editor, comment=change_note)


def _correct(explainer: Explainer, spec, *, writer, checker, editor, result: SeedResult) -> None:
    """Fix the published error, add the public correction and publish the revision."""
    correction = spec["correction"]
    workflow.revise(explainer, by=editor, comment=correction["change_note"])
    fact = explainer.key_facts.get(position=correction["fact"])
    fact.text = spec["facts"][correction["fact"]]["text"]
    fact.checked_by, fact.checked_at = checker, timezone.now()
    fact.check_note = "Rechecked against the board minutes after a reader's query."
    fact.save()
    _create(
        Correction, result, explainer=explainer, kind=correction["kind"], text=correction["text"]
    )
    _publish(
        explainer,
        writer=writer,
        checker=checker,
        editor=editor,
        change_note=correction["change_note"],
    )


def published_slugs() -> list[str]:
    """Return the demo explainers readers can see now, in the demo's order."""
    slugs = [spec["slug"] for spec in EXPLAINERS]
    live = set(
        PublishedVersion.objects.live().filter(slug__in=slugs).values_list("slug", flat=True)
    )
    return [slug for slug in slugs if slug in live]
