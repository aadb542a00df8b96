"""README.md and docs/*.md against the code, read when the test runs: every
`manage.py` command they name exists and its arguments parse with its own
parser; an option named alone belongs to a command named beside it; the
README's commands that can run in a test run on the test database, and those
that cannot (a virtualenv, pip, pytest) are the ones `.ci/run` runs."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

from tests.docs.documents import (
    DOCS,
    NEEDS_AREAS,
    README,
    ROOT,
    RUNNABLE,
    ci_segments,
    code_invocations,
    every_invocation,
    fenced_blocks,
    imports,
    options_of,
    paragraphs,
    parser_of,
    project_commands,
    readme_invocations,
    segments,
    shell_lines,
    span_invocations,
    span_invocations_of,
    spans,
)
from units.models import Area


def test_every_documented_command_exists_and_its_arguments_parse():
    invocations = every_invocation()
    assert invocations, "no manage.py command found in the documents"
    wrong = []
    for item in invocations:
        if item.name not in get_commands():
            wrong.append(f"{item}: no such command")
            continue
        if not item.args:
            continue  # named, not run: `manage.py apply_area_changes` prints…
        try:
            parser_of(item.name).parse_args(item.args)
        except Exception as error:  # CommandError from the parser, or a type's ValueError
            wrong.append(f"{item}: {error}")
    assert not wrong, "\n".join(wrong)


def test_every_option_named_alone_belongs_to_a_command_named_beside_it():
    """`--apply` in "… and `--apply` records it" is an option of the command the
    paragraph names (or, if it names none, of one the document names)."""
    wrong = []
    for path in DOCS:
        text = path.read_text()
        in_document = {item.name for item in span_invocations(path) + code_invocations(path)}
        for paragraph in paragraphs(text):
            alone = [s for s in spans(paragraph) if re.match(r"^--[\w-]+", s)]
            if not alone:
                continue
            named = {item.name for item in span_invocations_of(paragraph)}
            named |= {n for n in project_commands() if re.search(rf"\b{n}\b", paragraph, re.I)}
            known = set().union(
                *(options_of(n) for n in (named or in_document or project_commands()))
            )
            for option in alone:
                name = option.split()[0].split("=")[0]
                if name not in known:
                    wrong.append(f"{path.name}: {option} (commands here: {sorted(named)})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_readme_commands_that_can_run_here_run(django_user_model):
    """Run on the test database in the README's order, after the area registry
    for the commands that need it; a user the README names with --user is made
    an administrator first (the demo's `admin`)."""
    runnable = [item for item in readme_invocations() if item.name in RUNNABLE]
    assert runnable, "the README names no command this test can run"
    for item in runnable:
        options = parser_of(item.name).parse_args(item.args)
        if item.name in NEEDS_AREAS and not Area.objects.exists():
            call_command("load_areas", stdout=io.StringIO())
        if item.name == "apply_area_changes":
            assert not options.apply, f"{item}: would write; only the plan is run here"
            user, _new = django_user_model.objects.get_or_create(
                username=options.user, defaults={"is_superuser": True}
            )
            assert user.is_admin
        out = io.StringIO()
        call_command(item.name, *item.args, stdout=out, stderr=out)


def gunicorn_arguments(tokens: list[str]) -> tuple[str, str]:
    """gunicorn's application (its one positional argument) and config file."""
    target = config = ""
    rest = iter(tokens)
    for token in rest:
        if token in ("-c", "--config"):
            config = next(rest)
        elif token.startswith("-"):
            next(rest, None) if "=" not in token else None  # every other option takes a value
        else:
            target = token
    return target, config


def test_the_readme_commands_that_cannot_run_here_are_the_ones_ci_runs():
    """The README's test command is CI's (pytest's options may be added by CI);
    every requirement file pip is given exists; gunicorn and Celery are given
    targets that import."""
    ci = ci_segments()
    lines = [line for block in fenced_blocks(README.read_text()) for line in shell_lines(block)]
    test_lines = [line for line in lines if "pytest" in line]
    assert test_lines, "the README gives no command that runs the tests"
    wrong = []
    for line in test_lines:
        for tokens in segments(line):
            text = " ".join(tokens)
            if "pytest" in text:
                if not any(s.startswith(text) for s in ci):
                    wrong.append(f"README runs `{text}`, .ci/run does not")
            elif text not in ci:
                wrong.append(f"README runs `{text}` before its tests, .ci/run does not")
    for line in lines:
        for tokens in segments(line):
            program = Path(tokens[0]).name
            if program == "pip":
                for i, token in enumerate(tokens):
                    if token in ("-r", "--requirement") and not (ROOT / tokens[i + 1]).exists():
                        wrong.append(f"README installs from {tokens[i + 1]}, which is missing")
            elif program == "gunicorn":
                target, config = gunicorn_arguments(tokens[1:])
                module, _colon, name = target.partition(":")
                if not imports(module, name or "application"):
                    wrong.append(f"README serves {target}, which does not import")
                if config and not (ROOT / config).is_file():
                    wrong.append(f"README configures gunicorn with {config}, which is missing")
            elif program == "celery":
                app = tokens[tokens.index("-A") + 1]
                if not imports(f"{app}.celery", "app"):
                    wrong.append(f"README starts Celery with -A {app}: no {app}.celery.app")
    assert not wrong, "\n".join(wrong)
