"""Public URLs of the newsroom, each named under ``articles:``."""

from django.urls import path

from articles.site import authors, endpoints, previews, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("explainers/<slug:slug>/", views.explainer_detail, name="explainer"),
    path("explainers/<slug:slug>/timeline.json", endpoints.timeline_json, name="timeline_json"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("topics/<slug:slug>/feed.rss", endpoints.topic_feed_rss, name="topic_feed_rss"),
    path("topics/<slug:slug>/feed.atom", endpoints.topic_feed_atom, name="topic_feed_atom"),
    path("stakeholders/<slug:slug>/", views.stakeholder_detail, name="stakeholder"),
    path("authors/<str:slug>/", authors.author_detail, name="author"),
    path("watch/", views.watch, name="watch"),
    path("watch.ics", endpoints.watch_ics, name="watch_ics"),
    path("search/", views.search_view, name="search"),
    path("corrections/", views.corrections, name="corrections"),
    path("about/corrections-policy/", views.corrections_policy, name="corrections_policy"),
    path("about/fact-checking-policy/", views.fact_checking_policy, name="fact_checking_policy"),
    path("about/publishing-principles/", views.publishing_principles, name="publishing_principles"),
    path("feeds/latest.rss", endpoints.feed_rss, name="feed_rss"),
    path("feeds/latest.atom", endpoints.feed_atom, name="feed_atom"),
    path("sitemap.xml", endpoints.sitemap, name="sitemap"),
    path("news-sitemap.xml", endpoints.news_sitemap, name="news_sitemap"),
    path("robots.txt", endpoints.robots_txt, name="robots"),
    path("favicon.ico", endpoints.favicon, name="favicon"),
    path("manifest.webmanifest", endpoints.web_manifest, name="manifest"),
    path("preview/<str:token>/", previews.preview, name="preview"),
    path("share/<str:token>/", previews.share, name="share"),
]
