"""Import explainers from, and export them to, the plain-text format of FORMAT.md."""
