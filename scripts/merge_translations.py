"""Fold the Russian overlays (/work/ru-content/<fixture>.json) into the content fixtures.

Each translated field `<f>` of a fixture entry gets `<f>_en` (the English text, copied from `<f>`,
which stays the English source) and `<f>_ru` (from the overlay; a Russian text merged earlier is
kept when the overlay has no newer one). Entries whose English text has no Russian yet are listed.

    python scripts/merge_translations.py                  # merge every overlay, write the fixtures
    python scripts/merge_translations.py --check          # report only, write nothing
    python scripts/merge_translations.py --only zones.json
    python scripts/merge_translations.py --skeleton       # English copies in overlay form: <overlays>/en/

An overlay is a list of {"model": ..., "key": ..., "fields": {<original field name>: <Russian>}}; the
key is the slug, the key field, or [technique slug, order] / [condition key, rule key] (see
/work/ru-content/README.md). Follow-up choices are given as [{"value": ..., "label": <Russian>}] with
the fixture's values in the fixture's order; min, max and rank are kept from the fixture.

Exit status: 0 when everything merged, 1 when some entry lacks Russian, 2 when an overlay is wrong
(unknown key, unknown field, wrong choices, text over its length limit).
"""

import argparse
import copy
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
OVERLAYS = Path("/work/ru-content")
LANGUAGES = ("ru", "en")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z]")

# model -> (fixture file, translated fields in the fixture). Kept equal to the translation.py
# registrations by tests/studio/test_content_translations.py.
TRANSLATED = {
    "reflexology.bodysystem": ("body_systems.json", ("name", "description")),
    "reflexology.zone": ("zones.json", ("name", "body_parts", "description", "origin_note")),
    "reflexology.technique": ("techniques.json", ("name", "summary", "body", "duration_note", "suits")),
    "reflexology.techniquestep": ("techniques.json", ("text", "duration_note")),
    "reflexology.claim": ("techniques.json", ("text", "note")),
    "intake.condition": ("conditions.json", ("question", "help_text", "short_label")),
    "intake.followup": ("conditions.json", ("question", "help_text", "choices")),
    "intake.screeningrule": (
        "screening_rules.json",
        ("client_message", "next_step", "therapist_note", "audience"),
    ),
}

# The models' max_length of those fields (checked against the models by the same test).
MAX_LENGTH = {
    ("reflexology.bodysystem", "name"): 80,
    ("reflexology.zone", "name"): 120,
    ("reflexology.zone", "body_parts"): 200,
    ("reflexology.zone", "origin_note"): 300,
    ("reflexology.technique", "name"): 120,
    ("reflexology.technique", "summary"): 300,
    ("reflexology.technique", "duration_note"): 200,
    ("reflexology.techniquestep", "duration_note"): 100,
    ("reflexology.claim", "text"): 300,
    ("reflexology.claim", "note"): 300,
    ("intake.condition", "question"): 300,
    ("intake.condition", "help_text"): 300,
    ("intake.condition", "short_label"): 120,
    ("intake.followup", "question"): 300,
    ("intake.followup", "help_text"): 300,
    ("intake.screeningrule", "next_step"): 300,
    ("intake.screeningrule", "audience"): 160,
}


def fixture_names() -> list[str]:
    return list(dict.fromkeys(name for name, _fields in TRANSLATED.values()))


def entry_key(model: str, fields: dict) -> tuple:
    """How an entry is named in an overlay, as a tuple: (slug,), (technique, order), (condition, key)..."""
    if model in ("reflexology.techniquestep", "reflexology.claim"):
        return (fields["technique"][0], fields["order"])
    if model == "intake.screeningrule":
        return (fields["condition"][0], fields["key"])
    if model.startswith("intake."):
        return (fields["key"],)
    return (fields["slug"],)


def normal_key(key) -> tuple:
    return tuple(key) if isinstance(key, list | tuple) else (key,)


def shown_key(key: tuple):
    return key[0] if len(key) == 1 else list(key)


def is_empty(value) -> bool:
    return value in ("", None, [])


def untranslated(text: str) -> bool:
    """Latin letters and no Cyrillic ones: the English still (an overlay copied from en/ and not done)."""
    return bool(LATIN.search(text)) and not CYRILLIC.search(text)


class Report:
    def __init__(self):
        self.missing: list[str] = []
        self.errors: list[str] = []
        self.merged = 0


def russian_choices(english: list, given, where: str, report: Report):
    """The fixture's choices with the overlay's Russian labels (None when they do not fit)."""
    if isinstance(given, dict):  # also accepted: {"value": "label", ...}
        given = [{"value": value, "label": label} for value, label in given.items()]
    if not isinstance(given, list) or not all(isinstance(c, dict) for c in given):
        report.errors.append(f"{where}: choices must be a list of {{value, label}}")
        return None
    if [c.get("value") for c in given] != [c["value"] for c in english]:
        report.errors.append(
            f"{where}: choice values {[c.get('value') for c in given]} differ from the fixture's "
            f"{[c['value'] for c in english]}"
        )
        return None
    if any(is_empty(c.get("label")) or not isinstance(c["label"], str) for c in given):
        report.errors.append(f"{where}: a choice without a label")
        return None
    if any(untranslated(c["label"]) for c in given):
        return None
    merged = copy.deepcopy(english)
    for choice, russian in zip(merged, given, strict=True):
        choice["label"] = russian["label"]
    return merged


def merged_fields(model: str, fields: dict, overlay: dict | None, where: str, report: Report) -> dict:
    """The entry's fields with <f>_ru and <f>_en set right after each translated <f>."""
    translated = TRANSLATED[model][1]
    given = dict(overlay or {})
    for name in set(given) - set(translated):
        report.errors.append(f"{where}: {name!r} is not a translated field of {model}")
        given.pop(name)
    result, took = {}, False
    for name, value in fields.items():
        if name.endswith(("_ru", "_en")) and name[:-3] in translated:
            continue
        result[name] = value
        if name not in translated:
            continue
        russian = fields.get(f"{name}_ru", [] if name == "choices" else "")
        if name in given and not is_empty(value):
            if name == "choices":
                fitted = russian_choices(value, given[name], where, report)
                russian, took = (fitted, True) if fitted else (russian, took)
            elif not isinstance(given[name], str) or not given[name].strip():
                report.errors.append(f"{where}: {name} is empty or not a text")
            elif untranslated(given[name]):
                pass  # still the English: reported as without Russian below
            elif len(given[name]) > MAX_LENGTH.get((model, name), 10**9):
                limit = MAX_LENGTH[(model, name)]
                report.errors.append(f"{where}: {name} is {len(given[name])} characters, over {limit}")
            else:
                russian, took = given[name], True
        if is_empty(value):
            russian = copy.deepcopy(value)
        elif is_empty(russian):
            report.missing.append(f"{where}: {name}")
        result[f"{name}_ru"] = russian
        result[f"{name}_en"] = copy.deepcopy(value)
    report.merged += took
    return result


def read_overlay(path: Path, report: Report) -> dict[tuple, dict]:
    """{(model, key): fields} of an overlay file (empty when there is none)."""
    if not path.exists():
        return {}
    try:
        items = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        report.errors.append(f"{path.name}: not valid JSON ({error})")
        return {}
    overlay = {}
    for number, item in enumerate(items if isinstance(items, list) else [None], start=1):
        if not isinstance(item, dict) or not {"model", "key", "fields"} <= set(item):
            report.errors.append(f"{path.name} entry {number}: needs model, key and fields")
            continue
        ident = (item["model"], normal_key(item["key"]))
        if ident in overlay:
            report.errors.append(f"{path.name}: {item['model']} {item['key']!r} given twice")
        overlay[ident] = item["fields"] if isinstance(item["fields"], dict) else {}
    return overlay


def merge_file(name: str, overlays: Path, report: Report, write: bool) -> None:
    path = FIXTURES / name
    entries = json.loads(path.read_text(encoding="utf-8"))
    overlay = read_overlay(overlays / name, report)
    seen = set()
    for entry in entries:
        model = entry["model"]
        if model not in TRANSLATED:
            continue
        key = entry_key(model, entry["fields"])
        seen.add((model, key))
        where = f"{name} {model} {json.dumps(shown_key(key), ensure_ascii=False)}"
        entry["fields"] = merged_fields(model, entry["fields"], overlay.get((model, key)), where, report)
    for model, key in overlay.keys() - seen:
        report.errors.append(
            f"{name}: no {model} {json.dumps(shown_key(key), ensure_ascii=False)} in the fixture"
        )
    if write:
        path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def skeleton(name: str) -> list[dict]:
    """The fixture's English text in overlay form, for a translator to start from."""
    items = []
    for entry in json.loads((FIXTURES / name).read_text(encoding="utf-8")):
        model, fields = entry["model"], entry["fields"]
        if model not in TRANSLATED:
            continue
        texts = {}
        for field in TRANSLATED[model][1]:
            value = fields.get(field)
            if is_empty(value):
                continue
            texts[field] = (
                [{"value": c["value"], "label": c["label"]} for c in value] if field == "choices" else value
            )
        items.append({"model": model, "key": shown_key(entry_key(model, fields)), "fields": texts})
    return items


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--overlays", type=Path, default=OVERLAYS, help="folder of the overlay files")
    parser.add_argument("--only", action="append", help="one fixture file name (repeatable)")
    parser.add_argument("--check", action="store_true", help="report only; change no file")
    parser.add_argument("--skeleton", action="store_true", help="write <overlays>/en/<file> English copies")
    args = parser.parse_args(argv)
    names = args.only or fixture_names()
    unknown = set(names) - set(fixture_names())
    if unknown:
        parser.error(f"not a translated fixture: {', '.join(sorted(unknown))}")
    if args.skeleton:
        (args.overlays / "en").mkdir(parents=True, exist_ok=True)
        for name in names:
            text = json.dumps(skeleton(name), indent=2, ensure_ascii=False) + "\n"
            (args.overlays / "en" / name).write_text(text, encoding="utf-8")
        print(f"English skeletons written to {args.overlays / 'en'}: {', '.join(names)}")
        return 0
    report = Report()
    for name in names:
        merge_file(name, args.overlays, report, write=False)
    write = not args.check and not report.errors
    if write:
        report = Report()
        for name in names:
            merge_file(name, args.overlays, report, write=True)
    for line in report.errors:
        print(f"ERROR {line}")
    for line in report.missing:
        print(f"no Russian: {line}")
    state = (
        "merged into the fixtures"
        if write
        else "not written" + (" (fix the errors)" if report.errors else "")
    )
    print(
        f"{report.merged} overlay entries with Russian {state}; {len(report.missing)} texts without Russian."
    )
    return 2 if report.errors else 1 if report.missing else 0


if __name__ == "__main__":
    sys.exit(main())
