"""Old slugs of topics and stakeholders (they redirect), and the roles as roles.py now has them.

Writers no longer change existing stakeholders: the groups of an existing database are set
again from ``articles.roles`` (a fresh one got them from 0002 already).
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def sync_roles(apps, schema_editor):
    from articles.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_slug_help_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="SlugRedirect",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=200)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "stakeholder",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="old_slugs",
                        to="articles.stakeholder",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="old_slugs",
                        to="articles.topic",
                    ),
                ),
            ],
            options={
                "ordering": ["slug"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("topic__isnull", False), ("stakeholder__isnull", True)),
                            models.Q(("topic__isnull", True), ("stakeholder__isnull", False)),
                            _connector="OR",
                        ),
                        name="slug_redirect_one_owner",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("topic__isnull", False)),
                        fields=("slug",),
                        name="slug_redirect_topic",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("stakeholder__isnull", False)),
                        fields=("slug",),
                        name="slug_redirect_stakeholder",
                    ),
                ],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
