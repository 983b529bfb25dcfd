"""The inbox (every user's own messages), their settings, and the office's pages: delivery log,
channels, people no channel reaches, and the rules. Views only read and call services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.listing import page_of

from . import inbox, kinds, services
from .forms import CHOICE_CHANNELS, RuleForm, SettingsForm, choice_field_name
from .models import Channel, ChannelKind, Delivery, Notification, NotificationSettings, Preference
from .permissions import can_manage_notifications

INBOX_FILTERS = (("", _("全部")), ("unread", _("未读")), ("urgent", _("紧急")))


def _kind_label(code):
    known = kinds.KINDS.get(code)
    return known.label if known else code


@login_required
def inbox_list(request):
    rows = inbox.own(request.user)
    chosen = request.GET.get("filter", "")
    if chosen == "unread":
        rows = rows.filter(read_at__isnull=True)
    elif chosen == "urgent":
        rows = rows.filter(urgent=True)
    else:
        chosen = ""
    page = page_of(request, rows, 30)
    visible = inbox.visible_ids(request.user, page.object_list)
    items = [
        {"note": note, "label": _kind_label(note.kind), "visible": note.pk in visible}
        for note in page.object_list
    ]
    context = {
        "items": items,
        "page_obj": page,
        "filters": [(value, str(label)) for value, label in INBOX_FILTERS],
        "chosen": chosen,
        "unread": services.unread_count(request.user),
        "can_manage": can_manage_notifications(request.user),
    }
    return render(request, "notifications/inbox.html", context)


def _own(user, pk):
    return get_object_or_404(Notification, pk=pk, recipient=user)


@login_required
def open_notification(request, pk):
    """Mark the message read and go to its object, if the reader may still see it."""
    note = _own(request.user, pk)
    services.mark_read(request.user, [note.pk])
    target = inbox.safe_target(note.url)
    if note.pk in inbox.visible_ids(request.user, [note]) and target:
        return redirect(target)
    if note.content_type_id is not None and note.pk not in inbox.visible_ids(request.user, [note]):
        messages.warning(request, _("该消息所涉事项已不在您的查看范围内。"))
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read(request, pk):
    note = _own(request.user, pk)
    services.mark_read(request.user, [note.pk])
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request):
    count = services.mark_read(request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return redirect(_back(request))


def _back(request):
    target = inbox.safe_target(request.POST.get("next", ""))
    return target or "notifications:inbox"


@login_required
def bell(request):
    """The bell's count, polled by the navbar so a message arriving while the page is open shows."""
    return render(request, "notifications/_bell.html", {"nav_unread": services.unread_count(request.user)})


# ---- a person's settings -------------------------------------------------------------------------


def _current_choices(user):
    chosen = {(p.kind, p.channel): p.enabled for p in Preference.objects.filter(user=user)}
    out = {}
    for kind in kinds.KINDS.values():
        for channel in CHOICE_CHANNELS:
            if (kind.code, channel) in chosen:
                out[(kind.code, channel)] = chosen[(kind.code, channel)]
            elif ("*", channel) in chosen:
                out[(kind.code, channel)] = chosen[("*", channel)]
            else:
                out[(kind.code, channel)] = channel in kind.channels
    return out


@login_required
def settings_view(request):
    user = request.user
    current = NotificationSettings.objects.filter(user=user).first() or services.DEFAULT_SETTINGS
    defaults = _current_choices(user)
    initial = {
        "digest": current.digest,
        "digest_hour": current.digest_hour,
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
        "work_notice_id": current.work_notice_id,
    }
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST, defaults=defaults)
        if form.is_valid():
            data = form.cleaned_data
            services.save_settings(
                user,
                digest=data["digest"],
                digest_hour=data["digest_hour"],
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                work_notice_id=data["work_notice_id"].strip(),
                choices=form.choices(),
            )
            messages.success(request, _("通知设置已保存。"))
            return redirect("notifications:settings")
        status = 400
    else:
        form = SettingsForm(initial=initial, defaults=defaults)
    rows = [
        {
            "kind": kind,
            "cells": [form[choice_field_name(kind.code, channel)] for channel in CHOICE_CHANNELS],
        }
        for kind in kinds.KINDS.values()
        if not kind.code.startswith("system.")
    ]
    context = {
        "form": form,
        "time_fields": [form[name] for name in ("digest_hour", "quiet_start", "quiet_end", "work_notice_id")],
        "rows": rows,
        "channels": [ChannelKind(channel).label for channel in CHOICE_CHANNELS],
        "addresses": _addresses(user),
    }
    return render(request, "notifications/settings.html", context, status=status)


def _addresses(user):
    person = getattr(user, "person", None)
    return {"email": user.email, "phone": person.phone if person else ""}


# ---- the office ----------------------------------------------------------------------------------


def _require_office(user):
    if not can_manage_notifications(user):
        raise PermissionDenied


DELIVERY_STATES = [("", _("全部"))] + list(Delivery.State.choices)


@login_required
def delivery_log(request):
    _require_office(request.user)
    rows = Delivery.objects.select_related("recipient", "recipient__person", "channel", "notification")
    state = request.GET.get("state", "")
    if state and state not in Delivery.State.values:
        messages.error(request, _("未知的投递状态：%(s)s") % {"s": state})
        rows, status = rows.none(), 400
    else:
        status = 200
        if state:
            rows = rows.filter(state=state)
    channel = request.GET.get("channel", "")
    if channel:
        rows = rows.filter(channel__code=channel)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(recipient__person__name__contains=q) | rows.filter(recipient__username__contains=q)
    page = page_of(request, rows, 50)
    context = {
        "page_obj": page,
        "states": DELIVERY_STATES,
        "chosen_state": state,
        "channels": Channel.objects.all(),
        "chosen_channel": channel,
        "q": q,
        "failing": [c for c in Channel.objects.filter(enabled=True) if c.failing],
    }
    return render(request, "notifications/office_deliveries.html", context, status=status)


@login_required
def delivery_detail(request, pk):
    _require_office(request.user)
    delivery = get_object_or_404(
        Delivery.objects.select_related("channel", "recipient", "notification"), pk=pk
    )
    context = {
        "delivery": delivery,
        "attempts": delivery.log.all(),
        "merged": delivery.merged.select_related("notification")[:200],
    }
    return render(request, "notifications/office_delivery.html", context)


@login_required
def channel_list(request):
    _require_office(request.user)
    channels = list(Channel.objects.select_related("unit"))
    for channel in channels:
        channel.masked = _masked(channel.config)
    return render(
        request,
        "notifications/office_channels.html",
        {"channels": channels, "failing": [c for c in channels if c.enabled and c.failing]},
    )


SECRET_WORDS = ("secret", "key", "token", "password", "sign")


def _masked(config):
    """The channel's settings for the page, with secrets shown as their last 4 characters only."""
    out = []
    for key, value in sorted((config or {}).items()):
        text = str(value)
        if any(word in key.lower() for word in SECRET_WORDS) and text:
            text = "••••" + text[-4:] if len(text) > 8 else "••••"
        out.append((key, text))
    return out


@login_required
def unreachable(request):
    _require_office(request.user)
    page = page_of(request, services.unreachable_users(), 100)
    return render(request, "notifications/office_unreachable.html", {"page_obj": page})


@login_required
def rules(request):
    _require_office(request.user)
    listed = [kind for kind in kinds.KINDS.values() if not kind.code.startswith("system.")]
    status = 200
    if request.method == "POST":
        forms_ = {kind.code: RuleForm(request.POST, prefix=kind.code) for kind in listed}
        if all(form.is_valid() for form in forms_.values()):
            with transaction.atomic():
                for code, form in forms_.items():
                    services.save_rule(
                        request.user,
                        code,
                        enabled=form.cleaned_data["enabled"],
                        lead_days=form.cleaned_data["lead_days"],
                        escalate_days=form.cleaned_data["escalate_days"],
                    )
            messages.success(request, _("提醒规则已保存。"))
            return redirect("notifications:rules")
        status = 400
        messages.error(request, _("提醒规则未保存：请按标出的错误修改。"))
    else:
        forms_ = {}
        for kind in listed:
            rule = services.rule_for(kind.code)
            forms_[kind.code] = RuleForm(
                prefix=kind.code,
                initial={
                    "enabled": rule.enabled,
                    "lead_days": rule.lead_days,
                    "escalate_days": rule.escalate_days,
                },
            )
    rows = [{"kind": kind, "form": forms_[kind.code]} for kind in listed]
    return render(request, "notifications/office_rules.html", {"rows": rows}, status=status)
