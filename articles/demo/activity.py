"""The desk's own activity in the demo, staged through the real actions after the workflow moves.

What a newsroom would be in the middle of on the day the demo is seeded:

- the explainer in review carries two staff threads: a fact-checker's question on a key fact,
  answered by the writer and resolved, and an editor's open question on a section;
- the same explainer has a live share link, for the newsroom's lawyer;
- a published explainer has a revision approved and scheduled to go live tomorrow morning, so
  the desk calendar shows a "Goes live" date and the workflow panel a scheduled version.

Each is staged for an explainer this run created (``seed`` calls ``stage`` for those only), so
a second run, which creates no explainer, changes nothing here either.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import reversion
from django.utils import timezone

from articles.demo.cast import CHECKER, EDITOR, WRITER2
from articles.models import Explainer, KeyFact, Thread
from articles.publishing import moves as publication
from articles.publishing import preview
from articles.workflow import comments as talk
from articles.workflow import moves as workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import User

THREADS_ON = "port-alder-tannery-weir-referendum"
SHARED = "port-alder-tannery-weir-referendum"
SHARE_FOR = "Our lawyer, J. Adeyemi (pre-publication read)"
SCHEDULED = "what-is-a-heat-dome"
# The scheduled revision: a refreshed summary, live at this hour (newsroom time) tomorrow.
SCHEDULED_DEK = (
    "A stubborn ridge of high pressure can trap heat over a region for days on end. Here is "
    "how heat domes form, why they kill, and what the 2021 Pacific Northwest heat taught "
    "forecasters."
)
SCHEDULED_NOTE = "Summary refreshed for the start of the heat season."
SCHEDULED_HOUR = 7


@dataclass(frozen=True)
class DemoThread:
    """A thread to stage: who starts it on which part, the replies, whether it is resolved."""

    anchor: str  # "fact:<position in the file, from 0>" or "section:<field name>"
    started_by: str
    body: str
    replies: tuple[tuple[str, str], ...] = ()  # (username, body)
    resolved_by: str | None = None


THREADS: tuple[DemoThread, ...] = (
    DemoThread(
        anchor="fact:3",
        started_by=CHECKER,
        body="The feasibility study says 38 km in its summary and 40 km in table 3. "
        "Which figure do we stand behind?",
        replies=(
            (
                WRITER2,
                "Table 3: it is the surveyed length; the summary rounds down an older "
                "estimate. Keeping “about 40 kilometres”.",
            ),
            (CHECKER, "Agreed, table 3 is the better source. Resolving."),
        ),
        resolved_by=CHECKER,
    ),
    DemoThread(
        anchor="section:why_it_matters",
        started_by=EDITOR,
        body="If the city publishes the fish-ladder repair cost before the vote, can we say "
        "it here? Readers will want the cost of keeping the weir beside the cost of removal.",
    ),
)


def stage(
    slug: str, explainer: Explainer, users: dict[str, User], counts: Counter[str]
) -> list[tuple[str, str]]:
    """Stage the demo's desk activity on ``explainer`` (just created by this run).

    Return the share links made, as (for whom, URL path): the path holds the link's only copy
    of its secret, so the caller shows it now.
    """
    links: list[tuple[str, str]] = []
    if slug == THREADS_ON:
        for spec in THREADS:
            start_thread(explainer, spec, users)
            counts["threads"] += 1
    if slug == SHARED:
        link, token = preview.create_share_link(
            explainer, by=users[EDITOR], for_whom=SHARE_FOR, days=preview.SHARE_MAX_DAYS
        )
        counts["share links"] += 1
        links.append((link.for_whom, preview.share_url(token)))
    if slug == SCHEDULED:
        schedule_revision(explainer, users)
    return links


def start_thread(explainer: Explainer, spec: DemoThread, users: dict[str, User]) -> Thread:
    kind, where = spec.anchor.split(":")
    if kind == Thread.Anchor.FACT:
        fact = KeyFact.objects.get(explainer=explainer, position=int(where))
        anchor = f"{kind}:{fact.pk}"
    else:
        anchor = spec.anchor
    starter = users[spec.started_by]
    thread = talk.start_thread(explainer, by=starter, anchor=anchor, body=spec.body)
    for username, body in spec.replies:
        talk.reply(thread, by=users[username], body=body)
    if spec.resolved_by is not None:
        thread = talk.resolve(thread, by=users[spec.resolved_by])
    return thread


def go_live_time(today: datetime.date) -> datetime.datetime:
    """Return tomorrow at SCHEDULED_HOUR in the newsroom's time zone."""
    tomorrow = today + datetime.timedelta(days=1)
    at = datetime.datetime.combine(tomorrow, datetime.time(SCHEDULED_HOUR))
    return timezone.make_aware(at)


def schedule_revision(explainer: Explainer, users: dict[str, User]) -> None:
    """Revise a published explainer's summary and schedule the revision for tomorrow morning:
    the writer edits and submits, the fact-checker approves, the editor schedules."""
    writer, checker, editor = users[WRITER2], users[CHECKER], users[EDITOR]
    workflow.revise(explainer, by=writer, comment="Refreshing the summary for the heat season.")
    with reversion.create_revision():
        reversion.set_user(writer)
        reversion.set_comment(SCHEDULED_NOTE)
        Explainer.objects.filter(pk=explainer.pk).update(
            dek=SCHEDULED_DEK, change_note=SCHEDULED_NOTE, updated_by=writer
        )
        explainer.refresh_from_db()
        reversion.add_to_revision(explainer)
    workflow.submit(explainer, by=writer, comment="Only the summary changed.")
    workflow.approve(explainer, by=checker, comment="Summary checked against the text.")
    publication.publish(
        explainer,
        by=editor,
        comment=SCHEDULED_NOTE,
        go_live_at=go_live_time(timezone.localdate()),
    )
