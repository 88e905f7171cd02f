"""Each version's places on the topic, stakeholder and author pages, as narrow indexed rows.

A topic page counted its live explainers with ``topic_ids @> '<id>'`` on the versions: a GIN
index finds them, but PostgreSQL then visits every one of them in the table to check its times
(3–5 ms a request for a topic of a thousand, at 10,000 explainers). ``ListEntry`` rows carry the
version's order and liveness times in one index, which answers the count and the page by
itself. Versions frozen before this migration get their rows here, from their frozen data.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def write_entries(apps, schema_editor):
    alias = schema_editor.connection.alias
    version_model = apps.get_model("articles", "PublishedVersion")
    entry_model = apps.get_model("articles", "ListEntry")
    versions = version_model.objects.using(alias).values_list(
        "pk",
        "first_published_at",
        "go_live_at",
        "ends_at",
        "data__topics",
        "data__viewpoints",
        "data__authors",
    )
    entries = []
    for pk, first, live, ends, topics, viewpoints, authors in versions.iterator(chunk_size=BATCH):
        # From the frozen data, which every version has (its topic and stakeholder id columns
        # were copies of it, dropped since).
        keys = {
            "topic": [topic["id"] for topic in topics or []],
            "stakeholder": [v["stakeholder"]["id"] for v in viewpoints or []],
            "author": [author["id"] for author in authors or []],
        }
        entries += [
            entry_model(
                version_id=pk,
                kind=kind,
                key=key,
                first_published_at=first,
                go_live_at=live,
                ends_at=ends,
            )
            for kind, ids in keys.items()
            for key in dict.fromkeys(ids)
        ]
        if len(entries) >= BATCH:
            entry_model.objects.using(alias).bulk_create(entries)
            entries = []
    entry_model.objects.using(alias).bulk_create(entries)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_version_card_html"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("topic", "topic"),
                            ("stakeholder", "stakeholder"),
                            ("author", "author"),
                        ],
                        max_length=12,
                    ),
                ),
                ("key", models.IntegerField()),
                ("first_published_at", models.DateTimeField()),
                ("go_live_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField(blank=True, null=True)),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="list_entries",
                        to="articles.publishedversion",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["kind", "key", "-first_published_at", "-version"],
                        include=("go_live_at", "ends_at"),
                        name="list_entry_newest",
                    ),
                    models.Index(fields=["version"], name="list_entry_version"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "key", "version"), name="list_entry_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(write_entries, migrations.RunPython.noop),
    ]
