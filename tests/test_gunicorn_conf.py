"""gunicorn.conf.py: settings from the environment, and the worker's garbage-collection setup."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("GUNICORN_ACCESSLOG", "")
    conf = runpy.run_path(str(CONF))
    assert conf["workers"] == 3
    assert conf["bind"] == "127.0.0.1:9001"
    assert conf["accesslog"] is None


def test_worker_freezes_what_it_loaded_and_collects_less_often():
    conf = runpy.run_path(str(CONF))
    thresholds = gc.get_threshold()
    try:
        assert gc.get_freeze_count() == 0
        conf["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == conf["GC_THRESHOLDS"]
        assert conf["GC_THRESHOLDS"][0] > thresholds[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
