"""Public URLs of the newsroom, each named under ``articles:``."""

from django.urls import path

from articles.site import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("explainers/<slug:slug>/", views.explainer_detail, name="explainer"),
    path("explainers/<slug:slug>/timeline.json", views.timeline_json, name="timeline_json"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("topics/<slug:slug>/feed.rss", views.topic_feed_rss, name="topic_feed_rss"),
    path("topics/<slug:slug>/feed.atom", views.topic_feed_atom, name="topic_feed_atom"),
    path("stakeholders/<slug:slug>/", views.stakeholder_detail, name="stakeholder"),
    path("authors/<str:username>/", views.author_detail, name="author"),
    path("watch/", views.watch, name="watch"),
    path("watch.ics", views.watch_ics, name="watch_ics"),
    path("search/", views.search_view, name="search"),
    path("corrections/", views.corrections, name="corrections"),
    path("about/corrections-policy/", views.corrections_policy, name="corrections_policy"),
    path("about/fact-checking-policy/", views.fact_checking_policy, name="fact_checking_policy"),
    path("about/publishing-principles/", views.publishing_principles, name="publishing_principles"),
    path("feeds/latest.rss", views.feed_rss, name="feed_rss"),
    path("feeds/latest.atom", views.feed_atom, name="feed_atom"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("news-sitemap.xml", views.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("healthz", views.healthz, name="healthz"),
]
