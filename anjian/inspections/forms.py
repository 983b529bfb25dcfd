"""Forms of the plan, self-inspection and 举一反三 pages. They render and read fields; the rules
(scope, validation messages) live in services_plans.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.checklists.models import ChecklistVersion
from anjian.org.models import Sector, Territory, Unit
from anjian.org.scope import scope_for
from anjian.registry.models import RiskGrade

from .models import DEFAULT_WEIGHTS, Kind, TargetMode
from .services_plans import actor_units

DATE = {"type": "date", "class": "form-control"}


def published_versions():
    """The newest published version of every checklist (what new plans and self-checks use)."""
    newest = {}
    versions = ChecklistVersion.objects.filter(status=ChecklistVersion.Status.PUBLISHED)
    for version in versions.select_related("checklist").order_by("checklist_id", "-number"):
        newest.setdefault(version.checklist_id, version)
    return list(newest.values())


def version_choices():
    return [(v.pk, f"{v.checklist.name}（v{v.number}）") for v in published_versions()]


def territory_choices(user):
    """Territories a plan may target: the city and its towns for city-wide users, else the user's
    own towns and their villages (a select of every village of the city would be unusable)."""
    queryset = Territory.objects.visible_to(user).order_by("path")
    if not scope_for(user).limited_by_territory:
        queryset = queryset.filter(level__in=[Territory.Level.CITY, Territory.Level.TOWN])
    else:
        queryset = queryset.filter(level__in=[Territory.Level.TOWN, Territory.Level.VILLAGE])
    return queryset


def _select(field):
    field.widget.attrs.setdefault("class", "form-select")
    return field


class PlanForm(forms.Form):
    name = forms.CharField(label=_("计划名称"), max_length=200)
    kind = forms.ChoiceField(label=_("检查类型"), choices=Kind.choices)
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs=DATE))
    organiser = forms.ModelChoiceField(label=_("组织单位"), queryset=Unit.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=_("参加单位"),
        queryset=Unit.objects.all(),
        required=False,
        help_text=_("联合检查须选择组织单位以外至少一个单位（按住 Ctrl 多选）"),
    )
    checklist_version = forms.TypedChoiceField(label=_("检查表"), coerce=int)
    target_mode = forms.ChoiceField(label=_("检查对象"), choices=TargetMode.choices, initial=TargetMode.RULE)
    target_sectors = forms.ModelMultipleChoiceField(
        label=_("行业领域"), queryset=Sector.objects.all(), required=False
    )
    target_territories = forms.ModelMultipleChoiceField(
        label=_("辖区"),
        queryset=Territory.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("辖区不存在或不在您的管辖范围内")},
    )
    target_risk_grades = forms.MultipleChoiceField(
        label=_("风险等级"),
        choices=RiskGrade.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    not_inspected_months = forms.IntegerField(
        label=_("超过N个月未检查"), required=False, min_value=1, max_value=120
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = actor_units(user).order_by("kind", "name")
        self.fields["organiser"].error_messages["invalid_choice"] = _("组织单位须为您所在的单位")
        self.fields["target_territories"].queryset = territory_choices(user)
        self.fields["checklist_version"].choices = version_choices()
        self.fields["checklist_version"].error_messages["invalid_choice"] = _("请选择已发布的检查表")
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(field.widget, forms.Select | forms.SelectMultiple):
                _select(field)
            else:
                field.widget.attrs.setdefault("class", "form-control")
        for name in ("units", "target_sectors", "target_territories"):
            self.fields[name].widget.attrs["size"] = 6


class DrawForm(forms.Form):
    """Commit a double-random draw: N targets, k inspectors each, a weight per risk grade."""

    target_count = forms.IntegerField(label=_("抽取对象数"), min_value=1)
    inspectors_per_target = forms.IntegerField(label=_("每个对象检查人员数"), min_value=1, initial=2)
    weight_red = forms.IntegerField(label=_("红"), min_value=0, initial=DEFAULT_WEIGHTS[RiskGrade.RED])
    weight_orange = forms.IntegerField(label=_("橙"), min_value=0, initial=DEFAULT_WEIGHTS[RiskGrade.ORANGE])
    weight_yellow = forms.IntegerField(label=_("黄"), min_value=0, initial=DEFAULT_WEIGHTS[RiskGrade.YELLOW])
    weight_blue = forms.IntegerField(label=_("蓝"), min_value=0, initial=DEFAULT_WEIGHTS[RiskGrade.BLUE])
    weight_none = forms.IntegerField(label=_("未评级"), min_value=0, initial=DEFAULT_WEIGHTS[""])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def weights(self):
        data = self.cleaned_data
        return {
            RiskGrade.RED.value: data["weight_red"],
            RiskGrade.ORANGE.value: data["weight_orange"],
            RiskGrade.YELLOW.value: data["weight_yellow"],
            RiskGrade.BLUE.value: data["weight_blue"],
            "": data["weight_none"],
        }


class SelfInspectionForm(forms.Form):
    checklist_version = forms.TypedChoiceField(label=_("检查表"), coerce=int)
    led_by_head = forms.BooleanField(label=_("主要负责人带队检查"), required=False)
    head_name = forms.CharField(label=_("带队负责人姓名"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["checklist_version"]
        field.choices = version_choices()
        field.error_messages["invalid_choice"] = _("请选择已发布的检查表")
        field.widget.attrs["class"] = "form-select"
        self.fields["head_name"].widget.attrs["class"] = "form-control"
        self.fields["led_by_head"].widget.attrs["class"] = "form-check-input"


def default_version_for(subject):
    """The sector's checklist for the subject, else a generic one (its newest published version)."""
    versions = published_versions()
    for version in versions:
        if version.checklist.sector_id and version.checklist.sector_id == subject.sector_id:
            return version
    for version in versions:
        if version.checklist.category == "generic":
            return version
    return versions[0] if versions else None
