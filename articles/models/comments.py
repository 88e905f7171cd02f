"""Staff discussion threads, each anchored to one part of an explainer.

A thread is about a key fact, a source, a stakeholder's viewpoint, a timeline item or a story
section. It remembers the anchored text as it stood when the thread started, so the desk can
say "edited since this comment", and it outlives the row it is about (deleting a fact keeps its
threads: the snapshot says what they were about). Threads belong to the working copy's
history: nothing in publishing, the public site or the export reads them, and no form deletes
them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.models.explainer import Explainer


class Thread(models.Model):
    class Anchor(models.TextChoices):
        FACT = "fact", "Key fact"
        SOURCE = "source", "Source"
        VIEWPOINT = "viewpoint", "Viewpoint"
        TIMELINE = "timeline", "Timeline item"
        SECTION = "section", "Section"

    class Section(models.TextChoices):
        TITLE = "title", "Title"
        DEK = "dek", "Summary (dek)"
        WHAT_HAPPENED = "what_happened", "What happened"
        BACKGROUND = "background", "Background & context"
        WHY_IT_MATTERS = "why_it_matters", "Why it matters"

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="threads")
    anchor = models.CharField(max_length=10, choices=Anchor.choices)
    # The anchored row's id; a plain number rather than a foreign key so that the thread, and
    # what it points at, outlive the row.
    anchor_id = models.PositiveBigIntegerField(null=True, blank=True)
    section = models.CharField(max_length=20, choices=Section.choices, blank=True)
    anchor_text = models.TextField(
        blank=True, help_text="The anchored text when the thread started."
    )
    # Raised by someone who checks facts, on a key fact: approval waits until it is resolved.
    blocks_approval = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["explainer", "resolved_at"], name="thread_explainer_open"),
            models.Index(fields=["anchor", "anchor_id"], name="thread_anchor"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(anchor="section") & Q(anchor_id__isnull=True) & ~Q(section=""))
                | (~Q(anchor="section") & Q(anchor_id__isnull=False) & Q(section="")),
                name="thread_anchor_complete",
                violation_error_message="A thread is about a section, or about one row.",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=False) | Q(resolved_by__isnull=True),
                name="thread_resolver_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_anchor_display()} thread on {self.explainer}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Comment(models.Model):
    """One message in a thread: plain text, escaped wherever it is shown."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="comment_mentions"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:80]
