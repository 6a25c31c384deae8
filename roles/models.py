"""Roles (what users see) and their categories; each role takes its figures from one SOC occupation."""

from django.db import models
from django.urls import get_script_prefix, reverse

from occupations.models import Occupation
from wages.models import Release


def _acronym(word: str) -> bool:
    """CNC, HVAC, iOS: a word (or part of a hyphenated one) with capitals after its first letter."""
    return any(part[1:] != part[1:].lower() for part in word.split("-"))


class Category(models.Model):
    """An editable grouping of roles, e.g. "Technical". New occupations fall in by SOC major group."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=100)
    soc_major_groups = models.CharField(
        max_length=100, blank=True, help_text="Comma-separated SOC major groups placed here by default, e.g. 15,17."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A role page. Every detailed occupation is one; editors add curated roles with their own text."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="roles")
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="roles")
    is_curated = models.BooleanField(default=False, help_text="Edited by hand; never overwritten by imports.")
    short_description = models.TextField(blank=True, help_text="Shown instead of O*NET's description when filled.")
    duties = models.TextField(blank=True, help_text="One duty per line; replaces O*NET's tasks when filled.")
    skills = models.TextField(blank=True, help_text="One requirement per line, 'Label: text'.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["category", "title"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # Reversed once per role object, slug and script prefix: a page links to a dozen roles, and the role
        # objects are kept between requests (roles.card.role_by_slug, related_roles).
        key = (self.slug, get_script_prefix())
        kept = self.__dict__.get("_url")
        if kept is None or kept[0] != key:
            kept = self.__dict__["_url"] = (key, reverse("roles:detail", kwargs={"slug": self.slug}))
        return kept[1]

    @property
    def people(self) -> str:
        """The people in the role, for a sentence: "What electricians are paid", "What back-end developers are paid".
        SOC titles are plural already; a curated title may be singular. Words in capitals (CNC, HVAC) stay."""
        title = self.title if self.title.endswith("s") or not self.is_curated else f"{self.title}s"
        return " ".join(word if _acronym(word) else word.lower() for word in title.split())

    @property
    def duty_list(self) -> list[str]:
        return [line.strip() for line in self.duties.splitlines() if line.strip()]

    @property
    def skill_list(self) -> list[tuple[str, str]]:
        items = []
        for line in self.skills.splitlines():
            if line.strip():
                label, _, text = line.partition(":")
                items.append((label.strip(), text.strip()) if text else ("", label.strip()))
        return items


class RoleProfile(models.Model):
    """What the role page shows for an occupation in one OEWS release that depends on nothing else (O*NET's
    description, tasks, skills, knowledge, technology, education, job zone and related occupations; the national
    figures, their history and change; the national market estimate), as plain JSON. Built for every occupation when
    the data it reads is imported or a release is published or rolled back (`roles.profiles`), so a role page reads
    it with one indexed query in any worker; a missing row is built on first read and stored."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="+")
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField()
    built_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["occupation", "release"], name="one_profile_per_release")]

    def __str__(self) -> str:
        return f"{self.occupation_id} in {self.release_id}"


class RoleSections(models.Model):
    """The role page's place-independent sections (`roles.sections.SECTIONS`: the national wages and their change,
    the description, duties, skills, job zone...) rendered as HTML for one role with one release's figures, so a page
    for a random role and place renders only what depends on the place. Built with the role profiles
    (`roles.sections.sections_rebuild`); `digest` names what the HTML was rendered from (the role's row, its
    profile's build time, the templates and the code that formats figures), so a row that no longer matches is
    rendered again on the next page and stored."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=32)
    html = models.JSONField()  # the page's context name -> HTML

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "release"], name="one_sections_per_release")]

    def __str__(self) -> str:
        return f"{self.role_id} in {self.release_id}"
