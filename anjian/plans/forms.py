"""The import form: paste the plan's text or upload a .txt / .docx file."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD = 5 * 1024 * 1024


class ImportForm(forms.Form):
    title = forms.CharField(
        label=_("标题"), required=False, max_length=200, help_text=_("留空则取原文中的标题")
    )
    year = forms.IntegerField(
        label=_("年度"), required=False, min_value=2000, max_value=2100, help_text=_("留空则从原文识别")
    )
    text = forms.CharField(label=_("工作要点全文"), required=False, widget=forms.Textarea(attrs={"rows": 14}))
    # Empty files reach read_document, whose message names the problem.
    file = forms.FileField(label=_("或上传文件（.txt / .docx）"), required=False, allow_empty_file=True)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 5 MB，请确认是工作要点全文"))
        if upload and not upload.name.lower().endswith((".txt", ".docx")):
            raise forms.ValidationError(_("只支持 .txt 或 .docx 文件（.doc 请先另存为 .docx）"))
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("请粘贴工作要点全文或上传文件"))
        return data
