"""A select that renders its options in Python.

Django renders every <option> through a template; a filter form with a couple of hundred territories
spends most of a list page's time there. The output is the same markup, built with escaping here.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(option_value)}"{" selected" if str(option_value) in selected else ""}>'
            f"{escape(label)}</option>"
            for option_value, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")


def use_quick_selects(form):
    """Swap the plain selects of `form` for QuickSelect (choices with option groups keep Django's)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select and not any(
            isinstance(label, (list, tuple)) for _, label in widget.choices
        ):
            quick = QuickSelect(attrs=widget.attrs, choices=widget.choices)
            quick.is_required = widget.is_required
            field.widget = quick
