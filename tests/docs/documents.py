"""Reading README.md and docs/*.md for tests/docs: code blocks, inline spans,
the manage.py commands they name, paths, URLs and dotted names."""

import builtins
import functools
import importlib
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]


README = ROOT / "README.md"


DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]


RUNNABLE = {"load_areas", "apply_area_changes", "recompute"}


NEEDS_AREAS = {"apply_area_changes", "recompute"}


FILE_ENDINGS = (
    *(".py", ".md", ".html", ".js", ".css", ".csv", ".json", ".txt", ".lock"),
    *(".po", ".mo", ".xlsx", ".docx", ".sqlite3", ".toml", ".cfg", ".ini", ".yml", ".yaml"),
    ".conf",
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


def span_invocations_of(text: str) -> list[Invocation]:
    return [found for s in spans(text) if (found := span_invocation(s, "paragraph")) is not None]


def readme_invocations() -> list[Invocation]:
    return [*code_invocations(README), *span_invocations(README)]


def imports(module: str, name: str) -> bool:
    try:
        return hasattr(importlib.import_module(module), name)
    except ImportError:
        return False


def ci_segments() -> list[str]:
    text = (ROOT / ".ci" / "run").read_text()
    # `limited SECONDS command…` (.ci/run's time limit) runs the command itself.
    return [
        " ".join(s[2:] if s[0] == "limited" else s)
        for line in shell_lines(text)
        for s in segments(line)
    ]


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


ENV_READ = re.compile(r"""(?:environ\.get|envint|envbool|_env_int)\(\s*["']([A-Z_]+)["']""")
