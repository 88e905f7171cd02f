"""Write the watch rows of every version frozen before the WatchItem table existed."""

import calendar
import datetime

from django.db import migrations

KINDS = ("upcoming", "watch")


def _period_end(day: datetime.date, precision: str) -> datetime.date:
    # A frozen copy of models.period_end: migrations must not import code that may change.
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def backfill(apps, schema_editor):
    version_model = apps.get_model("articles", "PublishedVersion")
    item_model = apps.get_model("articles", "WatchItem")
    versions = version_model.objects.values_list("pk", "explainer_id", "data__timeline")
    rows = []
    for version_id, explainer_id, timeline in versions.iterator(chunk_size=500):
        for position, event in enumerate(timeline or []):
            if event.get("kind") not in KINDS:
                continue
            day = datetime.date.fromisoformat(event["date"]) if event.get("date") else None
            precision = event.get("precision") or ""
            rows.append(
                item_model(
                    version_id=version_id,
                    explainer_id=explainer_id,
                    date=day,
                    precision=precision,
                    kind=event["kind"],
                    text=event.get("text", ""),
                    period_end=_period_end(day, precision or "day") if day else None,
                    position=position,
                )
            )
        if len(rows) >= 1000:
            item_model.objects.bulk_create(rows)
            rows = []
    item_model.objects.bulk_create(rows)


def unfill(apps, schema_editor):
    apps.get_model("articles", "WatchItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_watch_items")]

    operations = [migrations.RunPython(backfill, unfill)]
