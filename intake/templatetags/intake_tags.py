from django import template

from intake.rules import load_rules, who_should_wait

register = template.Library()


@register.inclusion_tag("intake/includes/_who_should_wait.html", name="who_should_wait")
def who_should_wait_panel(technique):
    """`{% who_should_wait technique %}`: who should wait, from the rules in force (four queries).

    `technique` is a Technique or a kind key (`reflexology`, `thai_sticks`, ...).
    """
    kind = getattr(technique, "kind", technique)
    return {"technique": technique, "wait": who_should_wait(load_rules(), kind)}
