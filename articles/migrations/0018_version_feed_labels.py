"""Feed items read their topic and author names from two small columns, not out of ``data``."""

from django.db import migrations, models

BATCH = 500


def copy_names(apps, schema_editor):
    """Fill the new columns of existing versions from their frozen data."""
    PublishedVersion = apps.get_model("articles", "PublishedVersion")
    versions = PublishedVersion.objects.only("id", "data").order_by("id")
    batch = []
    for version in versions.iterator(chunk_size=BATCH):
        version.topic_names = [topic["name"] for topic in version.data.get("topics", [])]
        version.author_names = [author["name"] for author in version.data.get("authors", [])]
        batch.append(version)
        if len(batch) == BATCH:
            PublishedVersion.objects.bulk_update(batch, ["topic_names", "author_names"])
            batch = []
    PublishedVersion.objects.bulk_update(batch, ["topic_names", "author_names"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_stakeholder_kind_unknown"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedversion",
            name="author_names",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="topic_names",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop),
    ]
