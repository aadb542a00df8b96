"""A client generated from docs/openapi.yaml by openapi-python-client works:
every one of its modules imports, and docs/API.md's complete exchange runs
with it against a live server on the demo data (tests/units/api/test_exchange.py
runs the same exchange with Django's test client). The client is generated
once per session, outside the repository (its post hook runs ruff on it)."""

import datetime as dt
import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from django.utils import timezone

from tests.units.api.test_schema_file import SCHEMA
from units.models import Restructuring

PACKAGE = "reformwatch_api_client"
GENERATE = ["generate", "--path", str(SCHEMA), "--meta", "none", "--fail-on-warning"]


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> ModuleType:
    """The client package, generated into a temporary folder and importable
    while the session lasts. The generator's ruff is ours (the venv's bin first
    on PATH); the folder is outside the repository, so our lint never reads it."""
    folder = tmp_path_factory.mktemp("generated-client")
    tools = Path(sys.executable).parent
    result = subprocess.run(
        [str(tools / "openapi-python-client"), *GENERATE, "--output-path", str(folder / PACKAGE)],
        cwd=folder,
        env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def modules_of(package: ModuleType) -> list[str]:
    return [info.name for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]


def test_every_module_of_the_generated_client_imports(generated):
    failures = {}
    for name in modules_of(generated):
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 (every failure is listed)
            failures[name] = repr(error)
    assert not failures, "modules that do not import:\n" + "\n".join(
        f"{name}: {error}" for name, error in failures.items()
    )
    spec = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    operations = {
        operation["operationId"]
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    endpoints = {name.rsplit(".", 1)[1] for name in modules_of(generated) if ".api." in name}
    assert operations and operations <= endpoints  # one module per operation


class Endpoints:
    """The generated module of each operation by its operationId, whatever tag
    it is filed under (`ops.v1_units_list.sync(client=…)`), imported on use."""

    def __init__(self, package: ModuleType):
        api = importlib.import_module(f"{package.__name__}.api")
        self.names = {name.rsplit(".", 1)[1]: name for name in modules_of(api)}

    def __getattr__(self, operation: str) -> ModuleType:
        return importlib.import_module(self.names[operation])


def cursor_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["cursor"][0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_documented_exchange_with_the_generated_client(generated, live_server, live_demo):  # noqa: F811
    """GIVEN the demo on a live server and a client generated from the committed schema
    WHEN docs/API.md's exchange runs with its typed models and functions
    THEN every answer is one the schema declares (an undeclared status raises)."""
    ops = Endpoints(generated)
    models = importlib.import_module(f"{PACKAGE}.models")
    options = {"base_url": live_server.url, "raise_on_unexpected_status": True}
    options["timeout"] = httpx.Timeout(60.0)  # the POST recomputes the figures at commit

    # 1. A token from the clerk's password (HTTP Basic).
    password = httpx.BasicAuth("chuyenvien", "demo12345")
    with generated.Client(**options, httpx_args={"auth": password}) as basic:
        created = ops.v1_tokens_create.sync_detailed(
            client=basic, body=models.ApiTokenInputRequest(name="Phần mềm báo cáo tỉnh", days=30)
        )
    assert created.status_code == 201, created.content
    token = created.parsed
    assert isinstance(token, models.NewApiToken) and token.token.startswith("rw_")

    with generated.AuthenticatedClient(**options, token=token.token, prefix="Token") as api:
        # 2. Quận Ngô Quyền, and its service units on 31/12/2024 page by page.
        district = ops.v1_areas_list.sync(
            client=api, q="ngo quyen", level=models.AreaLevelEnum.DISTRICT
        )
        district = district.results[0]
        assert district.name == "Quận Ngô Quyền"
        filters = {
            "area": district.id,
            "kind": models.UnitKindEnum.SERVICE,
            "active_on": dt.date(2024, 12, 31),
        }
        whole = ops.v1_units_list.sync(client=api, page_size=1000, **filters)
        assert len(whole.results) > 1 and whole.next_ is None
        size = len(whole.results) // 2 + 1
        first = ops.v1_units_list.sync(client=api, page_size=size, **filters)
        assert len(first.results) == size and first.next_
        second = ops.v1_units_list.sync(
            client=api, page_size=size, cursor=cursor_of(first.next_), **filters
        )
        assert second.next_ is None
        assert [u.id for u in first.results + second.results] == [u.id for u in whole.results]
        assert all(isinstance(u, models.Unit) for u in whole.results)

        # 3. Two kindergartens of phường Gia Viên today; the consolidation planned.
        wards = ops.v1_areas_list.sync(client=api, q="gia vien", level=models.AreaLevelEnum.COMMUNE)
        ward = next(a for a in wards.results if a.valid_to is None)
        schools = ops.v1_units_list.sync(client=api, area=ward.id, q="mam non").results
        names = ("Trường Mầm non Đằng Giang", "Trường Mầm non Đông Khê")
        pair = [s.id for s in schools if s.name in names]
        assert len(pair) == 2
        today = timezone.localdate()
        body = models.RestructuringInputRequest(
            kind=models.RestructuringKindEnum.CONSOLIDATE,
            decision=models.DecisionInputRequest(
                number="250/QĐ-UBND",
                decided_on=today - dt.timedelta(days=5),
                effective_on=today,
                authority="UBND phường Gia Viên",
            ),
            source_ids=pair,
            new_units=[models.NewUnitInputRequest(name="Trường Mầm non Đằng Giang - Đông Khê")],
        )
        planned = ops.v1_restructurings_create.sync_detailed(client=api, body=body, dry_run=True)
        assert planned.status_code == 200, planned.content
        plan = planned.parsed
        assert isinstance(plan, models.RestructuringPlan)
        assert sorted(unit.id for unit in plan.ceasing) == sorted(pair)
        assert [unit.name for unit in plan.created] == ["Trường Mầm non Đằng Giang - Đông Khê"]
        assert not Restructuring.objects.filter(decision_number="250/QĐ-UBND").exists()

        # 4. Recorded (201); the ward's figure changes, with its ETag, then 304.
        where = {"scope": ward.id, "year": today.year, "sector": "*"}
        before = ops.v1_figures_list.sync_detailed(client=api, **where)
        applied = ops.v1_restructurings_create.sync_detailed(client=api, body=body)
        assert applied.status_code == 201, applied.content
        assert isinstance(applied.parsed, models.Restructuring)
        assert applied.parsed.decision_number == "250/QĐ-UBND"
        after = ops.v1_figures_list.sync_detailed(client=api, **where)
        assert after.status_code == 200, after.content
        assert after.parsed.results[0].units == before.parsed.results[0].units - 1
        etag = after.headers["ETag"]
        assert etag != before.headers["ETag"]
        unchanged = ops.v1_figures_list.sync_detailed(client=api, if_none_match=etag, **where)
        assert unchanged.status_code == 304

        # 5. The token revoked: it opens nothing any more.
        revoked = ops.v1_tokens_destroy.sync_detailed(client=api, id=token.id)
        assert revoked.status_code == 204
        refused = ops.v1_units_list.sync_detailed(client=api)
        assert refused.status_code == 401
        assert isinstance(refused.parsed, models.Problem) and refused.parsed.status == 401
