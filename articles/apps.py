from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Explainers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from articles import revisions
        from articles.site import cache

        revisions.register()
        cache.connect_signals()
