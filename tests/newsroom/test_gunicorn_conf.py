"""gunicorn.conf.py: settings from the environment, and the worker's garbage-collection setup."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


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


def test_metrics_directory_is_emptied_at_start(monkeypatch, tmp_path):
    """Stale per-worker metric files from an earlier run are removed when gunicorn starts."""
    metrics_dir = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    conf = runpy.run_path(str(CONF))
    conf["on_starting"](server=None)
    (metrics_dir / "counter_123.db").write_bytes(b"old")
    conf["on_starting"](server=None)
    assert list(metrics_dir.iterdir()) == []
