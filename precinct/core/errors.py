"""One error type for domain failures; the API and the UI turn it into a 4xx answer or a form error."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the operation; nothing was changed.

    `code` is stable and machine-readable; `message` is translatable text for the user;
    `fields` maps a field name to its messages when the failure is about specific input.
    """

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        fields: dict[str, list[str | Promise]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status


class ValidationFailed(DomainError):
    """Input did not pass validation: one or more messages per field."""

    status = 422

    def __init__(self, fields: dict[str, list[str | Promise]], message: str | Promise = "") -> None:
        super().__init__("validation_error", message or _("Some fields are not valid."), fields=fields)


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str | Promise = "") -> None:
        super().__init__("forbidden", message or _("You are not allowed to do this."))


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str | Promise = "") -> None:
        super().__init__("not_found", message or _("Not found."))


class RateLimited(DomainError):
    status = 429

    def __init__(self, retry_after: int, message: str | Promise = "") -> None:
        super().__init__("rate_limited", message or _("Too many attempts. Try again later."))
        self.retry_after = retry_after
