"""Admin pages for importing and exporting plain-text explainers."""


class ImportExportAdminMixin:
    """Adds "Import from text" and "Export as text" to the explainer admin."""
