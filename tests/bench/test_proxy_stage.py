"""The proxy stage of ``make bench`` leaves the settings as it found them.

It publishes from the bench process with the page cache and a Varnish purge backend switched
on; the in-process measurements that follow it (search latency, admin pages) must run with the
page cache off again, or they time cache hits.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings

from bench import proxy


class FakeVarnish:
    def __init__(self, backend_port: int, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"

    def wait(self) -> None:
        pass

    def stop(self) -> None:
        pass


class FakeServer:
    def __init__(self, env: dict[str, str], name: str, page_cache: bool) -> None:
        self.port = 1
        self.base = "http://127.0.0.1:1"

    def wait(self) -> None:
        pass

    def stop(self) -> None:
        pass


def test_proxy_stage_restores_the_page_cache_and_purge_settings(monkeypatch):
    seen = SimpleNamespace(during=None)

    def fake_publish_to_visible(varnish, path, slug, fetch):
        seen.during = (settings.PAGE_CACHE_ENABLED, settings.FRONTEND_CACHE_BACKEND)
        return {"publishes": 0, "median_ms": 0.0, "max_ms": 0.0}

    monkeypatch.setattr(proxy, "Varnish", FakeVarnish)
    monkeypatch.setattr(proxy, "publish_to_visible", fake_publish_to_visible)
    before = (
        settings.PAGE_CACHE_ENABLED,
        settings.FRONTEND_CACHE_BACKEND,
        settings.FRONTEND_CACHE_VARNISH_URLS,
    )

    result = proxy.proxy_stage(
        {},
        FakeServer,
        lambda *args: {"rps": 10.0},
        lambda url: (200, b"", {"X-Cache": "hit"}),
        lambda: 6081,
        path="/explainers/some-page/",
        wrk_binary="wrk",
        duration=1,
        rounds=1,
        threads=1,
        connections=1,
    )

    assert seen.during == (True, "varnish")
    assert result["ratio"] == 1.0
    assert before == (
        settings.PAGE_CACHE_ENABLED,
        settings.FRONTEND_CACHE_BACKEND,
        settings.FRONTEND_CACHE_VARNISH_URLS,
    )
