"""Create the three policy pages as editable flat pages (corrections, fact-checking, principles).

Their URLs are fixed routes in articles/urls.py (JSON-LD points at them); the text is the
desk's to edit in the admin under "Flat pages". Existing pages at these URLs are left alone.
"""

from django.db import migrations

PAGES = [
    (
        "/about/corrections-policy/",
        "Corrections policy",
        "<p>We correct errors openly. When we get a fact wrong in a published explainer, we fix "
        "the text and add a dated note at the end of the explainer that says what was wrong and "
        "what is right. Every note also appears on our corrections page, newest first.</p>"
        "<p><strong>Corrections</strong> fix a factual error. <strong>Clarifications</strong> "
        "make a passage that could mislead clearer, without a factual error. "
        "<strong>Updates</strong> add new information that changes the picture.</p>"
        "<p>We do not remove published explainers to hide mistakes. When we must take one down "
        "(for legal reasons, or because it cannot be fixed), its address says so rather than "
        "pretending it never existed.</p>"
        "<p>To report an error, write to the desk with the explainer's address and what you "
        "believe is wrong. An editor who did not work on the explainer reviews every report.</p>",
    ),
    (
        "/about/fact-checking-policy/",
        "Fact-checking policy",
        "<p>Every key fact in an explainer is checked before publication by a fact-checker who "
        "is not one of its authors. The checker verifies each fact against at least one source "
        "we cite, and records who checked it and when.</p>"
        "<p>Explainers list their sources. Numbers next to a key fact point to the sources that "
        "support it. We prefer primary documents, official data and on-the-record interviews, "
        "and we say when a source is contested.</p>"
        "<p>An explainer cannot be published until every key fact is verified and an editor has "
        "approved the text. Revisions go through the same checks before readers see them.</p>",
    ),
    (
        "/about/publishing-principles/",
        "Publishing principles",
        "<p>Our explainers set out what happened, the facts that matter, the background, why it "
        "matters and who has a stake in it, with a timeline of what has happened and what "
        "comes next.</p>"
        "<p>We separate fact from viewpoint. Stakeholders' positions are reported as theirs, "
        "in their own terms, and each explainer shows the date it was first published and when "
        "it was last updated.</p>"
        "<p>We are independent of the people and organisations we write about. Authors are "
        "named on every explainer, and our corrections are public.</p>",
    ),
]


def create_pages(apps, schema_editor):
    from urllib.parse import urlsplit

    from django.conf import settings

    FlatPage = apps.get_model("flatpages", "FlatPage")
    Site = apps.get_model("sites", "Site")
    # The sites framework makes its default site after migrations; the pages need it now.
    site, _ = Site.objects.get_or_create(
        pk=settings.SITE_ID,
        defaults={
            "domain": urlsplit(settings.NEWSROOM_BASE_URL).netloc or "example.com",
            "name": settings.NEWSROOM_NAME,
        },
    )
    for url, title, content in PAGES:
        page, created = FlatPage.objects.get_or_create(
            url=url, defaults={"title": title, "content": content}
        )
        if created:
            page.sites.add(site)


def remove_pages(apps, schema_editor):
    FlatPage = apps.get_model("flatpages", "FlatPage")
    FlatPage.objects.filter(url__in=[url for url, _, _ in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_roles_and_search_index"),
        ("flatpages", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(create_pages, remove_pages)]
