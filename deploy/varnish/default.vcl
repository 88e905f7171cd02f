# Varnish in front of the Newsroom app servers (Varnish 7.1 with vmod-xkey from
# varnish-modules). Public pages are kept for their s-maxage; the app purges them by tag
# (the xkey header it sends) after every change, and asks for a BAN of everything on
# `manage.py purge_frontend_cache`. Only the app servers (acl purgers) may purge.
#
# The backend below is one app server; `make cluster` writes a copy with its own.
vcl 4.1;

import xkey;
import directors;

backend app1 { .host = "127.0.0.1"; .port = "8000"; }

sub vcl_init {
    new apps = directors.round_robin();
    apps.add_backend(app1);
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = apps.backend();
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is for the app servers."));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header."));
        }
        set req.http.n-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-purged));
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Banning is for the app servers."));
        }
        ban("obj.status != 0");
        return (synth(200, "Banned everything."));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff (a session) and the desk, previews and share links always reach the app.
    if (req.url ~ "^/(admin|preview|share)/" || req.http.Cookie ~ "sessionid=" || req.http.Authorization) {
        return (pass);
    }
    # Public pages set no cookies and vary on none: a reader's cookies must not split the cache.
    unset req.http.Cookie;
}

sub vcl_backend_response {
    # Keep only what the app marks public (its s-maxage sets the time); pass the rest.
    if (beresp.http.Cache-Control !~ "public" || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    # Tags are for this proxy, not for readers.
    unset resp.http.xkey;
}
