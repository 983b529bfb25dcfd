"""Forms of the register pages. They render fields and read the request; every rule is checked again by
services_register, which is what decides."""

from django import forms
from django.db.models import Case, IntegerField, Max, Value, When
from django.utils.translation import gettext_lazy as _

from anjian.checklists.models import ChecklistItem, ChecklistVersion
from anjian.core.widgets import use_quick_selects
from anjian.org.models import Sector, Territory
from anjian.registry.models import RiskGrade

from . import methods
from .models import AccidentType, ControlMeasure, RiskAssessment, RiskUnit


def _styled(form):
    """Bootstrap classes on every widget, and no colon after labels."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class RegisterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _styled(self)


class UnitForm(RegisterForm):
    name = forms.CharField(label=_("单元名称"), max_length=100)
    kind = forms.ChoiceField(label=_("单元类型"), choices=RiskUnit.Kind.choices)
    location = forms.CharField(label=_("位置"), max_length=200, required=False)
    department = forms.CharField(label=_("责任部门"), max_length=100, required=False)
    person_in_charge = forms.CharField(label=_("责任人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)


class EventForm(RegisterForm):
    name = forms.CharField(label=_("风险事件"), max_length=200)
    accident_type = forms.ChoiceField(label=_("事故类型"), choices=AccidentType.choices)
    consequence = forms.CharField(
        label=_("可能后果"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        label=_("在管"),
        required=False,
        initial=True,
        help_text=_("风险已消除（如装置拆除）时取消，不再计入对象的风险等级"),
    )


def checklist_item_choices(subject):
    """Items of each checklist's newest published version, the subject's sector's checklists and the
    generic ones first, grouped by checklist (a measure links to "the same item" in any version)."""
    newest = (
        ChecklistVersion.objects.filter(status=ChecklistVersion.Status.PUBLISHED)
        .values("checklist_id")
        .annotate(number=Max("number"))
    )
    wanted = {row["checklist_id"]: row["number"] for row in newest}
    items = (
        ChecklistItem.objects.filter(version__status=ChecklistVersion.Status.PUBLISHED)
        .filter(version__checklist_id__in=wanted)
        .select_related("version__checklist")
        .annotate(
            near=Case(
                When(version__checklist__sector_id=subject.sector_id, then=Value(0)),
                When(version__checklist__sector__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("near", "version__checklist_id", "order", "id")
    )
    groups = {}
    for item in items:
        if wanted[item.version.checklist_id] != item.version.number:
            continue
        label = f"{item.key} {item.text[:60]}"
        groups.setdefault(item.version.checklist.name, []).append((item.pk, label))
    return [("", _("（不对应检查条目）"))] + list(groups.items())


class MeasureForm(RegisterForm):
    kind = forms.ChoiceField(label=_("措施类别"), choices=ControlMeasure.Kind.choices)
    text = forms.CharField(label=_("管控措施"), widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(
        label=_("管控层级"), choices=ControlMeasure.Level.choices, initial=ControlMeasure.Level.WORKSHOP
    )
    responsible_person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    checklist_item = forms.TypedChoiceField(
        label=_("对应检查条目"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("检查中该条目不符合时，生成的隐患关联到本措施，措施显示为失效直至隐患销号"),
    )

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist_item"].choices = checklist_item_choices(subject)


def plain_number(value):
    """0.5, 10, 100: a table value as people write it (no trailing zeros, no exponent)."""
    return format(value.normalize(), "f")


def _table_choices(table):
    return [("", _("— 请选择 —"))] + [
        (plain_number(value), f"{plain_number(value)} — {meaning}") for value, meaning in table
    ]


class AssessmentForm(RegisterForm):
    """Both methods' fields; the page shows the chosen method's, the view passes those on."""

    method = forms.ChoiceField(label=_("评价方法"), choices=RiskAssessment.Method.choices)
    lec_l = forms.ChoiceField(label=_("L 事故发生的可能性"), required=False)
    lec_e = forms.ChoiceField(label=_("E 暴露于危险环境的频繁程度"), required=False)
    lec_c = forms.ChoiceField(label=_("C 发生事故可能造成的后果"), required=False)
    ls_l = forms.ChoiceField(label=_("L 事件发生的可能性"), required=False)
    ls_s = forms.ChoiceField(label=_("S 事件后果严重性"), required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    LEC_FIELDS = ("lec_l", "lec_e", "lec_c")
    LS_FIELDS = ("ls_l", "ls_s")
    TABLES = {
        "lec_l": methods.LEC_L,
        "lec_e": methods.LEC_E,
        "lec_c": methods.LEC_C,
        "ls_l": methods.LS_L,
        "ls_s": methods.LS_S,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, so the meanings come out in the reader's language.
        for name, table in self.TABLES.items():
            self.fields[name].choices = _table_choices(table)

    def service_arguments(self):
        """method, l, c, e and note for services_register.assess, from the chosen method's fields."""
        data = self.cleaned_data
        if data["method"] == "ls":
            return {"method": "ls", "l_value": data["ls_l"], "c_value": data["ls_s"], "note": data["note"]}
        return {
            "method": data["method"],
            "l_value": data["lec_l"],
            "e_value": data["lec_e"],
            "c_value": data["lec_c"],
            "note": data["note"],
        }

    def clean(self):
        data = super().clean()
        fields = self.LS_FIELDS if data.get("method") == "ls" else self.LEC_FIELDS
        for name in fields:
            if not data.get(name):
                self.add_error(name, _("请选择%(f)s的取值") % {"f": self.fields[name].label.split()[0]})
        return data


class EventFilterForm(forms.Form):
    """The filter bar of the risk events list (the list is filtered by views_register.filter_events)."""

    grade = forms.ChoiceField(label=_("风险等级"), required=False)
    sector = forms.ChoiceField(label=_("行业领域"), required=False)
    town = forms.ChoiceField(label=_("镇（街道）"), required=False)
    active = forms.ChoiceField(
        label=_("是否在管"),
        required=False,
        choices=[("", _("不限")), ("1", _("在管")), ("0", _("已取消"))],
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", _("全部等级")), *RiskGrade.choices, ("none", _("未评价"))]
        self.fields["sector"].choices = [("", _("全部领域"))] + list(
            Sector.objects.values_list("code", "name")
        )
        self.fields["town"].choices = [("", _("全部镇（街道）"))] + list(town_choices(user))
        _styled(self)
        use_quick_selects(self)


def town_choices(user):
    towns = Territory.objects.visible_to(user).filter(level=Territory.Level.TOWN)
    return towns.order_by("path").values_list("pk", "name")
