"""Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
alphabet, the last one a check character over the first 17."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17):
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code):
    """None if `code` is a valid unified social credit code, else a message saying what is wrong."""
    if len(code) != 18:
        return _("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(code)}
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        return _("统一社会信用代码含有不允许的字符“%(c)s”") % {"c": bad[0]}
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：末位应为%(e)s，实际为%(a)s") % {"e": expected, "a": code[17]}
    return None


def validate_uscc(code):
    problem = uscc_problem(code)
    if problem:
        raise ValidationError(problem, code="uscc")


def make_uscc(n):
    """A valid unified social credit code derived from the number n (the demo, the bench and tests make
    enterprises with it)."""
    body = "91331081"
    digits = ""
    for _digit in range(9):
        n, r = divmod(n, len(USCC_ALPHABET))
        digits += USCC_ALPHABET[r]
    first17 = body + digits
    return first17 + uscc_check_char(first17)
