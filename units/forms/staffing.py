"""Forms of the staffing pages: the overview's filters and the clerk's grid."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import StaffingCategory
from ..models import Area
from ..models.staffing import FIRST_YEAR, LAST_YEAR
from ..selectors.staffing import staffing_latest_year
from ..services.staffing import NUMBERS, StaffingRow
from ..services.staffing_import import MAX_BYTES
from ..text import parse_count
from .area_picker import AreaPicker


class OverviewForm(forms.Form):
    area = forms.ModelChoiceField(
        label=gettext_lazy("Area (and below)"),
        queryset=Area.objects.all(),
        required=False,
        widget=AreaPicker(all_label=gettext_lazy("The whole country")),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    base = forms.IntegerField(
        label=gettext_lazy("Base year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )

    def values(self) -> tuple[Area | None, int, int]:
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or timezone.localdate().year
        return data.get("area"), year, data.get("base") or 2015


def overview_form(params, user) -> OverviewForm:
    """The overview's filters as applied, each shown in its box: with no area
    chosen, the reader's scope (an empty area is the whole country); with no
    year, the last one with figures there; the base year 2015."""
    data = params.copy()
    if "area" not in data:
        unit = user.scope_unit if user.scope_unit_id else None
        data["area"] = str(user.scope_area_id or (unit.area_id if unit else "") or "")
    if not data.get("year") or not data.get("base"):
        form = OverviewForm(data)
        form.is_valid()
        area = form.cleaned_data.get("area")
        if not data.get("year"):
            data["year"] = str(staffing_latest_year(area, timezone.localdate().year))
        data["base"] = data.get("base") or "2015"
    return OverviewForm(data)


class ImportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx)."))
        if file.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return file


def quota_values(data, proposal) -> tuple[dict[str, int], dict[str, str]]:
    """The quotas posted with a restructuring's confirmation (by line key) and
    the lines that are not whole numbers; an empty input assigns nothing."""
    values, errors = {}, {}
    if data is None or proposal is None:
        return values, errors
    for line in proposal.lines:
        text = (data.get(f"quota-{line.key}") or "").strip()
        if not text:
            continue
        if parse_count(text) is not None:
            values[line.key] = parse_count(text)
        else:
            errors[line.key] = _("Enter a whole number of people, 0 or more.")
    return values, errors


def quota_inputs(proposal, data, errors: dict[str, str]) -> list[dict]:
    """The quota inputs of the restructuring preview: what was posted, else the
    proposed figure."""
    if proposal is None:
        return []
    inputs = []
    for line in proposal.lines:
        name = f"quota-{line.key}"
        value = data.get(name, "") if data is not None else line.proposed
        category = StaffingCategory(line.category).label
        inputs.append(
            {
                "line": line,
                "name": name,
                "value": value,
                "error": errors.get(line.key),
                "category": category,
            }
        )
    return inputs


def cell_name(unit_id: int, category: str, field: str) -> str:
    return f"c-{unit_id}-{category}-{field}"


def grid_rows(data, cells, figures) -> tuple[list[StaffingRow], dict[str, str], list]:
    """The posted grid as service rows, the cells that are not whole numbers
    (by input name), and for each row the input names of its fields. The grid
    has no inputs for the decision number and the headcount date: a row keeps
    those of the saved figure."""
    rows, errors, names = [], {}, []
    for unit, categories in cells:
        for category in categories:
            values, row_names = {}, {}
            for field in NUMBERS:
                name = cell_name(unit.pk, category, field)
                row_names[field] = name
                text = (data.get(name) or "").strip()
                if not text:
                    values[field] = 0 if field == "streamlined" else None
                elif parse_count(text) is not None:
                    values[field] = parse_count(text)
                else:
                    errors[name] = _("Enter a whole number of people, 0 or more.")
            if values.get("assigned") is not None or values.get("actual") is not None:
                saved = figures.get((unit.pk, category))
                if saved is not None:
                    values |= {
                        "decision_number": saved.decision_number,
                        "actual_on": saved.actual_on,
                    }
                rows.append(StaffingRow(unit.pk, category, **values))
                names.append(row_names)
    return rows, errors, names


# The grid's columns, as its headings name them (and each input's label).
NUMBER_LABELS = {
    "assigned": gettext_lazy("Assigned"),
    "actual": gettext_lazy("Actual"),
    "streamlined": gettext_lazy("Streamlined"),
}


def grid_table(cells, figures, previous, *, posted, copy: bool, errors: dict) -> list[dict]:
    """One line per unit × category with its three inputs (what was posted, else
    the saved figure, else last year's quota when copying) and their errors."""
    table = []
    for unit, categories in cells:
        for category in categories:
            figure = figures.get((unit.pk, category))
            last = previous.get((unit.pk, category))
            inputs = {}
            for field in NUMBERS:
                name = cell_name(unit.pk, category, field)
                if posted is not None:
                    value = posted.get(name, "")
                elif figure is not None:
                    value = getattr(figure, field)
                elif copy and field == "assigned" and last is not None:
                    value = last.assigned
                else:
                    value = None
                inputs[field] = {
                    "name": name,
                    "label": NUMBER_LABELS[field],
                    "value": "" if value is None else value,
                    "error": errors.get(name),
                }
            table.append(
                {
                    "unit": unit,
                    "category": StaffingCategory(category).label,
                    "inputs": inputs,
                    "figure": figure,
                }
            )
    return table
