"""How a client's e-mail address is compared everywhere (bookings, accounts, courses, the desk)."""


def normalise_email(value: str) -> str:
    """Stripped and lower case: bookings store addresses as typed, and case never counts."""
    return (value or "").strip().lower()
