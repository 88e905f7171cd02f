"""The words of the bulk explainers: a fixed vocabulary per topic and a seeded generator.

Two runs with the same seed write the same words. The text reads like newsroom prose closely
enough for search ranking, page weights and rendering costs to be realistic; ``Prose`` also
writes the plain-text files the bench's import measurement feeds to the importer.
"""

from __future__ import annotations

import random

TOPICS = {
    "Climate": "climate emissions carbon drought heatwave flooding glacier warming renewables",
    "Economy": "inflation interest wages budget deficit tariffs recession growth unemployment",
    "Elections": "ballot turnout candidates polling campaign coalition referendum constituency",
    "Health": "hospital vaccine clinics waiting patients nurses outbreak prescriptions",
    "Housing": "rents mortgages tenants landlords planning construction homelessness",
    "Justice": "court verdict appeal prosecutors sentencing trial evidence jury",
    "Technology": "algorithm privacy platform semiconductor regulation data encryption",
    "Transport": "railway buses congestion fares airport electrification commuters",
    "Education": "schools teachers exams curriculum universities tuition pupils",
    "Energy": "electricity grid nuclear pipeline prices gas wind solar",
    "Migration": "asylum border visas refugees integration deportation",
    "Science": "research telescope genome laboratory experiment satellite",
}
PLACES = [
    "Port Alder", "the capital", "the northern region", "the coast", "the valley",
    "the city council", "the border towns", "the islands", "the eastern provinces",
]  # fmt: skip
COMMON_TEXT = (
    "the a of to and in that for on with as by from at which after before over under "
    "government ministry officials report said says according announced expected plans new "
    "year years month week council committee agency public private local national regional "
    "policy decision vote law bill proposal court data figures percent million billion cost "
    "costs spending rise fall increase decrease change changes people residents families "
    "workers companies businesses groups experts analysts critics supporters opposition "
    "minister mayor leaders officials independent review inquiry investigation evidence "
    "question questions answer reasons because however although while since until during "
    "first second last next previous recent current long short term impact effect effects "
    "pressure demand supply prices services funding support plan plans target targets "
    "process system systems rules standards agreement deal talks negotiations meeting "
    "statement documents records figures survey study analysis warned argued agreed denied "
    "could would should might will may must can cannot still already now then again also "
    "only more most less least many several few other others same different important "
    "major minor significant small large higher lower early late open closed free full"
)
COMMON = COMMON_TEXT.split()


class Prose:
    """Sentences and paragraphs from a fixed vocabulary, per topic."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocabulary = {topic: COMMON + words.split() * 6 for topic, words in TOPICS.items()}

    def sentence(self, topic: str, low: int = 12, high: int = 22) -> str:
        words = self.rng.choices(self.vocabulary[topic], k=self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraph(self, topic: str, sentences: int) -> str:
        return " ".join(self.sentence(topic) for _ in range(sentences))

    def html(self, topic: str, paragraphs: int, sentences: int) -> str:
        return "".join(f"<p>{self.paragraph(topic, sentences)}</p>" for _ in range(paragraphs))


def headline(rng: random.Random, topic: str) -> str:
    word = rng.choice(TOPICS[topic].split())
    place = rng.choice(PLACES)
    return rng.choice(
        [
            f"Why {word} is back on the agenda in {place}",
            f"What the {word} decision means for {place}",
            f"How {place} got here on {word}",
            f"The {word} fight in {place}, explained",
            f"Who gains from the {word} plan in {place}",
        ]
    )
