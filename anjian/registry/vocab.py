"""Shared vocabularies of the supervised world, below every domain app that uses them.

AccidentType is named by risk assessments (the accident a risk could lead to) and by accident
reports alike; it lives here so that accidents need not import risks (the app layers in
pyproject.toml). Moving it changes no migration: Django stores the choices themselves.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccidentType(models.TextChoices):
    """GB 6441-1986 事故类别 (20 types)."""

    STRUCK = "struck", _("物体打击")
    VEHICLE = "vehicle", _("车辆伤害")
    MACHINERY = "machinery", _("机械伤害")
    LIFTING = "lifting", _("起重伤害")
    ELECTRIC = "electric", _("触电")
    DROWNING = "drowning", _("淹溺")
    SCALD = "scald", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL = "fall", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    FLOODING = "flooding", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVE = "explosive", _("火药爆炸")
    GAS_EXPLOSION = "gas_explosion", _("瓦斯爆炸")
    BOILER = "boiler", _("锅炉爆炸")
    VESSEL = "vessel", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其他爆炸")
    POISONING = "poisoning", _("中毒和窒息")
    OTHER = "other", _("其他伤害")
