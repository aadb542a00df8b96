"""The OpenAPI schema, the same bytes whatever the reader's language: written
in English (component, enum and parameter names, descriptions), every enum a
named component, the Vietnamese labels given beside the English ones as an
`x-enum-labels` extension. (The answers themselves keep speaking the request's
language.)"""

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from drf_spectacular.drainage import warn
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import deep_import_string
from drf_spectacular.settings import spectacular_settings

from ..filters import RestructuringFilter, UnitFilter

SCHEMA_LANGUAGE = "en"
LABEL_LANGUAGES = [code for code, _name in settings.LANGUAGES]
NOT_A_CHOICE = ("", None)  # an empty filter or a null field: not among the enum's values


class EnglishSchemaGenerator(SchemaGenerator):
    """The schema in English for every request (the API view, ?lang= included)
    and for `manage.py spectacular`, whose own language is Vietnamese."""

    def get_schema(self, request=None, public=False):
        with translation.override(SCHEMA_LANGUAGE):
            return super().get_schema(request=request, public=public)


def unit_ordering():
    """The values of `o` on /units/ (ENUM_NAME_OVERRIDES: UnitOrderingEnum)."""
    return UnitFilter.base_filters["o"].extra["choices"]


def restructuring_ordering():
    """The values of `o` on /restructurings/ (RestructuringOrderingEnum)."""
    return RestructuringFilter.base_filters["o"].extra["choices"]


def _choices(source) -> list[tuple]:
    """An ENUM_NAME_OVERRIDES entry as (value, label) pairs, read as
    drf-spectacular reads it (a dotted path to choices, a callable, a list)."""
    choices = deep_import_string(source) if isinstance(source, str) else source
    choices = getattr(choices, "choices", choices)
    choices = choices() if callable(choices) else choices
    return [(c, c) if isinstance(c, str) or c is None else tuple(c) for c in choices]


def _values(choices: Iterable[tuple]) -> frozenset:
    return frozenset(value for value, _label in choices if value not in NOT_A_CHOICE)


def _named_enums() -> dict[frozenset, tuple[str, list[tuple]]]:
    """The enums named in settings, by their set of values."""
    named = {}
    for name, source in spectacular_settings.ENUM_NAME_OVERRIDES.items():
        choices = _choices(source)
        named.setdefault(_values(choices), (name, choices))
    return named


def _parameter_enums(result: dict):
    """(parameter, the schema holding its enum) of every operation."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                holder = schema.get("items", schema) if schema.get("type") == "array" else schema
                if "enum" in holder:
                    yield parameter, holder


def name_parameter_enums(result, generator, request, public):
    """Each query parameter's choices as a named enum component (drf-spectacular
    leaves them inline, and a client generator then names them after the
    parameter's title: in Vietnamese before this). Runs after
    postprocess_schema_enums, which names the fields' enums."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    named = _named_enums()
    existing = {
        frozenset(schema["enum"]) - set(NOT_A_CHOICE): name
        for name, schema in schemas.items()
        if "enum" in schema and name not in ("BlankEnum", "NullEnum")
    }
    for parameter, holder in list(_parameter_enums(result)):
        values = frozenset(holder["enum"]) - set(NOT_A_CHOICE)
        name = named[values][0] if values in named else existing.get(values)
        if name is None:
            warn(
                f"the enum of the parameter {parameter['name']!r} has no name: add it to "
                f"ENUM_NAME_OVERRIDES"
            )
            continue
        kept = [value for value in holder["enum"] if value not in NOT_A_CHOICE]
        component = {"type": holder.get("type", "string"), "enum": kept}
        described = parameter.get("description", "").partition("\n\n*")[2]
        if described:
            component["description"] = "*" + described
        schemas.setdefault(name, component)
        reference = {"$ref": f"#/components/schemas/{name}"}
        if holder is parameter["schema"]:
            parameter["schema"] = reference
        else:
            parameter["schema"]["items"] = reference
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result


def add_enum_labels(result, generator, request, public):
    """`x-enum-labels` on each named enum: its labels in every language of the
    portal, in the order of `enum` (what the pages show for each value)."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, source in spectacular_settings.ENUM_NAME_OVERRIDES.items():
        component = schemas.get(name)
        if component is None or "enum" not in component:
            continue
        labels = {}
        for language in LABEL_LANGUAGES:
            with translation.override(language):
                by_value = {value: str(label) for value, label in _choices(source)}
            labels[language] = [by_value.get(value, str(value)) for value in component["enum"]]
        component["x-enum-labels"] = labels
    return result
