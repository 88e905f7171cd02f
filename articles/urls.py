"""Public URLs of the newsroom, each named under ``articles:``."""

from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("explainers/<slug:slug>/", views.explainer_detail, name="explainer"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("stakeholders/<slug:slug>/", views.stakeholder_detail, name="stakeholder"),
    path("healthz", views.healthz, name="healthz"),
]
