"""Forms of the installation pages. They render and read fields; the rules (the GB 18218 checks and
their messages, scope, roles) live in gb18218.py and services_installations.py, so the quantity is
read as text here and judged there, with the same message the API gives."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .gb18218_tables import tables
from .models import Guarantor, Installation

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def category_choices():
    return [("", _("（按表1或表3取值，无需类别）"))] + [
        (code, f"{code} {c.name}：{c.hazard_class}") for code, c in tables().categories.items()
    ]


class InstallationForm(forms.Form):
    name = forms.CharField(label=_("单元名称"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(
        label=_("单元类型"), choices=Installation.Kind.choices, widget=forms.Select(attrs=SELECT)
    )
    exposed_people = forms.CharField(
        label=_("厂外可能暴露人员数"),
        required=False,
        help_text=_("厂区边界外500米范围内常住人口数，用于取校正系数α"),
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
    )
    record_no = forms.CharField(
        label=_("备案编号"), max_length=50, required=False, widget=forms.TextInput(attrs=TEXT)
    )


class LineForm(forms.Form):
    substance = forms.CharField(
        label=_("物质"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={**TEXT, "placeholder": _("品名、别名、CAS号或类别代码"), "list": "gb18218-names"}
        ),
    )
    quantity_t = forms.CharField(
        label=_("最大存量（吨）"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal"}),
    )
    category = forms.ChoiceField(
        label=_("危险性类别（表2）"),
        required=False,
        choices=category_choices,
        widget=forms.Select(attrs=SELECT),
    )

    def is_blank(self):
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any((data.get(key) or "").strip() for key in ("substance", "quantity_t", "category"))


LineFormSet = forms.formset_factory(LineForm, extra=0, min_num=1, max_num=200, absolute_max=200)


class GuarantorForm(forms.Form):
    role = forms.ChoiceField(
        label=_("包保职责"), choices=Guarantor.Role.choices, widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs=TEXT))
    position = forms.CharField(
        label=_("职务"), max_length=50, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    phone = forms.CharField(
        label=_("联系电话"), max_length=20, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    check_interval_days = forms.IntegerField(
        label=_("检查周期（天）"),
        required=False,
        min_value=1,
        help_text=_("不填按应急厅〔2021〕12号：主要负责人90天、技术负责人30天、操作负责人7天"),
        widget=forms.NumberInput(attrs=TEXT),
    )


class CheckForm(forms.Form):
    guarantor = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(
        label=_("检查日期"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}),
    )
    note = forms.CharField(
        label=_("检查情况"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
