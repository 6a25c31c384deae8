from django.apps import AppConfig


class WagesConfig(AppConfig):
    name = "wages"

    def ready(self) -> None:
        from sources import derived
        from wages.downloads import downloads_rebuild
        from wages.imports import oews  # noqa: F401 (registers the OEWS data set)

        # the whole-release files of /api/v1/releases, written after an OEWS import, publish or rollback commits
        derived.register("release downloads", downloads_rebuild, reads=("oews",))
