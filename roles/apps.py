from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"

    def ready(self) -> None:
        from roles.imports import roles  # noqa: F401 (registers the roles step of every import)
