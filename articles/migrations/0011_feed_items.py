"""Store each version's RSS ``<item>`` and Atom ``<entry>`` with it, written at publish time.

Feeds ran Django's syndication framework over 30 versions on every request (about 7 ms of
CPU); each version's item is now written when it is frozen (``feeds.render_items``) and a feed
is the framework's channel around the stored items. Versions frozen before this migration get
theirs here.

Migrations must not import code that may change, so this is a frozen copy of what
``feeds.render_items`` writes today: the values the feed classes give an item, through Django's
own feed writers, links on the base-URL marker. ``tests/articles/test_feeds.py`` holds the two
equal.
"""

import datetime
from io import StringIO

from django.db import migrations, models
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.xmlutils import SimplerXMLGenerator

BASE = "\uffff"  # feeds.BASE: the server puts settings.NEWSROOM_BASE_URL here
NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])
BATCH = 500


def xml_safe(value):
    if isinstance(value, str):
        return value.translate(NOT_XML)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


def written(feed_class, row):
    slug, title, dek, first_published_at, go_live_at, topics, authors = row
    path = reverse("articles:explainer", kwargs={"slug": slug})
    writer = feed_class(title="", link="", description="")
    writer.add_item(
        title=title,
        link=path,
        description=dek,
        unique_id=path,
        pubdate=first_published_at.astimezone(datetime.UTC),
        updateddate=go_live_at.astimezone(datetime.UTC),
        author_name=", ".join(author["name"] for author in authors or []) or None,
        categories=[topic["name"] for topic in topics or []],
    )
    entry = {key: xml_safe(value) for key, value in writer.items[0].items()}
    entry["link"] = BASE + entry["link"]
    entry["unique_id"] = BASE + entry["unique_id"]
    writer.items = [entry]
    out = StringIO()
    writer.write_items(SimplerXMLGenerator(out, "utf-8", short_empty_elements=True))
    return out.getvalue()


def render_feed_items(apps, schema_editor):
    version_model = apps.get_model("articles", "PublishedVersion")
    versions = version_model.objects.using(schema_editor.connection.alias)
    missing = versions.filter(models.Q(rss_item_xml="") | models.Q(atom_entry_xml=""))
    fields = ("slug", "title", "dek", "first_published_at", "go_live_at")
    after = 0
    while True:
        # The topics and authors only, not each version's whole data.
        batch = list(
            missing.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", *fields, "data__topics", "data__authors")[:BATCH]
        )
        if not batch:
            return
        rendered = [
            version_model(
                pk=pk,
                rss_item_xml=written(Rss201rev2Feed, row),
                atom_entry_xml=written(Atom1Feed, row),
            )
            for pk, *row in batch
        ]
        versions.bulk_update(rendered, ["rss_item_xml", "atom_entry_xml"])
        after = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_list_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedversion",
            name="rss_item_xml",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="atom_entry_xml",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(render_feed_items, migrations.RunPython.noop),
    ]
