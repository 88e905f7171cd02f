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


def test_development_server_still_logs_each_request(settings, capsys):
    """runserver's one line per request (INFO on django.server) survives the configuration."""
    settings.DEBUG = True
    try:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        logging.getLogger("django.server").info('"GET / HTTP/1.1" 200 5')
        printed = capsys.readouterr().err
    finally:
        with capsys.disabled():
            configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    assert len(printed.splitlines()) == 1
    assert '"GET / HTTP/1.1" 200 5' in printed
