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
