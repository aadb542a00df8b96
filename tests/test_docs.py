"""README.md and docs/*.md say what the code does, checked against the code
as it is when the test runs (the documents are read then, whatever their
wording):

- every `manage.py` command they name exists, and its arguments and options
  parse with the command's own parser; an option named alone (`--apply`)
  belongs to a command named beside it;
- the README's commands that can run in a test (`load_areas`,
  `apply_area_changes` without `--apply`, `recompute`) run on the test
  database; those that cannot (a virtualenv, pip, pytest) are the ones
  `.ci/run` runs, with requirement files that exist, and gunicorn's and
  Celery's targets import;
- every repository path they name exists (the README's map of the code
  relative to its folders), every URL resolves, every dotted name in the
  README and docs/decisions.md imports, and the README's environment
  variables are the ones settings.py reads.

docs/API.md's curl exchange runs in tests/units/api/test_exchange.py."""

import builtins
import functools
import importlib
import io
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import BaseCommand, call_command, get_commands, load_command_class
from django.urls import Resolver404, resolve

from units.models import Area

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
# Commands whose README lines run here: fast on an empty database with the
# area registry (about a second), and not writing outside it.
RUNNABLE = {"load_areas", "apply_area_changes", "recompute"}
NEEDS_AREAS = {"apply_area_changes", "recompute"}
FILE_ENDINGS = (
    *(".py", ".md", ".html", ".js", ".css", ".csv", ".json", ".txt", ".lock"),
    *(".po", ".mo", ".xlsx", ".docx", ".sqlite3", ".toml", ".cfg", ".ini", ".yml", ".yaml"),
)
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__", "staticfiles"}
PLACEHOLDER = re.compile(r"\{[^}]*\}|<[^>]*>")
HTTP_METHOD = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) ")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
SPAN = re.compile(r"`([^`]+)`")


def fenced_blocks(text: str) -> list[str]:
    return FENCE.findall(text)


def prose(text: str) -> str:
    """The text outside fenced code blocks."""
    return FENCE.sub("", text)


def spans(text: str) -> list[str]:
    """Inline code spans of the prose, a span broken over lines made one line
    (a path broken after a slash joined without a space)."""
    return [
        " ".join(re.sub(r"/\s*\n\s*", "/", found).split()) for found in SPAN.findall(prose(text))
    ]


def shell_lines(block: str) -> list[str]:
    """A code block's lines, backslash continuations joined."""
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def segments(line: str) -> list[list[str]]:
    """The simple commands of a shell line (split at && ; |), comments dropped."""
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError:
        return []
    found, current = [], []
    for token in tokens:
        if token in ("&&", ";", "|", "||"):
            found.append(current)
            current = []
        else:
            current.append(token)
    return [segment for segment in [*found, current] if segment]


@dataclass
class Invocation:
    """`manage.py <name> <args>` as a document gives it."""

    name: str
    args: list[str]
    where: str

    def __str__(self):
        return f"{self.where}: manage.py {self.name} {' '.join(self.args)}".strip()


def invocation(tokens: list[str], where: str) -> Invocation | None:
    for i, token in enumerate(tokens):
        if token.endswith("manage.py") and i + 1 < len(tokens):
            return Invocation(tokens[i + 1], tokens[i + 2 :], where)
    return None


def span_invocation(text: str, where: str) -> Invocation | None:
    """A span that is a command: `manage.py recompute [--all]`, or a project
    command followed by its options (`seed_national --scale 1 --seed 2015`)."""
    text = re.sub(r"\[(--[\w-]+)\]", r"\1", text)
    try:
        tokens = shlex.split(text)
    except ValueError:
        return None
    if not tokens:
        return None
    if tokens[0].endswith("manage.py"):
        return invocation(tokens, where)
    if tokens[0] in project_commands() and len(tokens) > 1 and tokens[1].startswith("--"):
        return Invocation(tokens[0], tokens[1:], where)
    return None


@functools.cache
def project_commands() -> frozenset[str]:
    """The management commands of this project's apps (not Django's)."""
    return frozenset(
        name for name, app in get_commands().items() if app in ("units", "supervision")
    )


def command(name: str) -> BaseCommand:
    app = get_commands()[name]  # KeyError: no such command
    return app if isinstance(app, BaseCommand) else load_command_class(app, name)


def parser_of(name: str):
    """The command's own parser, refusing abbreviations (argparse would take
    `--decided` for `--decided-on`)."""
    parser = command(name).create_parser("manage.py", name)
    parser.allow_abbrev = False
    return parser


def options_of(name: str) -> set[str]:
    return {option for action in parser_of(name)._actions for option in action.option_strings}


def code_invocations(path: Path) -> list[Invocation]:
    found = []
    for block in fenced_blocks(path.read_text()):
        for line in shell_lines(block):
            for tokens in segments(line):
                if (found_one := invocation(tokens, path.name)) is not None:
                    found.append(found_one)
    return found


def span_invocations(path: Path) -> list[Invocation]:
    found = []
    for text in spans(path.read_text()):
        if (found_one := span_invocation(text, path.name)) is not None:
            found.append(found_one)
    return found


def every_invocation() -> list[Invocation]:
    return [item for path in DOCS for item in (*code_invocations(path), *span_invocations(path))]


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


def paragraphs(text: str) -> list[str]:
    """Paragraphs, list items and table rows of the prose."""
    found, current = [], []
    for line in prose(text).splitlines():
        starts = re.match(r"\s*([-*] |\d+\. |\|)", line) or not line.strip()
        if starts and current:
            found.append("\n".join(current))
            current = []
        if line.strip():
            current.append(line)
    if current:
        found.append("\n".join(current))
    return found


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


def span_invocations_of(text: str) -> list[Invocation]:
    return [found for s in spans(text) if (found := span_invocation(s, "paragraph")) is not None]


def readme_invocations() -> list[Invocation]:
    return [*code_invocations(README), *span_invocations(README)]


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


def imports(module: str, name: str) -> bool:
    try:
        return hasattr(importlib.import_module(module), name)
    except ImportError:
        return False


def ci_segments() -> list[str]:
    text = (ROOT / ".ci" / "run").read_text()
    return [" ".join(s) for line in shell_lines(text) for s in segments(line)]


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
                module, _colon, name = tokens[1].partition(":")
                if not imports(module, name or "application"):
                    wrong.append(f"README serves {tokens[1]}, which does not import")
            elif program == "celery":
                app = tokens[tokens.index("-A") + 1]
                if not imports(f"{app}.celery", "app"):
                    wrong.append(f"README starts Celery with -A {app}: no {app}.celery.app")
    assert not wrong, "\n".join(wrong)


@functools.cache
def repository_files() -> frozenset[str]:
    """Names of the files in the working tree (outside .venv, var, .git)."""
    names = set()
    stack = [ROOT]
    while stack:
        for entry in stack.pop().iterdir():
            if entry.is_dir():
                if entry.name not in SKIPPED_DIRS:
                    stack.append(entry)
            else:
                names.add(entry.name)
    return frozenset(names)


def looks_like_a_path(text: str, folders: bool = True) -> bool:
    """A file (`units/scope.py`, `SOURCES.md`) or, unless `folders` is off, a
    folder (`units/`, `.ci/run`) of the repository; not a URL (`/units/`), not
    the runtime data under var/ (created by the portal), not a placeholder."""
    if re.search(r"[\s@=:?]", text) or text.startswith(("/", "var/")) or PLACEHOLDER.search(text):
        return False
    if text.endswith(FILE_ENDINGS):
        return True
    return folders and "/" in text and (text.endswith("/") or text.startswith("."))


def exists(text: str, bases: list[Path]) -> bool:
    text = text.rstrip("/") or text
    return any(list(base.glob(text)) if "*" in text else (base / text).exists() for base in bases)


APP_DIRS = [ROOT, ROOT / "units", ROOT / "supervision", ROOT / "reformwatch"]


def map_of_the_code() -> list[tuple[str, list[Path]]]:
    """The README's "Map of the code": each file or folder with the folders it
    may lie in (the bullet's folder, a folder its sub-bullet or sentence names)."""
    text = README.read_text()
    start = text.find("## Map of the code")
    if start < 0:
        return []
    end = text.find("\n## ", start + 1)
    section = text[start : end if end > 0 else len(text)]
    found, base = [], ROOT
    for item in re.split(r"\n(?=\s*- )", section):
        names = spans(item)
        if not names:
            continue
        names = [name for name in names if not name.startswith("/")]  # URLs: `/health/`
        if not item.startswith((" ", "\t")):  # a top-level bullet: a folder, or the root
            first = names[0] if names else ""
            base = ROOT / first.rstrip("/") if first.endswith("/") else ROOT
        folders = [base / n.rstrip("/") for n in names if n.endswith("/")]
        for name in names:
            if looks_like_a_path(name) or name.endswith(("/", ".py")):
                found.append((name, [base, *folders]))
    return found


def test_every_path_the_documents_name_exists():
    wrong = []
    in_map = set()
    for name, bases in map_of_the_code():
        in_map.add(name)
        if not exists(name, bases) and not exists(name, [ROOT]):
            where = bases[0].relative_to(ROOT)
            wrong.append(f"README.md (map of the code): {name} is not in {where}/")
    for path in DOCS:
        folders = path.name != "API.md"  # its `staffing/bulk/` are resources, not folders
        for name in spans(path.read_text()):
            if (name in in_map and path == README) or not looks_like_a_path(name, folders):
                continue
            if "/" in name or "*" in name:
                if not exists(name, APP_DIRS):
                    wrong.append(f"{path.name}: {name} does not exist")
            elif name not in repository_files():
                wrong.append(f"{path.name}: no file named {name}")
    assert not wrong, "\n".join(wrong)


def url_spans(path: Path) -> list[str]:
    """URLs the document names: `/units/`, `POST /api/v1/tokens/`, and the
    resources of docs/API.md's table under /api/v1/ (`units`,
    `units/{id}/lineage/`, `recommendations` + `/{id}/respond/`, `assess/`,
    `POST {id}/reverse/`)."""
    text = path.read_text()
    found = [
        name
        for name in (HTTP_METHOD.sub("", s) for s in spans(text))
        if name.startswith("/") and not name.startswith("/{")
    ]
    if path.name != "API.md":
        return found
    for row in prose(text).splitlines():
        cells = row.split("|")[1:-1]
        names = [HTTP_METHOD.sub("", s) for s in spans(cells[0])] if cells else []
        if not names:
            continue
        base = member = f"/api/v1/{names[0].strip('/')}/"
        found.append(base)
        for name in names[1:]:
            if name.startswith("/{id}/"):
                member = f"{base}{{id}}/"
                found.append(base + name[1:])
            elif name.strip("/").count("/"):
                found.append(f"/api/v1/{name}")
            else:
                found.append(member + name)
        for cell in cells[1:]:
            for name in (HTTP_METHOD.sub("", s) for s in spans(cell)):
                if name.startswith("{id}/"):
                    found.append(base + name)
    return found


def test_every_url_the_documents_name_resolves():
    every = {url: path.name for path in DOCS for url in url_spans(path)}
    assert every, "no URL found in the documents"
    resolved, wrong = set(), []
    for url, where in every.items():
        clean = PLACEHOLDER.sub("1", url.split("?")[0].split("#")[0])
        if clean == f"/{settings.STATIC_URL.strip('/')}/":
            continue  # served by the reverse proxy (or runserver), not the URLconf
        try:
            resolve(clean)
            resolved.add(clean)
        except Resolver404:
            wrong.append((where, url, clean))
    # A prefix (`/api/`) is right when a documented URL lies under it.
    wrong = [w for w in wrong if not any(r.startswith(w[2]) for r in resolved)]
    assert not wrong, "\n".join(f"{where}: {url} does not resolve" for where, url, _c in wrong)


DOTTED = re.compile(r"^[A-Za-z_]\w*(?:[./][A-Za-z_]\w*)+(?:\([^)]*\))?$")


@functools.cache
def project_modules() -> tuple:
    importlib.import_module(settings.ROOT_URLCONF)  # and with it the views, services…
    return tuple(
        module
        for name, module in list(sys.modules.items())
        if name.split(".")[0] in ("units", "supervision", "reformwatch") and module
    )


def importable(dotted: str) -> bool:
    """`scope.area_ids`, `services/recompute.recompute`, `Recommendation.days_overdue`,
    `versions.figures_version()`: a module of the project (from its app, or
    relative to an app) and the names inside it, or a class of the project."""
    parts = re.sub(r"\(.*\)$", "", dotted).replace("/", ".").split(".")
    if hasattr(builtins, parts[0]):  # `str.isdigit()`
        return _has(builtins, parts)
    for prefix in ("", "units.", "supervision.", "reformwatch."):
        for cut in range(len(parts), 0, -1):
            try:
                found = importlib.import_module(prefix + ".".join(parts[:cut]))
            except ImportError:
                continue
            if _has(found, parts[cut:]):
                return True
            break
    return any(_has(module, parts) for module in project_modules())


def _has(found, names: list[str]) -> bool:
    for name in names:
        if not hasattr(found, name):
            return False
        found = getattr(found, name)
    return True


def test_every_dotted_name_in_the_readme_and_the_decisions_imports():
    wrong = []
    for path in (p for p in DOCS if p.name in ("README.md", "decisions.md")):
        for name in spans(path.read_text()):
            if DOTTED.match(name) and not name.endswith(FILE_ENDINGS) and not importable(name):
                wrong.append(f"{path.name}: {name} does not import")
    assert not wrong, "\n".join(wrong)


ENV_READ = re.compile(r"""(?:environ\.get|envint|envbool)\(\s*["']([A-Z_]+)["']""")


def test_the_readme_names_the_environment_variables_settings_reads():
    source = (ROOT / "reformwatch" / "settings.py").read_text()
    read = set(ENV_READ.findall(source))
    text = README.read_text()
    start = text.find("## Production")
    end = text.find("\n## ", start + 1)
    table = [row for row in text[start:end].splitlines() if row.startswith("| `")]
    cells = [re.sub(r"\([^)]*\)", "", row.split("|")[1]) for row in table]  # not "(`INFO`)"
    named = {name for cell in cells for name in SPAN.findall(cell)}
    named = {name for name in named if re.fullmatch(r"[A-Z][A-Z0-9_]+", name)}
    assert table and named, "the README's Production section has no table of variables"
    assert not named - read, (
        f"the README documents variables settings.py never reads: {named - read}"
    )
    mentioned = {name for name in read if f"`{name}`" in text}
    assert not read - mentioned, (
        f"settings.py reads variables the README never names: {read - mentioned}"
    )
