"""Password rules beyond Django's own."""

from django.core.exceptions import ValidationError

MAX_PASSWORD_LENGTH = 128  # OWASP ASVS 2.1.2; longer ones also cost the server a long hash


class MaximumLengthValidator:
    def validate(self, password: str, user: object = None) -> None:
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                f"This password is too long: at most {MAX_PASSWORD_LENGTH} characters.", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"Your password can have at most {MAX_PASSWORD_LENGTH} characters."
