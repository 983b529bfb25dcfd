"""Forms of the accident pages. They render fields and read the request; services.py decides (scope,
grading, every rule), so a form never sets the level."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import PhotosField
from anjian.core.widgets import use_quick_selects
from anjian.org.forms import territory_choices
from anjian.org.models import Sector, Territory
from anjian.registry.vocab import AccidentType

from .models import AccidentLevel


def _styled(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def _blank(label):
    return [("", label)]


class AccidentForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("发生时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("发生地点"), max_length=200)
    # Chosen from the page's subject picker (htmx search); checked against scope by the service.
    subject = forms.IntegerField(label=_("事故单位"), required=False, widget=forms.HiddenInput)
    territory = forms.ChoiceField(
        label=_("所在辖区"), required=False, help_text=_("有事故单位时取该单位所在辖区")
    )
    sector = forms.ChoiceField(
        label=_("行业领域"), required=False, help_text=_("有事故单位时取该单位的行业领域")
    )
    accident_type = forms.ChoiceField(
        label=_("事故类型"), choices=_blank(_("— 请选择 —")) + AccidentType.choices
    )
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0, initial=0)
    serious_injuries = forms.IntegerField(
        label=_("重伤人数"), min_value=0, initial=0, help_text=_("含急性工业中毒")
    )
    direct_loss_yuan = forms.DecimalField(
        label=_("直接经济损失（元）"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    reported_at = forms.DateTimeField(
        label=_("报告时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(
        label=_("事故经过"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotosField(label=_("现场照片"))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = _blank(_("— 请选择 —")) + territory_choices(user)
        self.fields["sector"].choices = _blank(_("— 请选择 —")) + list(
            Sector.objects.values_list("code", "name")
        )
        self.fields["deaths"].widget.attrs["inputmode"] = "numeric"
        self.fields["serious_injuries"].widget.attrs["inputmode"] = "numeric"
        self.fields["direct_loss_yuan"].widget.attrs["inputmode"] = "decimal"
        _styled(self)
        use_quick_selects(self)

    def service_arguments(self):
        data = dict(self.cleaned_data)
        photos = data.pop("photos", [])
        if data.get("subject"):
            # The subject decides place and sector; whatever the hidden selects still hold is ignored.
            data.pop("territory", None)
            data.pop("sector", None)
        return data, photos


class AccidentFilterForm(forms.Form):
    """The list's filter bar (the list is filtered by views_accidents.filter_accidents)."""

    date_from = forms.DateField(
        label=_("发生日期起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("发生日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    town = forms.ChoiceField(label=_("镇（街道）"), required=False)
    sector = forms.ChoiceField(label=_("行业领域"), required=False)
    level = forms.ChoiceField(label=_("事故等级"), required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = _blank(_("全部镇（街道）")) + list(town_choices(user))
        self.fields["sector"].choices = _blank(_("全部领域")) + list(
            Sector.objects.values_list("code", "name")
        )
        self.fields["level"].choices = _blank(_("全部等级")) + AccidentLevel.choices
        _styled(self)
        use_quick_selects(self)


def town_choices(user):
    towns = Territory.objects.visible_to(user).filter(level=Territory.Level.TOWN)
    return towns.order_by("path").values_list("pk", "name")


class PeriodForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _styled(self)


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=1990, max_value=2100)
    max_accidents = forms.IntegerField(label=_("事故起数控制数"), min_value=0, required=False)
    max_deaths = forms.IntegerField(label=_("死亡人数控制数"), min_value=0, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _styled(self)
