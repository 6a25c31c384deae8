from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # The access-version bumps on deletes, and the deployment checks of the throttles.
        from accounts import checks, signals  # noqa: F401
