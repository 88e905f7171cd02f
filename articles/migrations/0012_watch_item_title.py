"""Watch items carry their version's title, and one index gives them in list order.

Lists of dates to watch sort by the end of each item's period, its date, then its explainer's
title. With the title only on the version, PostgreSQL read every item of the first periods and
joined each to its version before sorting (about 100 rows for the home page's five, 0.6–0.9 ms
a request at 10,000 explainers). A version never changes, so its title is copied like the rest
of the item; an index on (period_end, date, title) then yields the items in order and the
query stops after the first live ones. Items written before this migration get the title here.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_titles(apps, schema_editor):
    alias = schema_editor.connection.alias
    item_model = apps.get_model("articles", "WatchItem")
    version_model = apps.get_model("articles", "PublishedVersion")
    title = version_model.objects.using(alias).filter(pk=OuterRef("version_id")).values("title")
    item_model.objects.using(alias).update(title=Subquery(title[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_feed_items"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="watchitem",
            name="watch_item_period_end",
        ),
        migrations.AddField(
            model_name="watchitem",
            name="title",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(copy_titles, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="watchitem",
            index=models.Index(fields=["period_end", "date", "title"], name="watch_item_order"),
        ),
    ]
