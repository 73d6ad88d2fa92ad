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
