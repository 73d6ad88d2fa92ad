"""The site's one field layout (templates/bootstrap5/field.html) for every kind of field, without a page."""

from django import forms
from django.template import Context, Template

from tests.accessible_forms import field_problems, form_fields, invalid_names


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on your passport.")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    when = forms.ChoiceField(
        label="When", choices=[("am", "Morning"), ("pm", "Afternoon")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I agree", help_text="You must.")


def render(form) -> str:
    template = Template(
        "{% load crispy_forms_filters %}"
        "<form>{% for field in form %}{{ field|as_crispy_field }}{% endfor %}</form>"
    )
    return template.render(Context({"form": form}))


def test_each_kind_of_field_is_labelled_and_points_at_its_help():
    html = render(EveryKindForm())

    assert {control.name for control in form_fields(html)} == {"name", "kind", "when", "agree"}
    assert field_problems(html) == []
    assert "<legend" in html  # the radios are a fieldset named by its legend
    assert "form-select" in html and "form-check-input" in html


def test_each_kind_of_refused_field_points_at_its_error():
    form = EveryKindForm(data={"kind": "z", "when": "never"})
    assert not form.is_valid()

    html = render(form)

    # The radios' group is described on its fieldset (Django's choice), the others on the control.
    assert invalid_names(html) == {"name", "kind", "when", "agree"}
    assert field_problems(html) == []
    assert 'aria-describedby="id_when_error"' in html.split("<legend", 1)[0].rsplit("<fieldset", 1)[1]
    for name in ("name", "kind", "when", "agree"):
        assert f'<p class="field-error" id="id_{name}_error">' in html
