"""Forms for the reference pages (filters, search) and the admin's image uploads."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from reflexology import images
from reflexology.errors import ContentError
from reflexology.models import BodySystem, Technique
from reflexology.search import CleanQuery, clean_query

UNKNOWN_CHOICE = _("We do not recognise that choice, so we left this filter out.")


class TechniqueFilterForm(forms.Form):
    """The GET form above the technique cards. Every field is optional; a bad value is ignored."""

    kind = forms.ChoiceField(
        label=_("Kind of massage"),
        required=False,
        choices=[("", _("All kinds")), *Technique.Kind.choices],
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    system = forms.ChoiceField(
        label=_("Part of the body"),
        required=False,
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )
    setting = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[
            ("", _("In the studio or at home")),
            (Technique.Setting.STUDIO, _("In the studio")),
            (Technique.Setting.HOME, _("At home, on your own")),
        ],
        error_messages={"invalid_choice": UNKNOWN_CHOICE},
    )

    def __init__(self, data=None, *, systems: list[BodySystem], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["system"].choices = [("", _("Any part of the body"))] + [
            (system.slug, system.name) for system in systems
        ]
        for bound_field in self:
            css = "form-select is-invalid" if bound_field.errors else "form-select"
            bound_field.field.widget.attrs["class"] = css

    def filters(self) -> dict[str, str]:
        """The valid filters only; the page still answers when one of them was bad."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields if name not in self.errors}

    @property
    def active(self) -> bool:
        return any(self.filters().values())


class SearchQueryField(forms.CharField):
    """A search box that never refuses input: control characters go, long text is shortened."""

    def to_python(self, value) -> CleanQuery:
        return clean_query(value if isinstance(value, str) else "")

    def validate(self, value: CleanQuery) -> None:
        pass  # an empty or odd query is answered with a hint, never an error

    def run_validators(self, value: CleanQuery) -> None:
        pass


class SearchForm(forms.Form):
    q = SearchQueryField(label=_("Search techniques and foot zones"), required=False)

    def query(self) -> CleanQuery:
        return self.cleaned_data["q"] if self.is_valid() else clean_query("")


class WebImageField(forms.ImageField):
    """An image upload checked by reflexology.images (real picture, size limit, allowed formats)."""

    widget = AdminFileWidget

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        try:
            images.read_upload(upload=upload)
        except ContentError as error:
            raise forms.ValidationError(str(error), code="invalid_image") from error
        return upload


class WebImageAdminForm(forms.ModelForm):
    """Admin form for models with `image`: the upload is replaced by web sizes in save_model."""

    image = WebImageField(label=_("image"), required=False, help_text=images.HELP_TEXT)

    def new_image(self) -> UploadedFile | bool | None:
        """The new upload, False when the image was cleared, None when it did not change."""
        if "image" not in self.changed_data:
            return None
        return self.cleaned_data.get("image") or False
