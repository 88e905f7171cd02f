"""Django's admin autodiscovery imports this module: the desk's ModelAdmins live in desk/."""

from articles.desk import admin, authors, records  # noqa: F401
