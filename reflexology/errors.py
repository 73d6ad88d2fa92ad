"""The reflexology app's one error class: its message can be shown to the person who caused it."""


class ContentError(Exception):
    """Something about reference content (an upload, a query) that we cannot accept, said kindly."""
