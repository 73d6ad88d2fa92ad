"""Which questionnaire this browser has proven it owns (the contract with the booking flow).

A questionnaire is remembered only when the client filled it in here or opened it through
the e-mailed signed link; typing someone's e-mail address never attaches their questionnaire
(that would reveal health information).
"""

from intake.models import Questionnaire

SESSION_KEY = "intake.questionnaire"


def remember(request, questionnaire: Questionnaire) -> None:
    value = str(questionnaire.public_id)
    if request.session.get(SESSION_KEY) != value:
        request.session[SESSION_KEY] = value


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


def proven_questionnaire(request) -> Questionnaire | None:
    """The remembered questionnaire if it is still valid, else None (and it is forgotten)."""
    public_id = request.session.get(SESSION_KEY)
    if not public_id:
        return None
    questionnaire = Questionnaire.objects.valid().filter(public_id=public_id).first()
    if questionnaire is None:
        forget(request)
    return questionnaire


PREFILL_KEY = "intake.prefill"
PREFILL_FIELDS = ("client_name", "client_email", "client_phone")


def offer_contact_details(request, *, name: str, email: str, phone: str = "") -> None:
    """Contact details the client has just typed elsewhere (the booking flow), so the questionnaire
    does not ask for them twice. Contact details only; health answers never travel this way."""
    request.session[PREFILL_KEY] = {"client_name": name, "client_email": email, "client_phone": phone}


def offered_contact_details(request) -> dict[str, str]:
    offered = request.session.get(PREFILL_KEY)
    if not isinstance(offered, dict):
        return {}
    return {field: str(offered[field]) for field in PREFILL_FIELDS if offered.get(field)}


PROGRESS_KEY = "intake.progress"


def offer_progress(request, *, steps, step: int) -> None:
    """Where the questionnaire sits in a longer flow (the booking flow's steps), so the page can
    show the same progress bar. `steps` is a list of (number, label); labels are stored as text."""
    request.session[PROGRESS_KEY] = {"steps": [[int(n), str(label)] for n, label in steps], "step": int(step)}


def flow_progress(request) -> dict | None:
    """The progress offered by the flow the client came from: {"steps", "step", "step_count"}."""
    offered = request.session.get(PROGRESS_KEY)
    if not isinstance(offered, dict) or not offered.get("steps"):
        return None
    steps = [(int(number), str(label)) for number, label in offered["steps"]]
    return {"steps": steps, "step": int(offered.get("step", 0)), "step_count": len(steps)}
