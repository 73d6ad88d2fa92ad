"""Every row of contraindications.md §2 and every follow-up tree of §3, as a table.

Each case gives a client's answers and the outcome the domain table expects for each technique
kind, written from the document (not from the fixtures): `needs_clearance>modify` means
"needs a doctor's note, then modify" (the table's `→`). Kinds left out expect `proceed`.
The last tests check that the cases, under both policies, exercise every rule in the fixtures.
"""

from datetime import date

import pytest

from intake.models import PolicyVariant
from intake.screening import screen
from tests.intake.conftest import RECOMMENDED_RULES, SEED_RULES, STRICT_RULES, fixture_rows

Y, N, NS = "yes", "no", "not_sure"
KIND = {
    "CL": "classical",
    "RL": "relaxing",
    "RX": "reflexology",
    "TH": "thai_sticks",
    "TO": "therapeutic",
    "DV": "devices",
}
TODAY = date(2026, 11, 21)
SEED, RECOMMENDED, STRICT, BOTH = "seed", "recommended", "strict", "both"


def expected(spec: str) -> dict[str, str]:
    """'RX,TH=decline CL,RL,TO=needs_clearance>modify' -> {kind: outcome} for all six kinds."""
    result = dict.fromkeys(KIND.values(), "proceed")
    for part in spec.split():
        codes, outcome = part.split("=")
        for code in KIND if codes == "ALL" else codes.split(","):
            result[KIND[code]] = outcome
    return result


def actual(screening) -> dict[str, str]:
    shown = {}
    for kind, result in screening.results.items():
        shown[kind] = result.outcome.value
        if result.outcome_after_clearance is not None:
            shown[kind] += f">{result.outcome_after_clearance.value}"
    return shown


CASES = [
    # --- 2.1 Feeling unwell, infection, flare-ups -------------------------------------------
    ("fever", {"fever": Y, "fever_symptoms": N}, BOTH, "ALL=decline"),
    ("fever-with-cough-counts-as-infection", {"fever": Y, "fever_symptoms": Y}, BOTH, "ALL=decline"),
    ("acute-infection", {"acute_infection": Y, "infection_stomach": N}, BOTH, "ALL=decline"),
    ("chronic-flare", {"chronic_flare": Y, "flare_treatment_change": N}, BOTH, "ALL=decline"),
    ("chronic-flare-unsure", {"chronic_flare": NS}, BOTH, "ALL=decline"),
    (
        "organ-disease",
        {"organ_disease": Y, "organ_specialist": Y},
        BOTH,
        "DV=decline CL,RL,RX,TH,TO=needs_clearance>modify",
    ),
    ("alcohol-or-drugs", {"alcohol_or_drugs": Y}, BOTH, "ALL=decline"),
    # --- 2.2 Blood, veins and circulation ------------------------------------------------------
    ("leg-red-flag", {"leg_red_flag": Y}, BOTH, "ALL=decline"),
    ("blood-clot-current", {"blood_clot_current": Y, "clot_cleared": N}, BOTH, "ALL=decline"),
    (
        "blood-clot-current-cleared-counts-as-history",
        {"blood_clot_current": Y, "clot_cleared": Y, "clot_thinners": N},
        BOTH,
        "DV,TH=decline CL,RL,RX,TO=needs_clearance>modify",
    ),
    (
        "blood-clot-history",
        {"blood_clot_history": Y, "clot_thinners": N},
        BOTH,
        "DV,TH=decline CL,RL,RX,TO=needs_clearance>modify",
    ),
    (
        "blood-clot-history-on-thinners",
        {"blood_clot_history": Y, "clot_thinners": Y, "thinners_bruise": N, "thinners_reason": "prevention"},
        BOTH,
        "DV,TH=decline CL,RL,RX,TO=needs_clearance>modify",
    ),
    ("varicose-veins-seed", {"varicose_veins": Y, "veins_marked": N, "veins_hot": N}, SEED, "ALL=decline"),
    (
        "varicose-veins-mild-recommended",
        {"varicose_veins": Y, "veins_marked": N, "veins_hot": N},
        RECOMMENDED,
        "RX,TH=decline CL,RL,TO=avoid_area DV=avoid_area",
    ),
    (
        "varicose-veins-marked-recommended",
        {"varicose_veins": Y, "veins_marked": Y, "veins_hot": N},
        RECOMMENDED,
        "RX,TH,TO,DV=decline CL,RL=needs_clearance>avoid_area",
    ),
    (
        "varicose-vein-hot-is-a-possible-clot",
        {"varicose_veins": Y, "veins_marked": N, "veins_hot": Y},
        BOTH,
        "ALL=decline",
    ),
    (
        "blood-thinners",
        {"blood_thinners": Y, "thinners_bruise": N, "thinners_reason": "prevention"},
        BOTH,
        "TH,DV=decline RX,CL,RL,TO=modify",
    ),
    (
        "blood-thinners-for-a-current-clot",
        {"blood_thinners": Y, "thinners_bruise": N, "thinners_reason": "current_clot"},
        BOTH,
        "ALL=decline",
    ),
    ("bleeding-disorder", {"bleeding_disorder": Y}, BOTH, "TH,DV=decline CL,RL,RX,TO=needs_clearance>modify"),
    ("active-bleeding", {"active_bleeding": Y}, BOTH, "ALL=decline"),
    (
        "high-blood-pressure-not-controlled",
        {"high_blood_pressure": Y, "bp_controlled": N, "bp_symptoms": N},
        BOTH,
        "ALL=decline",
    ),
    (
        "high-blood-pressure-unknown",
        {"high_blood_pressure": Y, "bp_controlled": NS, "bp_symptoms": N},
        BOTH,
        "ALL=decline",
    ),
    (
        "high-blood-pressure-symptoms-today",
        {"high_blood_pressure": Y, "bp_controlled": Y, "bp_symptoms": Y},
        BOTH,
        "ALL=decline",
    ),
    (
        "high-blood-pressure-controlled-seed",
        {"high_blood_pressure": Y, "bp_controlled": Y, "bp_symptoms": N},
        SEED,
        "ALL=decline",
    ),
    (
        "high-blood-pressure-controlled-recommended",
        {"high_blood_pressure": Y, "bp_controlled": Y, "bp_symptoms": N},
        RECOMMENDED,
        "CL,RL,RX,TH,TO=needs_clearance>modify DV=decline",
    ),
    ("low-blood-pressure", {"low_blood_pressure": Y, "lbp_fainted": N}, BOTH, "ALL=modify"),
    ("low-blood-pressure-fainted", {"low_blood_pressure": Y, "lbp_fainted": Y}, BOTH, "ALL=modify"),
    (
        "heart-recent-event",
        {"heart_condition": Y, "heart_recent": Y, "heart_at_rest": N, "heart_device": N},
        BOTH,
        "ALL=decline",
    ),
    (
        "heart-symptoms-at-rest",
        {"heart_condition": Y, "heart_recent": N, "heart_at_rest": Y, "heart_device": N},
        BOTH,
        "ALL=decline",
    ),
    (
        "heart-stable",
        {"heart_condition": Y, "heart_recent": N, "heart_at_rest": N, "heart_device": N},
        BOTH,
        "ALL=modify",
    ),
    (
        "heart-pacemaker",
        {"heart_condition": Y, "heart_recent": N, "heart_at_rest": N, "heart_device": Y},
        BOTH,
        "ALL=modify",
    ),
    (
        "poor-circulation",
        {"poor_circulation": Y, "circulation_signs": Y},
        BOTH,
        "DV,TH=decline CL,RL,RX,TO=needs_clearance>modify",
    ),
    (
        "foot-swelling-ordinary",
        {
            "foot_swelling": Y,
            "swelling_sudden": N,
            "swelling_side": "both",
            "swelling_dent": N,
            "swelling_linked": N,
            "swelling_painful": N,
        },
        BOTH,
        "ALL=proceed_with_note",
    ),
    (
        "foot-swelling-sudden",
        {
            "foot_swelling": Y,
            "swelling_sudden": Y,
            "swelling_side": "both",
            "swelling_dent": N,
            "swelling_linked": N,
            "swelling_painful": N,
        },
        BOTH,
        "ALL=needs_clearance>proceed_with_note",
    ),
    (
        "foot-swelling-one-sided",
        {
            "foot_swelling": Y,
            "swelling_sudden": N,
            "swelling_side": "one",
            "swelling_dent": N,
            "swelling_linked": N,
            "swelling_painful": N,
        },
        BOTH,
        "ALL=needs_clearance>proceed_with_note",
    ),
    (
        "foot-swelling-pitting",
        {
            "foot_swelling": Y,
            "swelling_sudden": N,
            "swelling_side": "both",
            "swelling_dent": Y,
            "swelling_linked": N,
            "swelling_painful": N,
        },
        BOTH,
        "ALL=needs_clearance>proceed_with_note",
    ),
    (
        "foot-swelling-linked-to-a-condition",
        {
            "foot_swelling": Y,
            "swelling_sudden": N,
            "swelling_side": "both",
            "swelling_dent": N,
            "swelling_linked": Y,
            "swelling_painful": N,
        },
        BOTH,
        "ALL=needs_clearance>proceed_with_note",
    ),
    (
        "foot-swelling-one-sided-and-painful-is-a-red-flag",
        {
            "foot_swelling": Y,
            "swelling_sudden": N,
            "swelling_side": "one",
            "swelling_dent": N,
            "swelling_linked": N,
            "swelling_painful": Y,
        },
        BOTH,
        "ALL=decline",
    ),
    (
        "lymphoedema",
        {"lymphoedema": Y, "lymph_side": "left", "lymph_compression": Y},
        BOTH,
        "DV=decline CL,RL,RX,TH,TO=needs_clearance>modify",
    ),
    # --- 2.3 Diabetes, nerves, neurology --------------------------------------------------------
    (
        "diabetes",
        {
            "diabetes": Y,
            "diabetes_insulin": N,
            "diabetes_numb": N,
            "diabetes_sores": N,
            "diabetes_checked": Y,
        },
        BOTH,
        "RX=decline TH=decline CL,RL,TO=needs_clearance>modify DV=needs_clearance>modify",
    ),
    (
        "diabetes-on-insulin",
        {
            "diabetes": Y,
            "diabetes_insulin": Y,
            "diabetes_numb": N,
            "diabetes_sores": N,
            "diabetes_checked": Y,
        },
        BOTH,
        "RX,TH=decline CL,RL,TO,DV=needs_clearance>modify",
    ),
    (
        "diabetes-with-numb-feet-counts-as-neuropathy",
        {
            "diabetes": Y,
            "diabetes_insulin": N,
            "diabetes_numb": Y,
            "diabetes_sores": N,
            "diabetes_checked": Y,
        },
        BOTH,
        "RX,TH,DV=decline CL,RL,TO=needs_clearance>modify",
    ),
    (
        "diabetes-with-foot-sores-counts-as-open-wounds",
        {
            "diabetes": Y,
            "diabetes_insulin": N,
            "diabetes_numb": N,
            "diabetes_sores": Y,
            "diabetes_checked": Y,
            "open_wound": Y,
            "wound_kind": "open",
            "wound_side": "right",
        },
        RECOMMENDED,
        "RX,TH=decline CL,RL,TO,DV=needs_clearance>avoid_area",
    ),
    (
        "diabetes-with-foot-sores-seed-declines-any-wound",
        {
            "diabetes": Y,
            "diabetes_insulin": N,
            "diabetes_numb": N,
            "diabetes_sores": Y,
            "diabetes_checked": Y,
            "open_wound": Y,
            "wound_kind": "open",
            "wound_side": "right",
        },
        SEED,
        "ALL=decline",
    ),
    ("neuropathy", {"neuropathy": Y, "neuropathy_cause": "other"}, BOTH, "TH,DV=decline RX,CL,RL,TO=modify"),
    ("epilepsy-controlled", {"epilepsy": Y, "epilepsy_recent": N}, BOTH, "ALL=proceed_with_note"),
    (
        "epilepsy-recent-seizures",
        {"epilepsy": Y, "epilepsy_recent": Y},
        BOTH,
        "ALL=needs_clearance>proceed_with_note",
    ),
    (
        "neurological-condition",
        {"neurological_condition": Y, "neuro_balance": N},
        BOTH,
        "TH,DV=needs_clearance>proceed_with_note CL,RL,RX,TO=modify",
    ),
    # --- 2.4 / 3.1 Pregnancy, fertility, menstruation ---------------------------------------------
    (
        "pregnancy-first-trimester",
        {
            "pregnancy": Y,
            "pregnancy_weeks": "t1",
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": Y,
        },
        BOTH,
        "ALL=decline",
    ),
    (
        "pregnancy-first-trimester-in-weeks",
        {
            "pregnancy": Y,
            "pregnancy_weeks": 9,
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": Y,
        },
        BOTH,
        "ALL=decline",
    ),
    (
        "pregnancy-weeks-not-known",
        {
            "pregnancy": Y,
            "pregnancy_weeks": NS,
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": Y,
        },
        BOTH,
        "ALL=decline",
    ),
    (
        "pregnancy-might-be",
        {
            "pregnancy": NS,
            "pregnancy_weeks": NS,
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": Y,
        },
        BOTH,
        "ALL=decline",
    ),
    (
        "pregnancy-with-a-complication",
        {
            "pregnancy": Y,
            "pregnancy_weeks": "t2",
            "pregnancy_complications": ["placenta"],
            "pregnancy_midwife_knows": Y,
        },
        BOTH,
        "ALL=decline",
    ),
    (
        "pregnancy-complication-not-sure",
        {
            "pregnancy": Y,
            "pregnancy_weeks": "t3",
            "pregnancy_complications": [NS],
            "pregnancy_midwife_knows": Y,
        },
        BOTH,
        "ALL=decline",
    ),
    (
        "pregnancy-second-trimester-seed",
        {
            "pregnancy": Y,
            "pregnancy_weeks": "t2",
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": Y,
        },
        SEED,
        "RX,TH,DV=decline TO=needs_clearance>avoid_area CL,RL=needs_clearance>avoid_area",
    ),
    (
        "pregnancy-third-trimester-in-weeks-seed",
        {
            "pregnancy": Y,
            "pregnancy_weeks": 30,
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": Y,
        },
        SEED,
        "RX,TH,DV=decline TO,CL,RL=needs_clearance>avoid_area",
    ),
    (
        "pregnancy-second-trimester-recommended",
        {
            "pregnancy": Y,
            "pregnancy_weeks": "t2",
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": Y,
        },
        RECOMMENDED,
        "TH,DV=decline RX,TO,CL,RL=needs_clearance>avoid_area",
    ),
    (
        "pregnancy-second-trimester-strict",
        {
            "pregnancy": Y,
            "pregnancy_weeks": "t2",
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": Y,
        },
        STRICT,
        "ALL=decline",
    ),
    (
        "pregnancy-third-trimester-strict",
        {
            "pregnancy": Y,
            "pregnancy_weeks": "t3",
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": Y,
        },
        STRICT,
        "RX,TH,DV=decline TO,CL,RL=needs_clearance>avoid_area",
    ),
    (
        "pregnancy-midwife-not-told",
        {
            "pregnancy": Y,
            "pregnancy_weeks": "t3",
            "pregnancy_complications": ["none"],
            "pregnancy_midwife_knows": N,
        },
        SEED,
        "RX,TH,DV=decline TO,CL,RL=needs_clearance>avoid_area",
    ),
    (
        "fertility-treatment",
        {"fertility_treatment": Y, "fertility_medication": N, "fertility_maybe_pregnant": N},
        BOTH,
        "RX,TH=avoid_area DV=avoid_area CL,RL=proceed_with_note",
    ),
    (
        "fertility-active-cycle",
        {"fertility_treatment": Y, "fertility_medication": Y, "fertility_maybe_pregnant": N},
        BOTH,
        "RX,TH=needs_clearance>avoid_area DV=avoid_area CL,RL=proceed_with_note",
    ),
    (
        "fertility-might-be-pregnant-counts-as-first-trimester",
        {"fertility_treatment": Y, "fertility_medication": N, "fertility_maybe_pregnant": NS},
        BOTH,
        "ALL=decline",
    ),
    ("menstruation-seed", {"menstruation": Y, "period_heavy": N}, SEED, "ALL=decline"),
    (
        "menstruation-recommended",
        {"menstruation": Y, "period_heavy": N},
        RECOMMENDED,
        "RX,TH=avoid_area DV=decline CL,RL,TO=proceed_with_note",
    ),
    ("menstruation-heavy-recommended", {"menstruation": Y, "period_heavy": Y}, RECOMMENDED, "ALL=decline"),
    ("menstruation-skipped", {}, BOTH, "ALL=proceed"),
    # --- 2.5 / 3.5 Cancer and lumps ---------------------------------------------------------------
    (
        "cancer-seed",
        {
            "cancer": Y,
            "cancer_in_treatment": N,
            "cancer_last_treatment": "earlier",
            "cancer_nodes": N,
            "cancer_numb": N,
            "cancer_platelets": N,
            "cancer_legs": N,
        },
        SEED,
        "ALL=decline",
    ),
    (
        "cancer-recommended",
        {
            "cancer": Y,
            "cancer_in_treatment": N,
            "cancer_last_treatment": "earlier",
            "cancer_nodes": N,
            "cancer_numb": N,
            "cancer_platelets": N,
            "cancer_legs": N,
        },
        RECOMMENDED,
        "DV,TH=decline RX,CL,RL,TO=needs_clearance>avoid_area",
    ),
    (
        "cancer-treatment-in-the-last-72-hours",
        {
            "cancer": Y,
            "cancer_in_treatment": Y,
            "cancer_last_treatment": "within_72h",
            "cancer_nodes": N,
            "cancer_numb": N,
            "cancer_platelets": N,
            "cancer_legs": N,
        },
        BOTH,
        "ALL=decline",
    ),
    (
        "cancer-in-the-legs-recommended",
        {
            "cancer": Y,
            "cancer_in_treatment": Y,
            "cancer_last_treatment": "none",
            "cancer_nodes": N,
            "cancer_numb": N,
            "cancer_platelets": N,
            "cancer_legs": Y,
        },
        RECOMMENDED,
        "DV,TH,TO=decline RX,CL,RL=needs_clearance>avoid_area",
    ),
    (
        "cancer-lymph-nodes-numb-feet-low-platelets-recommended",
        {
            "cancer": Y,
            "cancer_in_treatment": N,
            "cancer_last_treatment": "earlier",
            "cancer_nodes": Y,
            "cancer_numb": Y,
            "cancer_platelets": Y,
            "cancer_legs": N,
        },
        RECOMMENDED,
        "DV,TH=decline RX,CL,RL,TO=needs_clearance>avoid_area",
    ),
    ("unchecked-lump", {"unchecked_lump": Y}, BOTH, "ALL=avoid_area"),
    # --- 2.6 / 3.6 Skin and feet --------------------------------------------------------------------
    (
        "open-wound-left-foot",
        {"open_wound": Y, "wound_kind": "open", "wound_side": "left"},
        RECOMMENDED,
        "ALL=avoid_area",
    ),
    (
        "open-wound-left-foot-seed",
        {"open_wound": Y, "wound_kind": "open", "wound_side": "left"},
        SEED,
        "ALL=decline",
    ),
    (
        "infected-wound-right-foot",
        {"open_wound": Y, "wound_kind": "infected", "wound_side": "right"},
        BOTH,
        "ALL=decline",
    ),
    (
        "open-wounds-both-feet",
        {"open_wound": Y, "wound_kind": "open", "wound_side": "both"},
        BOTH,
        "ALL=decline",
    ),
    (
        "small-covered-wound-seed",
        {"open_wound": Y, "wound_kind": "small_covered", "wound_side": "left"},
        SEED,
        "ALL=decline",
    ),
    (
        "small-covered-wound-recommended",
        {"open_wound": Y, "wound_kind": "small_covered", "wound_side": "left"},
        RECOMMENDED,
        "ALL=avoid_area",
    ),
    (
        "contagious-skin-on-the-feet",
        {"contagious_skin_feet": Y, "contagious_small_top": N},
        BOTH,
        "ALL=decline",
    ),
    (
        "contagious-small-covered-patch-on-top",
        {"contagious_skin_feet": Y, "contagious_small_top": Y},
        BOTH,
        "ALL=avoid_area",
    ),
    ("nail-fungus", {"nail_fungus": Y}, BOTH, "ALL=avoid_area"),
    ("plantar-warts", {"plantar_warts": Y}, BOTH, "ALL=avoid_area"),
    ("skin-flare-on-the-feet", {"skin_condition": Y, "skin_state": "flare_feet"}, BOTH, "ALL=decline"),
    (
        "skin-flare-on-the-legs",
        {"skin_condition": Y, "skin_state": "flare_legs"},
        RECOMMENDED,
        "ALL=avoid_area",
    ),
    ("skin-flare-on-the-legs-seed", {"skin_condition": Y, "skin_state": "flare_legs"}, SEED, "ALL=decline"),
    ("skin-condition-calm-seed", {"skin_condition": Y, "skin_state": "calm"}, SEED, "ALL=decline"),
    (
        "skin-condition-calm-recommended",
        {"skin_condition": Y, "skin_state": "calm"},
        RECOMMENDED,
        "ALL=modify",
    ),
    (
        "product-allergy-nuts-and-scents",
        {"product_allergy": Y, "allergy_kinds": ["nuts", "scents"]},
        BOTH,
        "ALL=modify",
    ),
    (
        "product-allergy-latex-and-lanolin",
        {"product_allergy": Y, "allergy_kinds": ["latex", "lanolin"]},
        BOTH,
        "ALL=proceed_with_note",
    ),
    # --- 2.7 Bones, joints, injuries, surgery ----------------------------------------------------
    (
        "injury-healing-left-foot",
        {"recent_injury": Y, "injury_stage": "healing", "injury_where": "left_foot"},
        BOTH,
        "TO=needs_clearance>avoid_area CL,RL,RX,TH,DV=avoid_area",
    ),
    (
        "injury-healing-right-foot",
        {"recent_injury": Y, "injury_stage": "healing", "injury_where": "right_foot"},
        BOTH,
        "TO=needs_clearance>avoid_area CL,RL,RX,TH,DV=avoid_area",
    ),
    (
        "injuries-healing-both-feet",
        {"recent_injury": Y, "injury_stage": "healing", "injury_where": "both_feet"},
        BOTH,
        "ALL=decline",
    ),
    (
        "injury-healing-leg",
        {"recent_injury": Y, "injury_stage": "healing", "injury_where": "leg"},
        BOTH,
        "TO=needs_clearance>avoid_area CL,RL,RX,TH,DV=avoid_area",
    ),
    (
        "injury-in-rehabilitation",
        {"recent_injury": Y, "injury_stage": "rehab", "injury_where": "left_foot"},
        BOTH,
        "TO=needs_clearance>modify CL,RL,RX,TH,DV=modify",
    ),
    ("recent-surgery", {"recent_surgery": Y}, BOTH, "ALL=needs_clearance>avoid_area"),
    ("implants-hardware", {"implants_hardware": Y}, BOTH, "TH=avoid_area TO,CL,RX=modify DV=avoid_area"),
    ("joint-flare-one-foot", {"joint_flare": Y, "flare_side": "right"}, BOTH, "ALL=avoid_area"),
    ("joint-flare-both-feet", {"joint_flare": Y, "flare_side": "both"}, BOTH, "ALL=decline"),
    (
        "foot-joint-disease-seed",
        {"foot_joint_disease": Y, "joint_specialist": Y},
        SEED,
        "RX,TH=decline TO=needs_clearance>modify CL,RL=modify DV=proceed_with_note",
    ),
    (
        "foot-joint-disease-recommended",
        {"foot_joint_disease": Y, "joint_specialist": Y},
        RECOMMENDED,
        "RX,TH=needs_clearance>modify TO=needs_clearance>modify CL,RL=modify DV=proceed_with_note",
    ),
    (
        "osteoporosis-seed",
        {"osteoporosis": Y, "osteo_fractures": N},
        SEED,
        "TH=decline RX=decline CL,RL=modify TO=needs_clearance>modify DV=modify",
    ),
    (
        "osteoporosis-recommended",
        {"osteoporosis": Y, "osteo_fractures": N},
        RECOMMENDED,
        "TH=decline RX=modify CL,RL=modify TO=needs_clearance>modify DV=modify",
    ),
    # --- 2.8 Mind, medicines, timing, age --------------------------------------------------------
    (
        "mental-health-crisis",
        {"mental_health_acute": Y, "mental_health_state": "crisis"},
        BOTH,
        "ALL=decline",
    ),
    (
        "mental-health-managed-seed",
        {"mental_health_acute": Y, "mental_health_state": "managed"},
        SEED,
        "ALL=decline",
    ),
    (
        "mental-health-managed-recommended",
        {"mental_health_acute": Y, "mental_health_state": "managed"},
        RECOMMENDED,
        "ALL=proceed_with_note",
    ),
    ("strong-medication-today", {"strong_medication_today": Y}, BOTH, "ALL=modify"),
    (
        "medical-care-general",
        {"medical_care_general": Y, "medicine_kinds": ["other"]},
        BOTH,
        "ALL=proceed_with_note",
    ),
    (
        "medical-care-blood-pressure-tablets",
        {"medical_care_general": Y, "medicine_kinds": ["blood_pressure"]},
        BOTH,
        "ALL=modify",
    ),
    (
        "medical-care-blood-thinners-route-to-their-row",
        {
            "medical_care_general": Y,
            "medicine_kinds": ["blood_thinners"],
            "thinners_reason": "heart",
            "thinners_bruise": N,
        },
        BOTH,
        "TH,DV=decline RX,CL,RL,TO=modify",
    ),
    (
        "medical-care-insulin-routes-to-diabetes",
        {
            "medical_care_general": Y,
            "medicine_kinds": ["insulin"],
            "diabetes_insulin": Y,
            "diabetes_numb": N,
            "diabetes_sores": N,
        },
        BOTH,
        "RX,TH=decline CL,RL,TO,DV=needs_clearance>modify",
    ),
    ("recent-meal", {"recent_meal": Y, "meal_large": N}, BOTH, "ALL=modify"),
    ("recent-large-meal", {"recent_meal": Y, "meal_large": Y}, BOTH, "ALL=modify"),
    ("child", {"date_of_birth": date(2016, 5, 1)}, BOTH, "ALL=proceed_with_note TO=needs_clearance>modify"),
    (
        "infant",
        {"date_of_birth": date(2026, 6, 1)},
        BOTH,
        "ALL=proceed_with_note RX=decline TO=needs_clearance>modify",
    ),
    ("turning-18-today-is-an-adult", {"date_of_birth": date(2008, 11, 21)}, BOTH, "ALL=proceed"),
    ("older-adult-seed", {"date_of_birth": date(1950, 1, 1)}, SEED, "RX=decline"),
    ("older-adult-recommended", {"date_of_birth": date(1950, 1, 1)}, RECOMMENDED, "RX=modify"),
    ("just-under-the-older-adult-age", {"date_of_birth": date(1951, 11, 22)}, BOTH, "ALL=proceed"),
    ("recent-bodywork", {"recent_bodywork": Y}, BOTH, "RX=proceed_with_note"),
    # --- R6: "not sure" ---------------------------------------------------------------------------
    ("not-sure-about-an-absolute-row-counts-as-yes", {"fever": NS, "fever_symptoms": N}, BOTH, "ALL=decline"),
    (
        "not-sure-about-a-conditional-row-counts-as-yes",
        {"diabetes": NS, "diabetes_insulin": N, "diabetes_numb": N, "diabetes_sores": N},
        BOTH,
        "RX,TH=decline CL,RL,TO,DV=needs_clearance>modify",
    ),
    ("not-sure-about-an-advisory-row-is-a-note", {"low_blood_pressure": NS}, BOTH, "ALL=proceed_with_note"),
    (
        "not-sure-about-an-advisory-row-for-one-technique",
        {"recent_bodywork": NS},
        BOTH,
        "RX=proceed_with_note",
    ),
    (
        "not-sure-advisory-row-limited-to-its-techniques",
        {"implants_hardware": NS},
        BOTH,
        "CL,RX,TH,TO,DV=proceed_with_note",
    ),
    ("not-sure-about-a-local-row-counts-as-yes", {"nail_fungus": NS}, BOTH, "ALL=avoid_area"),
    # --- Combinations (R2 strictest wins) -------------------------------------------------------
    (
        "absolute-and-local-together",
        {"fever": Y, "fever_symptoms": N, "open_wound": Y, "wound_kind": "open", "wound_side": "left"},
        BOTH,
        "ALL=decline",
    ),
    (
        "diabetes-and-blood-thinners",
        {
            "diabetes": Y,
            "diabetes_insulin": N,
            "diabetes_numb": N,
            "diabetes_sores": N,
            "blood_thinners": Y,
            "thinners_bruise": N,
            "thinners_reason": "heart",
        },
        BOTH,
        "RX,TH,DV=decline CL,RL,TO=needs_clearance>modify",
    ),
    ("nothing-at-all", {}, BOTH, "ALL=proceed"),
]


def _params():
    for case_id, answers, policy, spec in CASES:
        policies = [SEED, RECOMMENDED] if policy == BOTH else [policy]
        for variant in policies:
            yield pytest.param(answers, variant, spec, id=f"{case_id}[{variant}]")


def _rules(variant):
    return {
        PolicyVariant.SEED: SEED_RULES,
        PolicyVariant.RECOMMENDED: RECOMMENDED_RULES,
        PolicyVariant.STRICT: STRICT_RULES,
    }[variant]


@pytest.mark.parametrize(("answers", "variant", "spec"), list(_params()))
def test_rule_table(answers, variant, spec):
    screening = screen(answers, rules=_rules(variant), techniques=[], today=TODAY)

    assert actual(screening) == expected(spec)


def test_the_cases_exercise_every_rule_and_every_condition_in_the_fixtures():
    matched = set()
    for _id, answers, policy, _spec in CASES:
        for variant in [SEED, RECOMMENDED] if policy == BOTH else [policy]:
            matched |= set(screen(answers, rules=_rules(variant), techniques=[], today=TODAY).matched_rules)
    rows = fixture_rows()
    every_rule = {f"{row['condition'][0]}/{row['key']}" for row in rows["intake.screeningrule"]}
    every_condition = {row["key"] for row in rows["intake.condition"]}

    assert every_rule - matched == set()
    assert every_condition - {key.split("/")[0] for key in matched} == set()


def test_every_follow_up_tree_of_section_3_exists():
    follow_ups = {row["key"]: row["condition"][0] for row in fixture_rows()["intake.followup"]}

    # §3.1 pregnancy, §3.2 diabetes, §3.3 blood pressure, §3.4 clots and veins, §3.5 cancer, §3.6 skin.
    for key, condition in {
        "pregnancy_weeks": "pregnancy",
        "pregnancy_complications": "pregnancy",
        "pregnancy_midwife_knows": "pregnancy",
        "diabetes_insulin": "diabetes",
        "diabetes_numb": "diabetes",
        "diabetes_sores": "diabetes",
        "bp_controlled": "high_blood_pressure",
        "bp_symptoms": "high_blood_pressure",
        "bp_reading": "high_blood_pressure",
        "clot_cleared": "blood_clot_current",
        "clot_thinners": "blood_clot_history",
        "veins_hot": "varicose_veins",
        "cancer_last_treatment": "cancer",
        "cancer_nodes": "cancer",
        "cancer_numb": "cancer",
        "cancer_platelets": "cancer",
        "cancer_legs": "cancer",
        "wound_kind": "open_wound",
        "wound_side": "open_wound",
        "contagious_small_top": "contagious_skin_feet",
        "skin_state": "skin_condition",
    }.items():
        assert follow_ups.get(key) == condition, key
