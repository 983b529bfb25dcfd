"""Forms of the ranking pages: computing a month, re-running, the sensitivity trial and the year's
scheme (one row per indicator of the registry)."""

import datetime
from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Direction, Normalisation


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (what <input type="month"> sends) → the month's first day."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value[:7], "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(
                _("月份格式应为“年-月”，例如 2026-03：%(v)s") % {"v": value}
            ) from None


class ComputeForm(forms.Form):
    month = MonthField(label=gettext_lazy("月份"), widget=forms.TextInput(attrs={"type": "month"}))
    reason = forms.CharField(
        label=gettext_lazy("重新计算原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("该月已有发布结果时必填"),
    )


class RerunForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("重新计算原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写重新计算的原因")},
    )


class SensitivityForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("指标"))
    weight = forms.DecimalField(
        label=gettext_lazy("新权重"), max_digits=8, decimal_places=4, min_value=Decimal("0.0001")
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i["code"], i["name"]) for i in indicators]


class SchemeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("方案名称"), max_length=100)
    total_weight = forms.DecimalField(
        label=gettext_lazy("权重合计"), max_digits=6, decimal_places=2, min_value=Decimal("0.01")
    )
    bottom_n = forms.IntegerField(label=gettext_lazy("排名靠后约谈数"), min_value=0, max_value=50)


class IndicatorRowForm(forms.Form):
    """One indicator of the registry: whether the scheme counts it and how."""

    code = forms.CharField(widget=forms.HiddenInput)
    included = forms.BooleanField(label=gettext_lazy("纳入"), required=False)
    weight = forms.DecimalField(
        label=gettext_lazy("权重"), max_digits=6, decimal_places=2, required=False, min_value=Decimal(0)
    )
    direction = forms.ChoiceField(label=gettext_lazy("方向"), choices=Direction.choices)
    normalisation = forms.ChoiceField(label=gettext_lazy("标准化方法"), choices=Normalisation.choices)
    target = forms.DecimalField(label=gettext_lazy("目标值"), max_digits=12, decimal_places=4, required=False)


IndicatorFormSet = formset_factory(IndicatorRowForm, extra=0)
