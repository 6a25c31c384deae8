from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"

    def ready(self) -> None:
        from roles.imports import roles  # noqa: F401 (registers the roles step of every import)
        from roles.profiles import profiles_rebuild
        from roles.sections import sections_rebuild
        from sources import derived

        # the data sets a role profile is computed from (O*NET, OEWS, projections and the supply inputs)
        derived.register(
            "role profiles", profiles_rebuild, reads=("onet", "oews", "projections", "cps", "cip_soc", "ipeds")
        )
        # the role page's place-independent sections, rendered from the roles and their profiles (after them)
        derived.register(
            "role page sections",
            sections_rebuild,
            reads=("onet", "oews", "projections", "cps", "cip_soc", "ipeds", "roles"),
        )
