"""The "Up next" section follows its targets: versions store their ids and the body in two parts.

A version's "Up next" section was frozen into its stored body, so an explainer withdrawn or
expired later still showed on the pages that linked to it. The section is now rendered per
request from the targets live then (``articles.publishing.upnext``), between the two stored
parts of the body. Versions stored before this migration get their target ids and their body
rendered again here, from their own frozen data, by the publishing renderer as it is now (the
fields it reads, the version's own page fields and ``data``, all exist at this migration).
"""

from django.db import migrations, models

BATCH = 200


def render_again(apps, schema_editor):
    from articles.publishing.render import render_html
    from articles.publishing.upnext import related_ids

    version_model = apps.get_model("articles", "PublishedVersion")
    versions = version_model.objects.using(schema_editor.connection.alias)
    rows = versions.order_by("id")
    batch = []
    for version in rows.iterator(chunk_size=BATCH):
        version.body_html, version.body_end_html, version.head_html = render_html(version)
        version.related_ids = related_ids(version.data or {}, version.explainer_id)
        batch.append(version)
        if len(batch) == BATCH:
            versions.bulk_update(
                batch, ["body_html", "body_end_html", "head_html", "related_ids"]
            )
            batch = []
    versions.bulk_update(
        batch, ["body_html", "body_end_html", "head_html", "related_ids"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_share_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedversion",
            name="body_end_html",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="related_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(render_again, migrations.RunPython.noop),
    ]
