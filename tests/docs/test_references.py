"""README.md and docs/*.md against the code, read when the test runs: every
repository path they name exists (the README's map of the code relative to its
folders), every URL resolves, every dotted name in the README and
docs/decisions.md imports, and the README's environment variables are the ones
settings.py reads. docs/API.md's curl exchange runs in
tests/units/api/test_exchange.py."""

import re

from django.conf import settings
from django.urls import Resolver404, resolve

from tests.docs.documents import (
    APP_DIRS,
    DOCS,
    DOTTED,
    ENV_READ,
    FILE_ENDINGS,
    PLACEHOLDER,
    README,
    ROOT,
    SPAN,
    exists,
    importable,
    looks_like_a_path,
    map_of_the_code,
    repository_files,
    spans,
    url_spans,
)


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


def test_every_dotted_name_in_the_readme_and_the_decisions_imports():
    wrong = []
    for path in (p for p in DOCS if p.name in ("README.md", "decisions.md")):
        for name in spans(path.read_text()):
            if DOTTED.match(name) and not name.endswith(FILE_ENDINGS) and not importable(name):
                wrong.append(f"{path.name}: {name} does not import")
    assert not wrong, "\n".join(wrong)


def test_the_readme_names_the_environment_variables_settings_reads():
    # settings_api.py is imported by settings.py; gunicorn reads gunicorn_conf.py.
    settings = ("settings.py", "settings_api.py", "gunicorn_conf.py")
    source = "\n".join((ROOT / "reformwatch" / name).read_text() for name in settings)
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
