"""What publishing tells the rest of the site, without importing it."""

from django.dispatch import Signal

# Sent after commit whenever what readers may see changed: a version went live or was
# scheduled, was withdrawn, or an explainer was restored; ``explainer_id`` says whose. The page
# cache and the frontend-cache purge (articles/site/purge.py) listen.
public_pages_changed = Signal()
