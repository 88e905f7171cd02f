"""The demo's cast and catalogue: what exists before any explainer file is imported.

The accounts that write, check and publish the demo explainers (with the writers' public bios),
the topics the explainers are filed under, and the stakeholders whose viewpoints they carry.
The seeder creates the topics and stakeholders first, so that the files' viewpoints land on
these stakeholders (matched by name) with their kinds and descriptions; ``manifest`` names them
by username and slug.

The people are invented. Real institutions are described in general-knowledge terms; Port Alder
is an invented city, and its bodies are invented with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles import roles
from articles.models import Stakeholder

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

# The writers' author bios (invented, like the people), shown on their public pages.
AUTHOR_BIOS: dict[str, str] = {
    WRITER: "Mira Castellanos covers science and the city's schools. Before joining the "
    "newsroom she taught physics for six years.",
    WRITER2: "Jonah Whitfield writes about weather, climate and local government, and edits the "
    "newsroom's explainers on public health.",
}

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
