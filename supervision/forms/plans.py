"""The plan form and its task rows."""

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms.area_picker import AreaPicker
from units.forms.common import DATE_WIDGET, date_field
from units.models import Area, Unit

from ..choices import TaskStatus
from ..services.plans import TaskRow
from .fields import IdChoiceField
from .report import MAX_ROWS, share_choices

EXTRA_TASKS = 2


class PlanForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=100)
    date = date_field(_("Date"), _("Give the plan's date."))
    issuer = forms.CharField(label=_("Issuer"), max_length=255)
    title = forms.CharField(label=_("Title"), max_length=500)
    implements = forms.CharField(label=_("Implements"), max_length=500, required=False)
    area = IdChoiceField(
        label=_("Area"),
        queryset=Area.objects.all(),
        widget=AreaPicker(scoped=True, all_label=_("Choose an area")),
        error_messages={"required": _("Choose the area the plan covers.")},
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=500, required=False)
    responsible_unit = IdChoiceField(
        label=_("Responsible unit"),
        queryset=Unit.objects.none(),
        required=False,
    )
    due_on = forms.DateField(
        label=_("Due date"),
        widget=DATE_WIDGET,
        required=False,
        error_messages={"invalid": _("Write the date as dd/mm/yyyy.")},
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        initial=0,
        required=False,
        error_messages={"invalid": _("Progress is between 0 and 100 %.")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    weight = forms.IntegerField(
        label=_("Weight"), min_value=1, max_value=100, initial=1, required=False
    )


TaskFormSet = forms.formset_factory(TaskForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS)


def task_formset(plan=None, data=None, *, agencies):
    if data is not None:
        formset = TaskFormSet(data, prefix="tasks")
    else:
        initial = []
        if plan is not None:
            initial = [
                {
                    "title": t.title,
                    "responsible_unit": t.responsible_unit_id,
                    "due_on": t.due_on,
                    "progress": t.progress,
                    "status": t.status,
                    "weight": t.weight,
                }
                for t in plan.tasks.all()
            ]
        formset = TaskFormSet(prefix="tasks", initial=initial + [{}] * EXTRA_TASKS)
    share_choices(formset.forms, "responsible_unit", agencies)
    return formset


def task_rows(formset) -> list[tuple[int, TaskRow]]:
    rows = []
    for i, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not (data.get("title") or "").strip():
            continue
        unit = data.get("responsible_unit")
        rows.append(
            (
                i,
                TaskRow(
                    title=data["title"],
                    responsible_unit_id=unit and unit.pk,
                    due_on=data.get("due_on"),
                    progress=data.get("progress") or 0,
                    status=data["status"],
                    weight=data.get("weight") or 1,
                ),
            )
        )
    return rows
