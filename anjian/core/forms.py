"""Form fields every app's pages share. They live in core, below the domain apps, so hazards,
accidents and inspections can offer them without importing one another."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one input; each is checked by anjian.core.uploads when the service stores it."""

    widget = MultipleImageInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("照片"))
        super().__init__(**kwargs)
        # capture: a phone offers its camera first; accept narrows the picker to images.
        self.widget.attrs.update({"accept": "image/*", "capture": "environment", "class": "form-control"})

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(PhotosField, self).clean(item, initial) for item in data]
        return [data] if data else []
