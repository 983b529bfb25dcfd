"""The subject form, its choices narrowed to the user's scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.widgets import use_quick_selects
from anjian.org.forms import sector_choices, territory_choices
from anjian.org.models import Sector, Territory, Unit
from anjian.org.scope import scope_for

from .models import RiskGrade, Subject


def sectors_for(user):
    """The sectors `user` may file a subject under: all, unless every grant names its sectors."""
    codes = scope_for(user).sector_codes()
    return Sector.objects.all() if codes is None else Sector.objects.filter(pk__in=codes)


class SubjectForm(forms.ModelForm):
    class Meta:
        model = Subject
        fields = [
            "kind",
            "name",
            "code",
            "territory",
            "grid",
            "sector",
            "address",
            "lat",
            "lon",
            "risk_grade",
            "supervising_unit",
            "contact_name",
            "contact_phone",
        ]

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        visible = Territory.objects.visible_to(user)
        self.fields["territory"].queryset = visible.exclude(level=Territory.Level.GRID)
        self.fields["territory"].label_from_instance = _indented
        self.fields["grid"].queryset = visible.filter(level=Territory.Level.GRID)
        self.fields["grid"].label_from_instance = _grid_label
        self.fields["sector"].queryset = sectors_for(user)
        self.fields["supervising_unit"].queryset = Unit.objects.exclude(kind=Unit.Kind.GROUP)
        self.fields["code"].help_text = _("企业填18位统一社会信用代码；设备填设备代码；船舶填船名号")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        for name in ("lat", "lon"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"


def _indented(territory):
    return "\u3000" * max(territory.depth - 1, 0) + territory.name


def _grid_label(grid):
    return grid.name


class SubjectFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False)
    territory = forms.ChoiceField(label=_("辖区"), required=False)
    sector = forms.ChoiceField(label=_("行业领域"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    risk_grade = forms.ChoiceField(label=_("风险等级"), required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [("", _("全部辖区")), *territory_choices(user)]
        self.fields["sector"].choices = [("", _("全部领域")), *sector_choices()]
        self.fields["kind"].choices = [("", _("全部类型")), *Subject.Kind.choices]
        self.fields["risk_grade"].choices = [("", _("全部等级")), *RiskGrade.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("名称、编码或地址")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        use_quick_selects(self)
