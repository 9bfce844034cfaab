"""DomainError: the one way an action says no.

Every refusal carries a stable ``code`` (for the API and for tests), a human ``message`` (for
forms and toasts) and, when one input is to blame, the ``field`` it names.
"""


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class InvalidInput(DomainError):
    code = "invalid_input"


class NotAllowed(DomainError):
    code = "not_allowed"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409
