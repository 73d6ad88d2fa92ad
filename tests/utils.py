"""Assertions shared by the page tests."""

import re

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle=", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+=", re.I)


def assert_csp_clean(response) -> None:
    """The page has a strict CSP header and nothing inline that the policy would block."""
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy, policy
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not INLINE_STYLE_ELEMENT.search(html), "inline <style> element"
    assert not STYLE_ATTRIBUTE.search(html), STYLE_ATTRIBUTE.search(html).group(0)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)


def in_both_languages(data: dict, *models) -> dict:
    """An admin POST with each translated field (also in inline rows, `steps-0-text`) given as
    `<field>_ru` and `<field>_en`, both with the text the test wrote for `<field>`."""
    from modeltranslation.translator import translator

    translated = set()
    for model in models:
        translated |= set(translator.get_options_for_model(model).all_fields)
    result = {}
    for key, value in data.items():
        prefix, _dash, name = key.rpartition("-")
        if name in translated:
            for language in ("ru", "en"):
                result.setdefault(f"{prefix}{_dash}{name}_{language}", value)
        else:
            result[key] = value
    return result


def admin_form_data(client, url: str) -> dict:
    """Every field of an admin change form (and its inlines) as the form shows it, ready to POST back."""
    from django.forms import FileField

    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if not isinstance(form.fields[name], FileField)}
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({f"{management.prefix}-{name}": management[name].value() for name in management.fields})
        for inline_form in formset.formset.forms:
            for name, field in inline_form.fields.items():
                if not isinstance(field, FileField):
                    data[inline_form.add_prefix(name)] = inline_form[name].value()
    return {key: ("" if value is None else value) for key, value in data.items() if value is not False}
