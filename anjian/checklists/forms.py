"""Forms of the checklist pages: an item of a draft, and the import page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.org.models import Sector

from .models import Checklist, ChecklistItem, Criterion


class CriterionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.standard.title} 第{obj.article}条第（{obj.number}）项 {obj.text[:30]}"


class ItemForm(forms.ModelForm):
    criterion = CriterionChoice(
        Criterion.objects.select_related("standard"), required=False, label=_("重大隐患判定情形")
    )

    class Meta:
        model = ChecklistItem
        fields = ["key", "section", "text", "method", "legal_basis", "major_by_rule", "criterion"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"major_by_rule": _("勾选后须选择对应的判定情形")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = (
                "form-check-input"
                if name == "major_by_rule"
                else "form-select"
                if name == "criterion"
                else "form-control"
            )
            field.widget.attrs["class"] = css


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .yaml）"))
    checklist = forms.ModelChoiceField(
        Checklist.objects.all(),
        required=False,
        label=_("导入为现有检查表的新草稿"),
        empty_label=_("— 不选则新建检查表 —"),
    )
    code = forms.SlugField(label=_("新检查表代码"), max_length=40, required=False)
    name = forms.CharField(label=_("新检查表名称"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("— 按文件 —")), *Checklist.Category.choices], required=False
    )
    sector = forms.ModelChoiceField(
        Sector.objects.all(), required=False, label=_("行业领域"), empty_label=_("— 按文件 —")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField))
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"
