"""Create the newsroom's roles, and on PostgreSQL the full-text GIN index."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from articles.roles import sync_roles

    sync_roles(apps)


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS version_search_vector_gin "
            "ON articles_publishedversion USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS version_search_vector_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
