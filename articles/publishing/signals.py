"""What publishing tells the rest of the site, without importing it."""

from django.dispatch import Signal

# Sent after commit whenever what readers may see changed: a version went live or was
# scheduled, was withdrawn, or an explainer was restored. The page cache listens.
public_pages_changed = Signal()
