"""The project's logging configuration (newsroom/settings.py LOGGING)."""

from __future__ import annotations

import logging

from django.utils.log import configure_logging


def printed_in_development(settings, capsys, logger: str, level: int, message: str) -> list[str]:
    """Return the lines that logging ``message`` prints with DEBUG on and the project's LOGGING."""
    settings.DEBUG = True
    try:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        logging.getLogger(logger).log(level, message)
        return capsys.readouterr().err.splitlines()
    finally:
        # Build the handlers again on the stream pytest will keep, not on this test's capture.
        with capsys.disabled():
            configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def test_development_logging_prints_each_record_once(settings, capsys):
    """With DEBUG on, a warning from a Django logger is printed once, not twice."""
    printed = printed_in_development(
        settings, capsys, "django.db.models", logging.WARNING, "one record"
    )
    assert printed == ["one record"]


def test_development_server_still_logs_each_request(settings, capsys):
    """runserver's one line per request (INFO on django.server) survives the configuration."""
    printed = printed_in_development(
        settings, capsys, "django.server", logging.INFO, '"GET / HTTP/1.1" 200 5'
    )
    assert len(printed) == 1
    assert '"GET / HTTP/1.1" 200 5' in printed[0]
