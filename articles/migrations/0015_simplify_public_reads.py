"""Drop what the public site no longer reads from a version.

Feeds are written by Django's syndication framework from the live versions when they are
served, so the RSS ``<item>`` and Atom ``<entry>`` stored with each version go. A version's
places on topic, stakeholder and author pages are its ``ListEntry`` rows, so the copies of its
topic and stakeholder ids go too (on PostgreSQL, with the GIN index 0009 made on ``topic_ids``).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_entity_slug_redirects"),
    ]

    operations = [
        migrations.RemoveField(model_name="publishedversion", name="rss_item_xml"),
        migrations.RemoveField(model_name="publishedversion", name="atom_entry_xml"),
        migrations.RemoveField(model_name="publishedversion", name="topic_ids"),
        migrations.RemoveField(model_name="publishedversion", name="stakeholder_ids"),
    ]
