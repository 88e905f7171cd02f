"""Store each version's list card with it, and on PostgreSQL index ``topic_ids`` for topic pages.

List pages (home, topic, stakeholder, author) joined a card template per item on every request;
the card is now rendered when the version is frozen, like its body. Versions frozen before this
migration get their card here, from the same template.

A topic page counts its explainers for pagination with ``topic_ids @> '<id>'``: without an index
that reads every version's ``topic_ids`` (18–40 ms at 10,000 explainers); a GIN index with
``jsonb_path_ops`` answers it in about 2 ms. (``public.public_topics`` is phrased so that the
index does not slow it down.)
"""

import re

from django.db import migrations, models
from django.template.loader import render_to_string

BLANK_LINES = re.compile(r"\n\s*\n+")


def render_cards(apps, schema_editor):
    version_model = apps.get_model("articles", "PublishedVersion")
    rows = version_model.objects.using(schema_editor.connection.alias).filter(card_html="")
    for version in rows.iterator(chunk_size=500):
        item = {
            "slug": version.slug,
            "title": version.title,
            "dek": version.dek,
            "first_published_at": version.first_published_at,
            "go_live_at": version.go_live_at,
            "number": version.number,
            "data__topics": (version.data or {}).get("topics", []),
        }
        html = render_to_string("articles/includes/card.html", {"item": item, "level": 3})
        version.card_html = BLANK_LINES.sub("\n", html).strip() + "\n"
        version.save(update_fields=["card_html"])


def create_topic_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS version_topic_ids_gin "
            "ON articles_publishedversion USING gin (topic_ids jsonb_path_ops)"
        )


def drop_topic_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS version_topic_ids_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_search_rank_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedversion",
            name="card_html",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(render_cards, migrations.RunPython.noop),
        migrations.RunPython(create_topic_index, drop_topic_index),
    ]
