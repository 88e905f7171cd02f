"""Settings for Newsroom, read from the environment (12-factor).

Every value a deployment changes comes from an environment variable (or a ``.env`` file at
the project root, which ``make run`` writes for local development and git ignores).
"""

import sys
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from articles.interchange.textformat import MAX_BULLETS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development and tests only: a throwaway key for this process.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "articles.desk.site.NewsroomAdminConfig",  # django.contrib.admin, with the desk queues
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "ckeditor",
    "reversion",
    "axes",
    "imagekit",
    "articles",
    "newsroom.apps.NewsroomConfig",
]

MIDDLEWARE = [
    # First, so that every request (page-cache hits too) gets a request id and a log line
    # (newsroom/observability.py), and is measured for /metrics (django-prometheus).
    "newsroom.observability.RequestLogMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole anonymous public pages, before sessions and the view (articles/site/cache.py).
    "articles.site.page_cache_middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.site.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    # A public address typed in upper case, which would be a 404, redirects to its lower-case
    # page when that exists (articles/site/lowercase.py).
    "articles.site.lowercase.LowercaseRedirectMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.site.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'newsroom.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Django's health check ("SELECT 1" before a request's first query on a reused connection)
# turns a connection broken by a database restart into a reconnect instead of one failed
# request per worker.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A few people working at once on the embedded database: readers do not wait for a writer
    # (WAL), a writer waits up to 20 s for another instead of failing, and a transaction takes
    # the write lock when it begins (IMMEDIATE), because a read lock upgraded later cannot wait
    # and fails at once with "database is locked". synchronous=NORMAL is safe with WAL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Optional read replica: public reads of published versions, topics and stakeholders go there
# (newsroom/dbrouters.py); writes, and reads inside a transaction, stay on the primary.
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_HEALTH_CHECKS"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# After a publishing move, how long to wait for the replica to replay it before the caches are
# told (newsroom/dbrouters.py wait_for_replica): a cache refilled from a replica still behind
# would show a withdrawn explainer again.
REPLICA_WAIT_SECONDS = env.float("REPLICA_WAIT_SECONDS", default=30.0)
DATABASE_ROUTERS = ["newsroom.dbrouters.PublicReadReplicaRouter"]

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://newsroom")}
# Image renditions (articles/publishing/images.py) ask the storage whether a file exists, not a
# cache that could outlive the files or differ between servers: they are made at publish time.
CACHES["renditions"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
IMAGEKIT_CACHE_BACKEND = "renditions"
IMAGEKIT_CACHEFILE_DIR = "renditions"
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # An unreachable Redis must cost a page half a second at most, not hang it: the page cache
    # then serves uncached (CACHE_URL query parameters override these).
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("socket_connect_timeout", 0.5)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 0.5)

# Server-side page cache of anonymous public pages (articles/site/cache.py). On by default where a
# shared cache is configured: with the per-process default cache, a publish on one worker could
# not reach the others. PAGE_CACHE_MICRO_SECONDS bounds how long another app server may keep
# showing a page after publishing; PAGE_CACHE_SECONDS how long an unchanged page is kept.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default="CACHE_URL" in env and not TESTING)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
PAGE_CACHE_MICRO_SECONDS = env.float("PAGE_CACHE_MICRO_SECONDS", default=1.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True
# The explainer change form at the import format's limit must still be readable: each of its
# inlines (eight, with room for two more) holds at most MAX_BULLETS rows (articles/admin.py)
# of at most twelve fields, and the explainer's own fields and topics come well within the
# thousand added.
# A larger post gets the desk's "too large" page (articles/desk/site.py), not a bare 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10 * MAX_BULLETS * 12 + 1_000

# Staff sign in through the admin; a refused next= falls back to the desk, not a 404.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection on the admin login (django-axes): lock a user at an address out after a
# few failures, for a cool-off period.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

LANGUAGE_CODE = "en-us"
# Typed dates only in forms no newsroom can misread (newsroom/formats/en/formats.py).
FORMAT_MODULE_PATH = ["newsroom.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Hero image uploads (articles/validators.py): a byte cap, and a pixel cap that Pillow also
# applies process-wide, so a decompression bomb is refused from its header.
HERO_IMAGE_MAX_BYTES = env.int("HERO_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
HERO_IMAGE_MAX_PIXELS = env.int("HERO_IMAGE_MAX_PIXELS", default=40_000_000)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media (hero images) on S3-compatible storage through django-storages: `pip install '.[s3]'`,
# MEDIA_STORAGE=s3 and the AWS_* variables below. Credentials come from boto3's usual chain
# (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role), never from this file.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
MEDIA_ORIGIN = ""
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "location": env.str("AWS_LOCATION", default="media"),
            # Hero images are public: plain URLs a CDN can cache, and no name ever reused.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,
        },
    }
    _options = STORAGES["default"]["OPTIONS"]
    MEDIA_ORIGIN = (
        f"https://{_options['custom_domain']}"
        if _options["custom_domain"]
        else (_options["endpoint_url"] or "https://*.amazonaws.com")
    )
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")

# What readers see as the publisher (JSON-LD, feeds, news sitemap).
NEWSROOM_NAME = env.str("NEWSROOM_NAME", default="The Newsroom")
# Under a home-screen icon (the web app manifest): about 12 characters fit.
NEWSROOM_SHORT_NAME = env.str("NEWSROOM_SHORT_NAME", default="") or NEWSROOM_NAME
# Where readers write about an error: shown in every public page's footer and on /corrections/
# when set.
NEWSROOM_CORRECTIONS_EMAIL = env.str("NEWSROOM_CORRECTIONS_EMAIL", default="")
NEWSROOM_LANGUAGE = env.str("NEWSROOM_LANGUAGE", default="en")
# Static files naming the publication to machines: its logo (JSON-LD, at least 112 px square)
# and the picture shared with a page that has none of its own (og:image).
NEWSROOM_LOGO = "img/logo.png"
NEWSROOM_SHARE_IMAGE = "img/share-card.jpg"  # 1200 × 630 (articles/publishing/images.py)
# The site's public address, used for canonical URLs, Open Graph and JSON-LD rendered at publish
# time (no request is at hand then). Changing it takes effect for each explainer when republished.
NEWSROOM_BASE_URL = env.str("NEWSROOM_BASE_URL", default="http://localhost:8000").rstrip("/")
# How long an editor's edit lock on an explainer lasts without renewal (their open change form
# renews it; articles/workflow/locks.py).
NEWSROOM_LOCK_MINUTES = env.int("NEWSROOM_LOCK_MINUTES", default=30)
# Whether the change form says who else has the explainer open (a heartbeat every few seconds,
# articles/desk/presence.py). The browser tests turn it off where they do not test it: on
# SQLite, a heartbeat landing while a test's database is flushed locks its tables.
NEWSROOM_PRESENCE = env.bool("NEWSROOM_PRESENCE", default=True)
# Cache-Control on anonymous public pages: browsers keep a page briefly, a CDN longer (publishing
# purges the server-side page cache; a CDN is trusted to expire within s-maxage).
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=60)
PUBLIC_CACHE_S_MAXAGE = env.int("PUBLIC_CACHE_S_MAXAGE", default=600)

# Rich text: the editor and its allowlist live in articles/richtext.py.
CKEDITOR_BASEPATH = STATIC_URL + "ckeditor/ckeditor/"

# Security headers. Production values are the defaults; DEBUG relaxes only what needs HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
# Load balancers and Prometheus ask app servers directly over plain HTTP: the health checks and
# the (token-guarded) metrics answer there instead of redirecting to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)

# Content-Security-Policy (django-csp): strict on every public page. The admin gets its own
# policy (inline styles; articles/site/csp.py), and only a page that draws CKEditor 4 adds
# inline script for its toolbar's handlers (articles/richtext.py, EDITOR_CSP).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "manifest-src": ["'self'"],
    }
}
if MEDIA_ORIGIN:
    # Hero images then come from the bucket (or its CDN domain), not from this origin.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(MEDIA_ORIGIN)

log_level = env.str("LOG_LEVEL", default="WARNING")
# LOG_FORMAT=json writes each record as one JSON object (python-json-logger) for a log
# collector; every record made during a request carries its request_id. LOG_REQUESTS adds one
# line per request on "newsroom.request" (status, duration_ms, db_ms, queries, user_id for
# staff): on by default with JSON, where it replaces gunicorn's access log.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.observability.RequestIdFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": log_level},
    "loggers": {
        # Django's default logging gives the "django" logger a console handler of its own when
        # DEBUG is on, and its records go on to root's handler too, so development printed
        # each line twice. Here that logger has no handler (nor the default mail_admins, which
        # had no ADMINS to write to) and passes its records to root, which prints them once.
        "django": {"handlers": [], "level": log_level},
        # Configuring "django" resets its children, so runserver's one line per request is
        # set up again as Django's defaults have it.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "newsroom.request": {"level": "INFO" if LOG_REQUESTS else "WARNING"},
    },
}

# Frontend cache (CDN or proxy) purged by tag after every change (articles/site/purge.py):
# varnish (FRONTEND_CACHE_VARNISH_URLS: each proxy's address), fastly (SERVICE = service id,
# TOKEN = API key), cloudflare (SERVICE = zone id, TOKEN = API token) or cloudfront (SERVICE =
# distribution id, AWS credentials as boto3 reads them). FRONTEND_CACHE_API_URL replaces the
# provider's API address (a gateway, or a stand-in server in tests).
FRONTEND_CACHE_BACKEND = env.str("FRONTEND_CACHE_BACKEND", default="")
if FRONTEND_CACHE_BACKEND not in {"", "varnish", "fastly", "cloudflare", "cloudfront"}:
    raise ImproperlyConfigured(
        "FRONTEND_CACHE_BACKEND must be varnish, fastly, cloudflare, cloudfront or empty."
    )
FRONTEND_CACHE_VARNISH_URLS = env.list("FRONTEND_CACHE_VARNISH_URLS", default=[])
FRONTEND_CACHE_API_URL = env.str("FRONTEND_CACHE_API_URL", default="")
FRONTEND_CACHE_SERVICE = env.str("FRONTEND_CACHE_SERVICE", default="")
FRONTEND_CACHE_TOKEN = env.str("FRONTEND_CACHE_TOKEN", default="")
FRONTEND_CACHE_TIMEOUT = env.float("FRONTEND_CACHE_TIMEOUT", default=5.0)

# Metrics at /metrics for Prometheus, only with this bearer token (newsroom/metrics.py).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Error reports to Sentry when a DSN is given (no personal data is sent).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from newsroom.observability import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# ckeditor.W001 warns that CKEditor 4 is past its end of life. We keep it because editors
# asked for it, and contain it: no uploads, a five-group toolbar, an allowedContent rule,
# every value sanitised by nh3 on save and again on render, and the admin behind login with
# its own CSP. The README's "Security" section says more.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]
# models.W040: SQLite has no INCLUDE columns in an index. ListEntry's newest-first index
# includes its two times so that PostgreSQL counts a list page from the index alone
# (docs/performance.md); on SQLite, the development database, Django builds the same index
# from its key columns and drops only the INCLUDE part, which costs nothing we rely on there.
# The warning on every migrate would only puzzle a newcomer. PostgreSQL never raises it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SILENCED_SYSTEM_CHECKS.append("models.W040")
