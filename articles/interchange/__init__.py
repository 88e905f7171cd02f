"""The plain-text explainer format, import and export."""
