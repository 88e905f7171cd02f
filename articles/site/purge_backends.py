"""The frontend caches purge can talk to, chosen by ``FRONTEND_CACHE_BACKEND``.

Each backend knows the header its proxy reads tags from and how to purge a set of tags or
everything: Varnish (the ``xkey`` vmod, over HTTP to each proxy), Fastly (surrogate keys),
Cloudflare (cache tags) and CloudFront, which has no tags: tags become path patterns to
invalidate. The API address can be pointed elsewhere (``FRONTEND_CACHE_API_URL``) for a
stand-in server in tests or an internal gateway.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar

from django.conf import settings


class PurgeError(Exception):
    """A purge the frontend cache did not confirm."""


def send(request: urllib.request.Request, timeout: float) -> bytes:
    if not request.full_url.startswith(("http://", "https://")):
        raise PurgeError(f"{request.full_url} is not an http(s) address")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise PurgeError(f"{request.full_url} answered {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise PurgeError(f"{request.full_url}: {error}") from error


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass(frozen=True)
class Backend:
    name: ClassVar[str]
    tag_header: ClassVar[str | None]
    tag_separator: ClassVar[str] = " "
    timeout: float = 5.0

    def purge(self, tags: list[str]) -> None:
        raise NotImplementedError

    def purge_all(self) -> None:
        raise NotImplementedError

    def addresses(self) -> list[str]:
        """The addresses purges are sent to (what ``reachable`` checks)."""
        raise NotImplementedError

    def reachable(self) -> None:
        """Raise PurgeError unless every address purges go to accepts a connection."""
        for address in self.addresses():
            parts = urllib.parse.urlsplit(address)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            try:
                socket.create_connection((parts.hostname or "", port), timeout=1.0).close()
            except OSError as error:
                raise PurgeError(f"{address}: {error}") from error


@dataclass(frozen=True)
class Varnish(Backend):
    """Varnish with vmod-xkey: ``PURGE`` with an ``xkey-purge`` header; ``BAN`` for all
    (the VCL in deploy/varnish/default.vcl answers both, from the app servers only)."""

    name = "varnish"
    tag_header = "xkey"
    urls: tuple[str, ...] = field(default=())

    def purge(self, tags: list[str]) -> None:
        for url in self.urls:
            for batch in chunks(tags, 100):
                headers = {"xkey-purge": " ".join(batch)}
                send(urllib.request.Request(url, method="PURGE", headers=headers), self.timeout)

    def purge_all(self) -> None:
        for url in self.urls:
            send(urllib.request.Request(url, method="BAN"), self.timeout)

    def addresses(self) -> list[str]:
        return list(self.urls)


@dataclass(frozen=True)
class Fastly(Backend):
    """Fastly's purge by surrogate key (up to 256 keys a request) and purge all."""

    name = "fastly"
    tag_header = "Surrogate-Key"
    api: str = "https://api.fastly.com"
    service: str = ""
    token: str = ""

    def _post(self, path: str, headers: dict[str, str]) -> None:
        request = urllib.request.Request(
            f"{self.api}/service/{self.service}/{path}",
            method="POST",
            headers={"Fastly-Key": self.token, "Accept": "application/json", **headers},
        )
        send(request, self.timeout)

    def purge(self, tags: list[str]) -> None:
        for batch in chunks(tags, 256):
            self._post("purge", {"Surrogate-Key": " ".join(batch)})

    def purge_all(self) -> None:
        self._post("purge_all", {})

    def addresses(self) -> list[str]:
        return [self.api]


@dataclass(frozen=True)
class Cloudflare(Backend):
    """Cloudflare's purge_cache by cache tag (up to 30 tags a request) or everything."""

    name = "cloudflare"
    tag_header = "Cache-Tag"
    tag_separator = ","
    api: str = "https://api.cloudflare.com/client/v4"
    service: str = ""  # the zone id
    token: str = ""

    def _post(self, body: dict[str, Any]) -> None:
        request = urllib.request.Request(
            f"{self.api}/zones/{self.service}/purge_cache",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        answer = json.loads(send(request, self.timeout) or b"{}")
        if not answer.get("success"):
            raise PurgeError(f"Cloudflare refused the purge: {answer.get('errors')}")

    def purge(self, tags: list[str]) -> None:
        for batch in chunks(tags, 30):
            self._post({"tags": batch})

    def purge_all(self) -> None:
        self._post({"purge_everything": True})

    def addresses(self) -> list[str]:
        return [self.api]


# CloudFront invalidates paths, not tags: each tag becomes the paths it stands for. An
# explainer's id stands for its pages and every page whose "Up next" names it, so it
# invalidates every explainer page (one wildcard path, as CloudFront counts them).
CLOUDFRONT_PATHS = {
    "home": ["/"],
    "feeds": ["/feeds/*"],
    "watch": ["/watch/", "/watch.ics"],
    "search": ["/search/*"],
    "corrections": ["/corrections/*"],
    "sitemaps": ["/sitemap.xml", "/news-sitemap.xml", "/robots.txt"],
    "pages": ["/about/*"],
}
CLOUDFRONT_PREFIXES = {
    "explainer-": "/explainers/*",
    "explainer:": "/explainers/{}/*",
    "topic:": "/topics/{}/*",
    "stakeholder:": "/stakeholders/{}/*",
    "author:": "/authors/{}/*",
}


def cloudfront_paths(tags: list[str]) -> list[str]:
    paths: dict[str, None] = {}
    for tag in tags:
        for path in CLOUDFRONT_PATHS.get(tag, []):
            paths[path] = None
        for prefix, pattern in CLOUDFRONT_PREFIXES.items():
            if tag.startswith(prefix):
                paths[pattern.format(tag.removeprefix(prefix))] = None
    return list(paths)


@dataclass(frozen=True)
class CloudFront(Backend):
    """CloudFront invalidations through boto3 (credentials from the usual AWS variables)."""

    name = "cloudfront"
    tag_header = None
    api: str = ""
    service: str = ""  # the distribution id

    def _invalidate(self, paths: list[str]) -> None:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client("cloudfront", endpoint_url=self.api or None)
        try:
            client.create_invalidation(
                DistributionId=self.service,
                InvalidationBatch={
                    "Paths": {"Quantity": len(paths), "Items": paths},
                    "CallerReference": uuid.uuid4().hex,
                },
            )
        except (BotoCoreError, ClientError) as error:
            raise PurgeError(f"CloudFront refused the invalidation: {error}") from error

    def purge(self, tags: list[str]) -> None:
        paths = cloudfront_paths(tags)
        if paths:
            self._invalidate(paths)

    def purge_all(self) -> None:
        self._invalidate(["/*"])

    def addresses(self) -> list[str]:
        return [self.api or "https://cloudfront.amazonaws.com"]


BACKENDS: dict[str, type[Backend]] = {
    backend.name: backend for backend in (Varnish, Fastly, Cloudflare, CloudFront)
}


def configured() -> Backend | None:
    """The backend the settings name, or None when no frontend cache is configured."""
    return _build(
        settings.FRONTEND_CACHE_BACKEND,
        tuple(settings.FRONTEND_CACHE_VARNISH_URLS),
        settings.FRONTEND_CACHE_API_URL,
        settings.FRONTEND_CACHE_SERVICE,
        settings.FRONTEND_CACHE_TOKEN,
        settings.FRONTEND_CACHE_TIMEOUT,
    )


@lru_cache(maxsize=4)
def _build(
    name: str, varnish: tuple[str, ...], api: str, service: str, token: str, timeout: float
) -> Backend | None:
    if not name:
        return None
    if name == "varnish":
        return Varnish(timeout=timeout, urls=varnish)
    options: dict[str, Any] = {"timeout": timeout, "service": service}
    if api:
        options["api"] = api.rstrip("/")
    if name != "cloudfront":
        options["token"] = token
    return BACKENDS[name](**options)
