"""The person's notification settings and the office's rules, as forms that name what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import kinds
from .models import ChannelKind

# The channels a person chooses per kind (in-app is always on: the inbox is the record).
CHOICE_CHANNELS = (
    ChannelKind.EMAIL,
    ChannelKind.WORK_NOTICE,
    ChannelKind.SMS,
    ChannelKind.DINGTALK_ROBOT,
    ChannelKind.WECOM_ROBOT,
)


def choice_field_name(kind_code, channel):
    return f"pref__{kind_code}__{channel}"


class SettingsForm(forms.Form):
    digest = forms.BooleanField(label=_("非紧急消息每天汇总一次发送"), required=False)
    digest_hour = forms.IntegerField(label=_("汇总发送时间（时，0–23）"), min_value=0, max_value=23)
    quiet_start = forms.TimeField(
        label=_("免打扰开始"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label=_("免打扰结束"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_notice_id = forms.CharField(label=_("浙政钉/钉钉用户ID"), max_length=100, required=False)

    def __init__(self, *args, defaults=None, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = defaults or {}
        for kind in kinds.KINDS.values():
            for channel in CHOICE_CHANNELS:
                name = choice_field_name(kind.code, channel)
                self.fields[name] = forms.BooleanField(
                    required=False, initial=defaults.get((kind.code, channel))
                )

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("免打扰时段须同时填写开始和结束时间，或都不填。"))
        return data

    def choices(self):
        return {
            (kind.code, channel): self.cleaned_data[choice_field_name(kind.code, channel)]
            for kind in kinds.KINDS.values()
            for channel in CHOICE_CHANNELS
        }


class RuleForm(forms.Form):
    """One kind's rule; the rules page shows one per kind, prefixed with the kind's code."""

    enabled = forms.BooleanField(label=_("启用"), required=False)
    lead_days = forms.IntegerField(label=_("提前天数"), min_value=0, max_value=60, required=False)
    escalate_days = forms.IntegerField(label=_("升级天数"), min_value=1, max_value=60, required=False)
