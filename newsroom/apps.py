"""The project's own app: observability wiring that belongs to no content package."""

from django.apps import AppConfig
from django.db.models.signals import post_save


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from articles.models import Transition
        from newsroom import metrics

        post_save.connect(
            metrics.count_workflow_move, sender=Transition, dispatch_uid="metrics-workflow-moves"
        )
