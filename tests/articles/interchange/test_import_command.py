"""Tests for ``manage.py import_explainer``: files, folders, stdin, options, outcomes."""

from __future__ import annotations

import io
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Explainer, Stakeholder, Transition
from tests.articles.workflow_helpers import explainer_in
from tests.factories import TopicFactory
from tests.paths import SAMPLE

pytestmark = pytest.mark.django_db

State = Explainer.State


def text(title: str, *body: str) -> str:
    return "\n".join([title, "", "What happened", "It happened.", *body]) + "\n"


def write(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_explainer", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[str, str, CommandError]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_explainer", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), caught.value


def test_imports_the_sample() -> None:
    """The sample file imports as one draft and the summary says so."""
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not available")
    out, err = run(str(SAMPLE))
    assert out == "Summary: imported 1, updated 0, failed 0, warnings 0.\n"
    assert err == ""
    explainer = Explainer.objects.get()
    assert (explainer.state, explainer.key_facts.count()) == (State.DRAFT, 4)


def test_folder_imports_every_txt_file(tmp_path: Path) -> None:
    """A folder gives each of its *.txt files, and nothing else."""
    write(tmp_path, "a.txt", text("First"))
    write(tmp_path, "b.txt", text("Second"))
    write(tmp_path, "notes.md", text("Not this"))
    out, _ = run(str(tmp_path))
    assert "imported 2," in out
    assert set(Explainer.objects.values_list("title", flat=True)) == {"First", "Second"}


def test_standard_input(monkeypatch) -> None:
    """- reads one explainer from standard input."""
    stdin = io.TextIOWrapper(io.BytesIO(text("From stdin").encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    out, _ = run("-")
    assert "imported 1," in out
    assert Explainer.objects.get().title == "From stdin"


def test_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    """One bad file fails alone, its errors naming file and line; the exit is non-zero."""
    write(tmp_path, "1-good.txt", text("Good one"))
    bad = write(tmp_path, "2-bad.txt", text("Bad one", "Sources", "- see javascript:alert(1)"))
    write(tmp_path, "3-good.txt", text("Good two"))
    out, err, error = run_failing(str(tmp_path))
    assert f'{bad}:6: source has a "javascript:" link' in err
    assert "Summary: imported 2, updated 0, failed 1, warnings 0." in out
    assert "1 failed" in str(error)
    assert set(Explainer.objects.values_list("title", flat=True)) == {"Good one", "Good two"}


def test_every_error_of_a_file_is_listed(tmp_path: Path) -> None:
    """All errors of a file are reported, each with file and line."""
    bad = write(
        tmp_path,
        "bad.txt",
        text("T", "Stakeholders & viewpoints", "- No separator", "Key facts", "Key facts"),
    )
    _, err, _ = run_failing(str(bad))
    assert f'{bad}:6: stakeholder bullet has no "name: viewpoint" separator' in err
    assert f'{bad}:8: repeated section heading "Key facts" (first at line 7)' in err


def test_missing_path_fails_and_others_go_on(tmp_path: Path) -> None:
    """A path that does not exist is a failure; the files given with it are still imported."""
    good = write(tmp_path, "good.txt", text("Good"))
    out, err, _ = run_failing(str(tmp_path / "nope.txt"), str(good))
    assert "nope.txt: no such file or folder" in err
    assert "imported 1, updated 0, failed 1" in out


def test_folder_without_text_files_fails(tmp_path: Path) -> None:
    """A folder with no *.txt file is reported, not silently skipped."""
    _, err, _ = run_failing(str(tmp_path))
    assert "no *.txt files in this folder" in err


def test_warnings_are_printed_and_counted(tmp_path: Path) -> None:
    """Warnings (an Up Next title not written yet) are printed and counted in the summary."""
    path = write(tmp_path, "a.txt", text("T", "Up Next", "- Later story"))
    out, err = run(str(path))
    assert f'warning: {path}:6: "Up next" names "Later story": no live explainer' in err
    assert "warnings 1." in out


def test_reimport_updates_and_is_counted(tmp_path: Path) -> None:
    """Importing the same file twice updates the draft the first run made."""
    path = write(tmp_path, "a.txt", text("Same title"))
    run(str(path))
    out, _ = run(str(path))
    assert "imported 0, updated 1, failed 0" in out
    assert Explainer.objects.count() == 1


def test_reimport_over_published_is_refused_clearly(tmp_path: Path, writer) -> None:
    """A re-import over a published explainer fails with the reason and changes nothing."""
    published = explainer_in(State.PUBLISHED, authors=[writer], title="Published one")
    path = write(tmp_path, "a.txt", text("Published one"))
    _, err, _ = run_failing(str(path))
    assert "already exists and is published; a re-import only updates a draft" in err
    published.refresh_from_db()
    assert published.state == State.PUBLISHED


def test_new_revision_sends_published_back_to_draft(tmp_path: Path, writer) -> None:
    """--new-revision re-imports over a published explainer as a new draft revision."""
    published = explainer_in(State.PUBLISHED, authors=[writer], title="Published one")
    path = write(tmp_path, "a.txt", text("Published one"))
    out, _ = run(str(path), "--new-revision", "--author", "writer")
    assert "updated 1" in out
    published.refresh_from_db()
    assert published.state == State.DRAFT
    assert published.what_happened == "<p>It happened.</p>"


def test_topics_and_authors(tmp_path: Path, writer, other_writer) -> None:
    """--topic and --author (repeatable) apply to every imported explainer."""
    TopicFactory(slug="law")
    TopicFactory(slug="money")
    path = write(tmp_path, "a.txt", text("T"))
    run(
        str(path),
        *("--topic", "law", "--topic", "money"),
        *("--author", "writer", "--author", "other_writer"),
    )
    explainer = Explainer.objects.get()
    assert sorted(explainer.topics.values_list("slug", flat=True)) == ["law", "money"]
    assert [b.author for b in explainer.byline_set.order_by("position")] == [writer, other_writer]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--topic", "nope", "No topic with slug: nope."), ("--author", "nobody", "No user named")],
)
def test_unknown_topic_or_author_stops_before_importing(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    """An unknown topic or author is an error before any file is read."""
    path = write(tmp_path, "a.txt", text("T"))
    _, _, error = run_failing(str(path), option, value)
    assert message in str(error)
    assert not Explainer.objects.exists()


def test_submit_sends_each_for_review(tmp_path: Path, writer) -> None:
    """--submit submits each imported draft, as the first author."""
    path = write(tmp_path, "a.txt", text("T"))
    run(str(path), "--submit", "--author", "writer")
    explainer = Explainer.objects.get()
    assert explainer.state == State.IN_REVIEW
    assert Transition.objects.get(explainer=explainer).actor == writer


@pytest.mark.parametrize("flag", ["--submit", "--new-revision"])
def test_workflow_flags_need_an_author(tmp_path: Path, flag: str) -> None:
    """--submit and --new-revision need an author to make the move."""
    path = write(tmp_path, "a.txt", text("T"))
    _, _, error = run_failing(str(path), flag)
    assert "need an --author" in str(error)


def test_submit_refused_for_author_without_right(tmp_path: Path, fact_checker) -> None:
    """A submit the author may not make fails that file and writes nothing of it."""
    path = write(tmp_path, "a.txt", text("T", "Stakeholders & viewpoints", "- New: one."))
    _, err, _ = run_failing(str(path), "--submit", "--author", "checker")
    assert "may not submit" in err
    assert not Explainer.objects.exists() and not Stakeholder.objects.exists()


def test_stakeholders_shared_across_files_of_a_run(tmp_path: Path) -> None:
    """Two files of one run naming the same new stakeholder share one stakeholder."""
    write(tmp_path, "a.txt", text("A", "Stakeholders & viewpoints", "- Voters: one."))
    write(tmp_path, "b.txt", text("B", "Stakeholders & viewpoints", "- VOTERS: two."))
    run(str(tmp_path))
    assert Stakeholder.objects.count() == 1


def test_progress_bar_for_many_files(tmp_path: Path) -> None:
    """Several files show a tqdm progress bar on standard error."""
    for n in range(3):
        write(tmp_path, f"{n}.txt", text(f"Title {n}"))
    _, err = run(str(tmp_path))
    assert "3/3" in err and "file/s" in err


def test_no_progress_bar_for_one_file(tmp_path: Path) -> None:
    """A single file has no progress bar."""
    path = write(tmp_path, "a.txt", text("T"))
    _, err = run(str(path))
    assert err == ""


def test_no_history_leaves_no_revision(tmp_path: Path) -> None:
    """--no-history imports without a django-reversion revision; the default records one."""
    from reversion.models import Revision

    run(str(write(tmp_path, "a.txt", text("First"))), "--no-history")
    assert not Revision.objects.exists()
    run(str(write(tmp_path, "b.txt", text("Second"))))
    assert Revision.objects.get().comment == f"Created by importing {tmp_path / 'b.txt'}."
