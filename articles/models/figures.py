"""Figures: images (photos, charts) placed after one of an explainer's prose sections.

The sections are CKEditor rich text in which uploads are not allowed (the nh3 allowlist has no
``<img>``), so a figure is a row of its own, uploaded and checked like the hero image
(``articles.validators``), and the page shows it after the section it names, in order.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models

from articles.models.explainer import Explainer


class Figure(models.Model):
    class Section(models.TextChoices):
        WHAT_HAPPENED = "what_happened", "What happened"
        BACKGROUND = "background", "Background & context"
        WHY_IT_MATTERS = "why_it_matters", "Why it matters"

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(
        max_length=20,
        choices=Section.choices,
        default=Section.WHAT_HAPPENED,
        help_text="The figure is shown after this section's text.",
    )
    image = models.ImageField(upload_to="figures/%Y/%m/")
    alt = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the image shows, for readers who cannot see it (for a chart: its point).",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    focal_x = models.PositiveSmallIntegerField(
        "focal point, across (%)", default=50, validators=[MaxValueValidator(100)]
    )
    focal_y = models.PositiveSmallIntegerField(
        "focal point, down (%)", default=50, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or self.alt
