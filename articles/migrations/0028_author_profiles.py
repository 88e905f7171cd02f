"""Author profiles for every person with a byline, each with a public slug from their name.

Author pages move from /authors/<login name>/ to /authors/<slug>/ (the old address answers
with a 301), so every author who has a byline gets a profile now, with a slug made from their
display name and unique among profiles. The editors' group gets the new model's permissions.

Versions stored before this migration then get their authors' slugs in their frozen data and
their page and card rendered again by the publishing renderer as it is now (as 0023 did), so
that published pages take the explainer's new shape (the "What to watch" section, sources
cited by facts, the correction banner's text, "Corrected" on cards) and link authors by slug.
"""

from django.db import migrations
from django.utils.text import slugify


def sync_roles(apps, schema_editor):
    from articles.roles import sync_roles

    sync_roles(apps)


def make_profiles(apps, schema_editor):
    alias = schema_editor.connection.alias
    user_model = apps.get_model("auth", "User")
    profile_model = apps.get_model("articles", "AuthorProfile")
    byline_model = apps.get_model("articles", "Byline")
    authors = byline_model.objects.using(alias).values_list("author_id", flat=True).distinct()
    taken = set(profile_model.objects.using(alias).values_list("slug", flat=True))
    have = set(profile_model.objects.using(alias).values_list("user_id", flat=True))
    rows = []
    for user in user_model.objects.using(alias).filter(pk__in=authors).order_by("pk"):
        if user.pk in have:
            continue
        name = f"{user.first_name} {user.last_name}".strip() or user.username
        base = (slugify(name) or "author")[:190].strip("-") or "author"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        rows.append(profile_model(user_id=user.pk, slug=slug))
    profile_model.objects.using(alias).bulk_create(rows)


BATCH = 200


def render_again(apps, schema_editor):
    from articles.publishing.render import render_card, render_html

    alias = schema_editor.connection.alias
    profile_model = apps.get_model("articles", "AuthorProfile")
    slugs = dict(profile_model.objects.using(alias).values_list("user_id", "slug"))
    versions = apps.get_model("articles", "PublishedVersion").objects.using(alias)
    fields = ["data", "body_html", "body_end_html", "head_html", "card_html"]
    batch = []
    for version in versions.order_by("id").iterator(chunk_size=BATCH):
        data = version.data or {}
        data["authors"] = [
            {**author, "slug": slugs[author["id"]]} if author.get("id") in slugs else author
            for author in data.get("authors") or []
        ]
        version.data = data
        version.body_html, version.body_end_html, version.head_html = render_html(version)
        version.card_html = render_card(version)
        batch.append(version)
        if len(batch) == BATCH:
            versions.bulk_update(batch, fields)
            batch = []
    versions.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0027_explainer_shape"),
    ]

    operations = [
        migrations.RunPython(make_profiles, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        migrations.RunPython(render_again, migrations.RunPython.noop),
    ]
