"""Forms of the hazard pages. They render and read fields; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import PhotosField
from anjian.core.widgets import use_quick_selects
from anjian.org.forms import sector_choices, territory_choices

from .models import Level, Source, Status, SupervisionLevel


def _blank(label):
    return [("", label)]


class HazardFilterForm(forms.Form):
    """Renders the list's filter bar. The list itself is filtered by filters.filter_hazards."""

    q = forms.CharField(label=_("关键词"), required=False)
    territory = forms.ChoiceField(label=_("辖区"), required=False)
    sector = forms.ChoiceField(label=_("行业领域"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=_blank(_("全部状态")) + Status.choices
    )
    level = forms.ChoiceField(
        label=_("隐患等级"), required=False, choices=_blank(_("全部等级")) + Level.choices
    )
    open = forms.ChoiceField(
        label=_("是否闭环"),
        required=False,
        choices=[("", _("不限")), ("1", _("未闭环")), ("0", _("已复查/销号"))],
    )
    overdue = forms.ChoiceField(
        label=_("是否逾期"),
        required=False,
        choices=[("", _("不限")), ("1", _("已逾期")), ("0", _("未逾期"))],
    )
    source = forms.ChoiceField(
        label=_("来源"), required=False, choices=_blank(_("全部来源")) + Source.choices
    )
    supervision = forms.ChoiceField(
        label=_("挂牌督办"),
        required=False,
        choices=_blank(_("不限"))
        + [("any", _("全部挂牌督办"))]
        + [(v, label) for v, label in SupervisionLevel.choices if v],
    )
    date_from = forms.DateField(
        label=_("发现日期起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("发现日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = _blank(_("全部辖区")) + territory_choices(user)
        self.fields["sector"].choices = _blank(_("全部领域")) + sector_choices()
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["q"].widget.attrs["placeholder"] = _("编号、描述或对象名称")
        use_quick_selects(self)


class ReportForm(forms.Form):
    subject = forms.IntegerField(label=_("监管对象"), widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label=_("隐患描述"), max_length=200)
    level = forms.ChoiceField(label=_("隐患等级"), choices=Level.choices, initial=Level.GENERAL)
    source = forms.ChoiceField(
        label=_("来源"), required=False, choices=_blank(_("按角色自动判断")) + Source.choices
    )
    location = forms.CharField(label=_("具体部位"), max_length=200, required=False)
    description = forms.CharField(
        label=_("详细情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    photos = PhotosField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in ("subject", "photos"):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
