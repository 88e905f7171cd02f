"""The demo accounts and their logins file.

Demo accounts get random passwords, generated on the first run and kept in
``var/demo-logins.txt`` (git-ignored) so that later runs print the same logins.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.demo.cast import ACCOUNTS, SUPERUSER

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def default_logins_file() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo-logins.txt"


def read_logins(path: Path) -> dict[str, str]:
    """Return ``{username: password}`` from a logins file, or {} when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    passwords = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not line.startswith("#"):
            passwords[parts[0]] = parts[1]
    return passwords


def format_logins(logins: list[DemoLogin]) -> str:
    lines = [
        "# Demo logins for this installation, written by `manage.py seed_demo`.",
        "# Random per installation and reused on every run; delete this file to get new ones.",
        "# username  password  role",
    ]
    width = max(len(login.username) for login in logins)
    lines += [f"{x.username:<{width}}  {x.password}  {x.role}" for x in logins]
    return "\n".join(lines) + "\n"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only, replacing it in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".demo-logins-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_account(login: DemoLogin, *, created: list[str], passwords_set: list[str]) -> User:
    """Return the demo user ``login`` describes, creating it or fixing what differs.

    Appends the username to ``created`` or ``passwords_set`` when it does either.
    """
    User = get_user_model()
    account = next(a for a in ACCOUNTS if a.username == login.username)
    is_superuser = account.role == SUPERUSER
    user = User.objects.filter(username=login.username).first()
    if user is None:
        user = User(
            username=account.username,
            first_name=account.first_name,
            last_name=account.last_name,
            email=f"{account.username}@example.org",
            is_staff=True,
            is_superuser=is_superuser,
        )
        user.set_password(login.password)
        user.save()
        created.append(user.username)
    else:
        # The printed logins must work: an account made before the logins file existed (or
        # whose password was changed since) is given the password the file lists.
        changed = []
        if not user.check_password(login.password):
            user.set_password(login.password)
            changed.append("password")
            passwords_set.append(user.username)
        for attr, value in (("is_staff", True), ("is_active", True)):
            if getattr(user, attr) != value:
                setattr(user, attr, value)
                changed.append(attr)
        if is_superuser and not user.is_superuser:
            user.is_superuser = True
            changed.append("is_superuser")
        if changed:
            user.save()
    if not is_superuser and not user.groups.filter(name=account.role).exists():
        user.groups.add(Group.objects.get(name=account.role))
    return user
