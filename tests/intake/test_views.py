"""The questionnaire page, taking answers in, bad input, the returning client and the result page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.signing import TimestampSigner
from django.urls import resolve, reverse
from django.utils import timezone

from intake.links import RESULT_SALT, open_result_link, result_token, returning_token
from intake.models import Questionnaire
from intake.rules import load_rules
from intake.session import SESSION_KEY
from tests.intake.factories import form_data, make_questionnaire
from tests.utils import assert_csp_clean

pytestmark = pytest.mark.django_db
URL = "/intake/"


@pytest.fixture
def rules(rules_in_db, techniques):
    return load_rules()


def submit(client, rules, captured, **overrides):
    with captured(execute=True):
        return client.post(URL, form_data(rules, **overrides))


def is_checked(html: str, name: str, value: str) -> bool:
    """Whether the radio or tick `name`=`value` is checked (attributes in any order)."""
    return re.search(rf'<input[^>]*\bname="{name}" value="{value}"[^>]*\bchecked', html) is not None


def link_from(message) -> str:
    return re.search(r"http://testserver(/intake/\S+/)", message.body).group(1)


# --- The page ------------------------------------------------------------------------------------


def test_the_questionnaire_lists_every_condition_in_six_groups_each_with_none_of_these(client, rules):
    from intake.question_groups import build_sections

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    sections = build_sections(rules.asked_conditions())
    assert [section.key for section in sections] == [
        "today",
        "circulation",
        "skin",
        "joints",
        "pregnancy",
        "long_term",
    ]
    for section in sections:
        for condition in section.conditions:
            assert condition.question.replace("'", "&#x27;") in html, condition.key
            assert f'name="g_{section.key}" value="{condition.key}"' in html
        assert f'name="g_{section.key}" value="none"' in html
    # The optional question (a period today) is a tick of its own, outside "none of these".
    assert 'name="o_pregnancy" value="menstruation"' in html
    assert html.count("None of these apply to me</span>") == 6
    for legend in (
        "About you",
        "Today",
        "Heart, blood and circulation",
        "Skin and feet",
        "Bones and joints",
        "Pregnancy and hormones",
        "Long-term conditions and medicines",
        "Consent and signature",
    ):
        assert f'<legend class="intake-legend">{legend}</legend>' in html
    assert "about three minutes" in html
    assert "contraindicat" not in html.lower()
    assert_csp_clean(response)


def test_follow_ups_are_in_the_page_hidden_until_ticked(client, rules):
    html = client.get(URL).content.decode()

    block = html.split('id="follow-ups-pregnancy"', 1)[1].split("</li>", 1)[0]
    assert block.startswith(' data-follow-ups-for="id_g_pregnancy_0" hidden>')
    assert 'name="f_pregnancy_weeks" value="t1"' in block
    assert 'aria-controls="follow-ups-pregnancy"' in html
    assert 'src="/static/js/intake.js"' in html


def test_the_privacy_sentence_and_the_returning_client_form_are_there(client, rules):
    html = client.get(URL).content.decode()

    assert "Your answers are private" in html
    assert f'action="{reverse("intake:returning_request")}"' in html


def test_page_query_count_is_fixed_and_does_not_grow_with_more_rules_or_questionnaires(
    client, rules, django_assert_num_queries
):
    client.get(URL)
    with django_assert_num_queries(2):
        client.get(URL)
    from intake.models import Condition, FollowUp

    for i in range(40):
        condition = Condition.objects.create(
            key=f"extra_{i}",
            question=f"Extra question {i}?",
            short_label="x",
            category="advisory",
            group="wellbeing",
        )
        FollowUp.objects.create(condition=condition, key=f"extra_fu_{i}", question="More?", kind="text")
        make_questionnaire(client_email=f"c{i}@example.com")
    with django_assert_num_queries(2):
        response = client.get(URL)
    assert "Extra question 39?" in response.content.decode()


# --- Taking answers in ---------------------------------------------------------------------------


def test_a_valid_questionnaire_is_saved_screened_and_the_client_sees_the_result(
    client, rules, django_capture_on_commit_callbacks
):
    response = submit(
        client,
        rules,
        django_capture_on_commit_callbacks,
        c_diabetes="yes",
        f_diabetes_insulin="no",
        f_diabetes_numb="no",
        f_diabetes_sores="no",
        f_diabetes_checked="yes",
    )

    questionnaire = Questionnaire.objects.get()
    assert response.status_code == 302
    # The link names this questionnaire (not compared with a token made now: a signed token carries the
    # second it was made, and the clock may have ticked since the view made its own).
    match = resolve(response.url)
    assert match.view_name == "intake:result"
    assert open_result_link(match.kwargs["token"]) == questionnaire
    assert questionnaire.answers["diabetes"] == "yes"
    assert questionnaire.answers["fever"] == "no"
    assert questionnaire.outcome_for("reflexology") == "decline"
    assert questionnaire.outcome_for("classical") == "needs_clearance"
    assert questionnaire.screening["thai-sticks"]["outcome"] == "decline"
    assert questionnaire.rules_version == rules.version
    assert questionnaire.is_valid()
    assert client.session[SESSION_KEY] == str(questionnaire.public_id)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.com"]
    # the e-mailed link opens the same questionnaire (its token may be a second younger than the page's)
    assert open_result_link(resolve(link_from(mail.outbox[0])).kwargs["token"]) == questionnaire


def test_follow_ups_of_a_no_answer_are_never_kept(client, rules, django_capture_on_commit_callbacks):
    submit(client, rules, django_capture_on_commit_callbacks, f_pregnancy_weeks="t1")

    assert "pregnancy_weeks" not in Questionnaire.objects.get().answers
    assert Questionnaire.objects.get().outcome_for("classical") == "proceed"


def test_next_sends_the_client_back_with_the_questionnaire_remembered(
    client, rules, django_capture_on_commit_callbacks
):
    response = submit(client, rules, django_capture_on_commit_callbacks, next="/book/?service=classical-60")

    assert response.status_code == 302
    assert response.url == "/book/?service=classical-60"
    assert client.session[SESSION_KEY] == str(Questionnaire.objects.get().public_id)


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_next_to_another_site_is_ignored(client, rules, django_capture_on_commit_callbacks, unsafe):
    response = submit(client, rules, django_capture_on_commit_callbacks, next=unsafe)

    assert response.url.startswith("/intake/result/")


def test_get_with_next_carries_it_into_the_form(client, rules):
    html = client.get(URL + "?next=/book/%3Fservice%3Drelaxing-60").content.decode()

    assert '<input type="hidden" name="next" value="/book/?service=relaxing-60">' in html


# --- Bad input -----------------------------------------------------------------------------------

BAD_INPUT = [
    ("nothing-ticked", {"g_today": None}, "g_today", "Please tick what applies to you, or “None of these"),
    (
        "none-and-a-tick",
        {"g_joints": ["none", "osteoporosis"]},
        "g_joints",
        "You ticked “None of these apply to me” and also “Fragile bones (osteoporosis)”",
    ),
    ("missing-follow-up", {"c_pregnancy": "yes"}, "f_pregnancy_weeks", "Please choose an answer"),
    ("missing-multi-follow-up", {"c_product_allergy": "yes"}, "f_allergy_kinds", "Please tick at least one"),
    ("future-birth-date", {"date_of_birth": "01.01.2999"}, "date_of_birth", "cannot be in the future"),
    ("absurdly-old", {"date_of_birth": "1850-01-01"}, "date_of_birth", "more than 120 years ago"),
    ("not-a-date", {"date_of_birth": "yesterday"}, "date_of_birth", "Please type the date as day, month"),
    ("invalid-email", {"client_email": "anna@"}, "client_email", "Enter a valid email address."),
    ("no-health-consent", {"consent_health_data": None}, "consent_health_data", "Please agree to us keeping"),
    ("no-terms", {"consent_terms": None}, "consent_terms", "Please confirm the session terms."),
    ("signature-differs", {"signature": "Someone Else"}, "signature", "Please type exactly the name"),
    ("no-name", {"client_name": "   "}, "client_name", "This field is required."),
    (
        "bad-phone",
        {"client_phone": "call me maybe"},
        "client_phone",
        "Please enter a phone number we can call",
    ),
    ("minor-without-guardian", {"date_of_birth": "2015-06-01"}, "guardian_name", "parent or guardian"),
    ("bad-tick", {"g_joints": ["perhaps"]}, "g_joints", "Select a valid choice."),
    ("bad-certainty", {"c_fever": "perhaps"}, "c_fever", "Select a valid choice."),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"), [case[1:] for case in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_comes_back_with_messages_keeps_everything_and_saves_nothing(
    client, rules, django_capture_on_commit_callbacks, overrides, field, message
):
    data = form_data(
        rules,
        c_nail_fungus="yes",
        f_fungus_toes="left big toe",
        medicines="Metformin 500 mg",
        other_notes="Ticklish heels",
        **overrides,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert message in html
    assert f'class="field-error" id="id_{field}_error"' in html
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'href="#id_{field}' in summary
    assert 'aria-invalid="true"' in html or field.startswith(("g_", "c_", "f_"))
    assert Questionnaire.objects.count() == 0
    assert mail.outbox == []
    # What was typed is still there.
    assert "Metformin 500 mg" in html
    assert "Ticklish heels" in html
    assert 'value="left big toe"' in html
    assert is_checked(html, "g_skin", "nail_fungus")
    assert 'data-follow-ups-for="id_g_skin_' in html and 'id="follow-ups-nail_fungus"' in html
    assert is_checked(html, "pressure_preference", "medium")
    assert_csp_clean(response)


def test_the_signature_may_differ_in_case_and_spacing(client, rules, django_capture_on_commit_callbacks):
    response = submit(client, rules, django_capture_on_commit_callbacks, signature="  anna   EXAMPLE ")

    assert response.status_code == 302


def test_a_minor_is_signed_by_the_guardian(client, rules, django_capture_on_commit_callbacks):
    response = submit(
        client,
        rules,
        django_capture_on_commit_callbacks,
        client_name="Tim Example",
        date_of_birth="2016-02-01",
        guardian_name="Anna Example",
        signature="Anna Example",
    )

    assert response.status_code == 302
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.guardian_name == "Anna Example"
    assert questionnaire.outcome_for("classical") == "proceed_with_note"
    assert questionnaire.outcome_for("therapeutic-flat-feet") == "needs_clearance"


def test_nothing_is_saved_half_way_when_the_mail_cannot_be_queued(
    client, rules, django_capture_on_commit_callbacks, monkeypatch
):
    from intake import questionnaires

    def broken_replace(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(questionnaires.Questionnaire.objects, "select_for_update", broken_replace)
    previous = make_questionnaire()
    with pytest.raises(RuntimeError):
        questionnaires.submit_questionnaire(
            details=_details(), answers={}, origin="http://testserver", replaces=previous
        )

    assert Questionnaire.objects.count() == 1  # only the previous one; the new row was rolled back


def _details():
    from intake.questionnaires import ClientDetails

    return ClientDetails(
        name="Anna Example",
        email="anna@example.com",
        signature="Anna Example",
        consent_health_data=True,
        consent_terms=True,
        consent_personal_data=True,
    )


# --- Returning clients ----------------------------------------------------------------------------


def test_asking_for_a_link_says_the_same_whether_or_not_we_hold_a_questionnaire(
    client, rules, django_capture_on_commit_callbacks
):
    make_questionnaire(client_email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("intake:returning_request"), {"email": "known@example.com"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(
            reverse("intake:returning_request"), {"email": "nobody@example.com"}, follow=True
        )

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("intake:returning_sent"), 302)]
    assert known.content == unknown.content
    assert "If we have a questionnaire for this address, we have sent you a link" in known.content.decode()
    assert [message.to for message in mail.outbox] == [["known@example.com"]]


def test_an_empty_post_gets_every_message_not_a_blank_form(client, rules):
    response = client.post(URL, {})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="field-error"') >= 6 + 5  # each group, and name, e-mail, birth, consents...
    for section in ("today", "circulation", "skin", "joints", "pregnancy", "long_term"):
        assert f'id="id_g_{section}_error"' in html
    assert Questionnaire.objects.count() == 0


def test_the_neutral_page_keeps_the_way_back_to_the_booking(
    client, rules, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intake:returning_request"),
            {"email": "x@example.com", "next": "/book/?service=a"},
            follow=True,
        )

    assert 'href="/intake/?next=/book/%3Fservice%3Da"' in response.content.decode()


def test_asking_for_a_link_with_a_bad_address_explains(client, rules):
    response = client.post(reverse("intake:returning_request"), {"email": "not-an-address"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_the_emailed_link_lets_the_client_confirm_nothing_has_changed(
    client, rules, django_capture_on_commit_callbacks
):
    questionnaire = make_questionnaire(answers={"diabetes": "yes"}, screening={})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:returning_request"), {"email": "anna@example.com", "next": "/book/"})
    link = link_from(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Welcome back, Anna Example" in page.content.decode()
    response = client.post(link, {"confirm": "on"})

    assert response.status_code == 302
    assert response.url == "/book/"
    questionnaire.refresh_from_db()
    assert questionnaire.confirmed_unchanged_at is not None
    assert questionnaire.outcome_for("reflexology") == "decline"  # screened again with today's rules
    assert client.session[SESSION_KEY] == str(questionnaire.public_id)


def test_confirming_without_ticking_the_box_explains(client, rules):
    questionnaire = make_questionnaire()
    link = reverse("intake:returning", kwargs={"token": returning_token(questionnaire)})

    response = client.post(link, {})

    assert response.status_code == 200
    assert "Please tick the box to confirm" in response.content.decode()


def test_the_emailed_link_lets_the_client_update_their_answers(
    client, rules, django_capture_on_commit_callbacks
):
    previous = make_questionnaire(
        answers={"nail_fungus": "yes"}, date_of_birth=timezone.localdate().replace(year=1980)
    )
    update = reverse(
        "intake:returning_update", kwargs={"token": returning_token(previous, next_url="/book/")}
    )

    page = client.get(update).content.decode()
    assert is_checked(page, "g_skin", "nail_fungus")
    assert is_checked(page, "g_today", "none")
    assert 'id="follow-ups-nail_fungus" data-follow-ups-for="id_g_skin_' in page
    assert 'value="Anna Example"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(update, form_data(rules, c_fever="yes", f_fever_symptoms="no"))

    assert response.status_code == 302
    assert response.url == "/book/"
    previous.refresh_from_db()
    new = Questionnaire.objects.exclude(pk=previous.pk).get()
    assert previous.replaced_by == new
    assert not previous.is_valid()
    assert Questionnaire.objects.latest_valid_for_email("anna@example.com") == new
    assert new.outcome_for("relaxing") == "decline"
    # The link stops working once the answers were updated.
    assert client.get(update).status_code == 410


# --- The result page --------------------------------------------------------------------------------


def test_the_result_page_lists_each_studio_technique_with_kind_reasons_and_next_steps(client, rules):
    from intake.screening import screen

    screening = screen(
        {
            "fever": True,
            "fever_symptoms": "no",
            "open_wound": True,
            "wound_kind": "open",
            "wound_side": "left",
        }
    )
    questionnaire = make_questionnaire(screening=screening.as_json())

    response = client.get(reverse("intake:result", kwargs={"token": result_token(questionnaire)}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Not possible at the moment" in html
    assert "A raised temperature means your body is busy getting better" in html
    assert "Book again once you&#x27;ve had 24 hours without a temperature." in html
    for name in ("Classical foot massage", "Thai foot massage with sticks", "Vacuum cup massage"):
        assert name in html
    assert "Self-massage at home" not in html  # reading-only techniques are not booked
    for code in ("decline", "needs_clearance", "avoid_area", "contraindicat", "foot_left"):
        assert code not in html.split("<main", 1)[1]
    assert client.session[SESSION_KEY] == str(questionnaire.public_id)
    assert_csp_clean(response)


def test_the_result_page_groups_what_can_be_booked_and_what_needs_a_note(client, rules):
    from intake.screening import screen

    screening = screen(
        {"diabetes": True, "diabetes_insulin": "no", "diabetes_numb": "no", "diabetes_sores": "no"}
    )
    questionnaire = make_questionnaire(screening=screening.as_json())

    html = client.get(
        reverse("intake:result", kwargs={"token": result_token(questionnaire)})
    ).content.decode()

    note = html.split("Needs a note from your doctor first", 1)[1].split("Not possible at the moment", 1)[0]
    assert "Classical foot massage" in note and "Vacuum cup massage" in note
    not_now = html.split("Not possible at the moment", 1)[1]
    assert "Reflexology" in not_now and "Thai foot massage with sticks" in not_now
    assert "Bring a short note from your doctor" in note


def test_a_doctors_note_on_file_makes_the_technique_bookable_on_the_result_page(client, rules, admin_user):
    from intake.models import Clearance
    from intake.screening import screen

    screening = screen({"recent_surgery": True})
    questionnaire = make_questionnaire(screening=screening.as_json())
    today = timezone.localdate()
    Clearance.objects.create(
        questionnaire=questionnaire,
        condition_key="recent_surgery",
        issued_on=today,
        valid_until=today + timedelta(days=30),
        recorded_by=admin_user,
    )

    html = client.get(
        reverse("intake:result", kwargs={"token": result_token(questionnaire)})
    ).content.decode()

    assert "You can book" in html
    assert "Needs a note from your doctor first" not in html


def test_result_page_query_count_is_fixed_and_does_not_grow(client, rules, django_assert_num_queries):
    from tests.intake.factories import make_technique

    questionnaire = make_questionnaire(screening={})
    url = reverse("intake:result", kwargs={"token": result_token(questionnaire)})
    client.get(url)
    with django_assert_num_queries(4):
        client.get(url)
    for i in range(80):
        make_technique(f"extra-{i}", f"Extra {i}", "classical")
        make_questionnaire(client_email=f"c{i}@example.com")
    with django_assert_num_queries(4):
        response = client.get(url)
    assert "Extra 79" in response.content.decode()


@pytest.mark.parametrize(
    "token",
    ["nonsense", "eyJxIjoiMSJ9:1abcde:AAAA", "a" * 300],
)
def test_a_tampered_link_is_a_friendly_404(client, rules, token):
    response = client.get(reverse("intake:result", kwargs={"token": token}))

    assert response.status_code == 404
    assert "recognise this link" in response.content.decode()
    assert_csp_clean(response)


def test_a_link_with_a_changed_signature_or_payload_is_a_404(client, rules):
    token = result_token(make_questionnaire())
    payload, stamp, signature = token.split(":")
    other = "B" if signature[5] != "B" else "C"
    bad_signature = f"{payload}:{stamp}:{signature[:5]}{other}{signature[6:]}"
    other_payload = make_questionnaire(client_email="b@example.com")
    swapped = f"{result_token(other_payload).split(':')[0]}:{stamp}:{signature}"

    for tampered in (bad_signature, swapped):
        assert client.get(reverse("intake:result", kwargs={"token": tampered})).status_code == 404


def test_a_link_for_the_other_purpose_is_a_404(client, rules):
    questionnaire = make_questionnaire()

    result_as_returning = client.get(
        reverse("intake:returning", kwargs={"token": result_token(questionnaire)})
    )
    returning_as_result = client.get(
        reverse("intake:result", kwargs={"token": returning_token(questionnaire)})
    )

    assert result_as_returning.status_code == returning_as_result.status_code == 404


def test_an_expired_link_is_a_friendly_410_offering_a_new_one(client, rules, settings):
    token = result_token(make_questionnaire())
    settings.INTAKE_RESULT_LINK_MAX_AGE = -1

    response = client.get(reverse("intake:result", kwargs={"token": token}))

    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has expired" in html
    assert f'action="{reverse("intake:returning_request")}"' in html
    assert_csp_clean(response)


def test_a_link_to_a_questionnaire_no_longer_valid_is_a_410(client, rules):
    questionnaire = make_questionnaire(
        submitted_at=timezone.now() - timedelta(days=400), valid_until=timezone.now() - timedelta(days=200)
    )

    assert (
        client.get(reverse("intake:result", kwargs={"token": result_token(questionnaire)})).status_code == 410
    )


def test_a_link_to_a_deleted_questionnaire_is_a_404(client, rules):
    questionnaire = make_questionnaire()
    token = result_token(questionnaire)
    questionnaire.delete()

    assert client.get(reverse("intake:result", kwargs={"token": token})).status_code == 404


def test_a_forged_payload_signed_with_another_salt_is_a_404(client, rules):
    questionnaire = make_questionnaire()
    forged = TimestampSigner(salt="something-else").sign_object({"q": str(questionnaire.public_id)})

    assert client.get(reverse("intake:result", kwargs={"token": forged})).status_code == 404
    assert RESULT_SALT != "something-else"


# --- Grouped questions: without the page's script, R10, the returning page ---------------------------


def hidden_inputs(html: str) -> list[tuple[str, str]]:
    import html as html_lib

    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return [(name, html_lib.unescape(value)) for name, value in found]


def test_without_the_script_the_follow_ups_of_what_was_ticked_come_on_a_second_page(
    client, rules, django_capture_on_commit_callbacks
):
    first = form_data(rules, c_pregnancy="yes", medicines="Folic acid", next="/book/")
    del first["in_place"]  # no script: the client never saw the follow-ups
    first.pop("c_pregnancy")  # nor the "is that certain?" answer

    page = client.post(URL, first)

    assert page.status_code == 200
    assert page.templates[0].name == "intake/questionnaire_follow_ups.html"
    html = page.content.decode()
    assert "A few more questions" in html
    assert 'name="f_pregnancy_weeks" value="t2"' in html
    assert 'name="f_varicose' not in html  # only what was ticked
    assert "field-error" not in html  # not an error: the client had not seen these questions
    assert Questionnaire.objects.count() == 0
    carried = hidden_inputs(html)
    assert ("medicines", "Folic acid") in carried and ("g_pregnancy", "pregnancy") in carried
    assert ("shown", "pregnancy") in carried and ("next", "/book/") in carried

    second = {}
    for name, value in carried:
        second.setdefault(name, []).append(value)
    second |= {
        "c_pregnancy": "not_sure",
        "f_pregnancy_weeks": "t2",
        "f_pregnancy_complications": ["none"],
        "f_pregnancy_midwife_knows": "yes",
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(URL, second)

    assert done.status_code == 302 and done.url == "/book/"
    saved = Questionnaire.objects.get()
    assert saved.answers["pregnancy"] == "not_sure"
    assert saved.answers["pregnancy_weeks"] == "t2"
    assert saved.answers["fever"] == "no"
    assert saved.medicines == "Folic acid"


def test_the_second_page_still_insists_on_its_follow_ups(client, rules):
    data = form_data(rules, c_pregnancy="yes")
    del data["in_place"]
    data["shown"] = "pregnancy"  # the second page was shown

    response = client.post(URL, data)

    html = response.content.decode()
    assert 'id="id_f_pregnancy_weeks_error"' in html
    assert Questionnaire.objects.count() == 0


def test_the_stored_answers_keep_one_answer_per_condition_for_the_screening(
    client, rules, django_capture_on_commit_callbacks
):
    submit(client, rules, django_capture_on_commit_callbacks, c_nail_fungus="yes", f_fungus_toes="left")

    saved = Questionnaire.objects.get()
    asked = {condition.key for condition in rules.asked_conditions()}
    assert asked <= set(saved.answers)
    assert saved.answers["nail_fungus"] == "yes" and saved.answers["fungus_toes"] == "left"
    assert {saved.answers[key] for key in asked - {"nail_fungus"}} == {"no"}
    assert saved.outcome_for("classical") == "avoid_area"


def test_follow_ups_of_a_condition_not_ticked_are_never_kept(
    client, rules, django_capture_on_commit_callbacks
):
    submit(client, rules, django_capture_on_commit_callbacks, f_fever_symptoms="yes", c_fever="no")

    assert "fever_symptoms" not in Questionnaire.objects.get().answers


def test_opening_the_returning_link_is_not_an_answer(client, rules):
    """R10: only confirming (or updating) gives this browser the questionnaire for a booking."""
    questionnaire = make_questionnaire()
    link = reverse("intake:returning", kwargs={"token": returning_token(questionnaire, next_url="/book/")})

    page = client.get(link)

    assert page.status_code == 200
    assert SESSION_KEY not in client.session
    questionnaire.refresh_from_db()
    assert questionnaire.confirmed_unchanged_at is None
    client.get(reverse("intake:returning_update", kwargs={"token": returning_token(questionnaire)}))
    assert SESSION_KEY not in client.session
    client.post(link, {"confirm": "on"})
    assert client.session[SESSION_KEY] == str(questionnaire.public_id)


def test_get_returning_answers_with_a_page(client, rules):
    response = client.get(reverse("intake:returning_request") + "?next=/book/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirm or update your questionnaire" in html
    assert '<input type="hidden" name="next" value="/book/"' in html
    assert_csp_clean(response)


def test_in_the_booking_flow_the_page_shows_its_progress_bar(client, rules):
    from intake.session import offer_progress

    session_request = type("R", (), {"session": client.session})()
    offer_progress(
        session_request, steps=[(1, "Session"), (2, "Health questionnaire"), (3, "Confirm")], step=2
    )
    session_request.session.save()

    html = client.get(URL + "?next=/book/summary/").content.decode()
    assert 'aria-label="Booking progress"' in html
    assert "Step 2 of 3" in html
    assert 'aria-current="step"' in html
    assert 'aria-label="Booking progress"' not in client.get(URL).content.decode()  # on its own: no bar


def test_the_questionnaire_records_the_personal_data_consent_on_its_own(client, rules):
    from intake.models import PersonalDataConsent

    response = client.post(reverse("intake:questionnaire"), form_data(rules))
    assert response.status_code == 302
    [consent] = PersonalDataConsent.objects.all()
    assert (consent.email, consent.source, consent.method) == ("anna@example.com", "questionnaire", "website")


def test_the_questionnaire_without_the_personal_data_consent_is_refused_and_kept(client, rules):
    from intake.models import PersonalDataConsent

    data = form_data(rules)
    del data["consent_personal_data"]
    response = client.post(reverse("intake:questionnaire"), data)
    page = response.content.decode()
    assert response.status_code == 200  # the questionnaire page again, as for its other errors
    assert "Please agree to the processing of your personal data" in page
    assert 'value="Anna Example"' in page
    assert not PersonalDataConsent.objects.exists() and not Questionnaire.objects.exists()
