"""The project's logging configuration (newsroom/settings.py LOGGING)."""

from __future__ import annotations

import logging

from django.utils.log import configure_logging


def test_development_logging_prints_each_record_once(settings, capsys):
    """With DEBUG on, a warning from a Django logger is printed once, not twice."""
    settings.DEBUG = True
    try:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        logging.getLogger("django.db.models").warning("one record")
        printed = capsys.readouterr().err
    finally:
        # Build the handlers again on the stream pytest will keep, not on this test's capture.
        with capsys.disabled():
            configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    assert printed.splitlines() == ["one record"]
