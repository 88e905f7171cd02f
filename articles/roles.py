"""The newsroom's roles and what each may do, used by the data migrations and the demo seed.

A change here reaches existing databases only through a new migration that calls
``sync_roles`` (as 0002 and 0014 do).
"""

WRITER = "Writer"
FACT_CHECKER = "Fact-checker"
EDITOR = "Editor"

_CONTENT = [
    "keyfact",
    "source",
    "viewpoint",
    "timelineevent",
    "correction",
    "relatedlink",
    "byline",
    "figure",
]


def _crud(model: str, *verbs: str) -> list[str]:
    return [f"{verb}_{model}" for verb in verbs]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    WRITER: [
        *_crud("explainer", "add", "change", "view"),
        "submit_explainer",
        *[p for m in _CONTENT for p in _crud(m, "add", "change", "delete", "view")],
        # Stakeholders and topics are shared by every explainer and their pages read them
        # live: a writer may add a stakeholder, but only editors change or delete one.
        *_crud("stakeholder", "add", "view"),
        *_crud("topic", "view"),
        *_crud("publishedversion", "view"),
        # Claim ratings are the fact-checkers' verdicts: writers read them, never set them.
        *_crud("claimrating", "view"),
        *_crud("ratingvalue", "view"),
    ],
    FACT_CHECKER: [
        # change_explainer opens the change form; the admin makes the text read-only for them.
        *_crud("explainer", "change", "view"),
        "check_facts",
        "approve_explainer",
        "request_changes_explainer",
        *_crud("keyfact", "change", "view"),
        *[p for m in _CONTENT for p in _crud(m, "view")],
        *_crud("source", "add", "change", "view"),
        *_crud("claimrating", "add", "change", "delete", "view"),
        *_crud("ratingvalue", "view"),
        *_crud("stakeholder", "view"),
        *_crud("topic", "view"),
        *_crud("publishedversion", "view"),
        *_crud("transition", "view"),
    ],
    EDITOR: [
        *_crud("explainer", "add", "change", "delete", "view"),
        "submit_explainer",
        "check_facts",
        "approve_explainer",
        "request_changes_explainer",
        "publish_explainer",
        "assign_explainer",
        "edit_any_explainer",
        # Sending an unpublished draft outside the newsroom is an editor's call (it may carry
        # legal risk); writers and fact-checkers see the links on the change form, no more.
        "share_explainer",
        *[p for m in _CONTENT for p in _crud(m, "add", "change", "delete", "view")],
        *_crud("claimrating", "add", "change", "delete", "view"),
        # The newsroom's rating scale is an editor's to keep.
        *_crud("ratingvalue", "add", "change", "delete", "view"),
        *_crud("stakeholder", "add", "change", "delete", "view"),
        *_crud("topic", "add", "change", "delete", "view"),
        *_crud("publishedversion", "view"),
        *_crud("transition", "view"),
        # Everyone edits their own author bio (desk/authors.py); editors anyone's.
        *_crud("authorprofile", "change", "view"),
    ],
}


def sync_roles(apps=None) -> None:
    """Create the three groups and give each exactly its permissions (idempotent).

    Called from a migration (``apps`` given), a permission the models of that point in the
    history do not define yet is left for the later migration that adds it and syncs again
    (0020 for ``share_explainer``); called on the current models, an unknown one is an error.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    historical = apps is not None
    if apps is None:
        apps = global_apps
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
    else:
        # Inside a migration on a fresh database the permissions do not exist yet (they are
        # made after migrate), so make them now from the historical models.
        for app_config in apps.get_app_configs():
            app_config.models_module = True
            create_permissions(app_config, verbosity=0, apps=apps)
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(
            content_type__app_label="articles", codename__in=codenames
        )
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing and not historical:
            raise RuntimeError(f"Unknown permissions for {role}: {sorted(missing)}")
        group.permissions.set(perms)
