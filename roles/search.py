"""Typo-tolerant search over role titles, O*NET alternate titles and reported job titles.

The index lives in process memory (about 65,000 names) and is rebuilt when the data or the roles change.
"""

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from geo.models import NATIONAL
from occupations.models import AlternateTitle, ReportedTitle
from roles.models import Role
from sources import versions
from wages.models import WageEstimate


@dataclass(frozen=True)
class RoleHit:
    slug: str
    title: str
    soc_code: str
    category: str
    matched: str  # the name that matched, when it is not the role's own title


@dataclass
class _Index:
    names: list[str]  # normalized
    display: list[str]
    role_of: list[int]
    roles: list[RoleHit]
    weight: list[float]  # per role: larger occupations rank first among equal matches
    haystack: str = ""  # every name on its own line, searched with one regular expression
    line_starts: list[int] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)  # every word of every name, sorted, for spelling
    known_words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.haystack = "\n".join(self.names)
        self.known_words = frozenset(word for name in self.names for word in name.split())
        self.vocabulary = sorted(self.known_words)
        position, self.line_starts = 0, []
        for name in self.names:
            self.line_starts.append(position)
            position += len(name) + 1


_PUNCTUATION = re.compile(r"[^a-z0-9+#]+")


def normalize(text: str) -> str:
    """Lower case, punctuation as spaces: 'Back-End' and 'back end' are the same words."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower()).split())


@versions.memoized("role search index", maxsize=1)
def _get_index() -> _Index:
    """Every role's title and its occupation's O*NET titles; rebuilt when the data or the roles change (role edits
    bump the data version)."""
    roles: list[RoleHit] = []
    names: list[str] = []
    display: list[str] = []
    role_of: list[int] = []
    default_role: dict[str, int] = {}
    newest = WageEstimate.objects.order_by("-release_id").values_list("release_id", flat=True).first() or 0
    employment = dict(
        WageEstimate.objects.filter(release_id=newest, area_id=NATIONAL, employment__isnull=False).values_list(
            "occupation_id", "employment"
        )
    )
    weight: list[float] = []
    for slug, title, soc, category, curated in Role.objects.order_by("-is_curated", "title").values_list(
        "slug", "title", "occupation_id", "category__name", "is_curated"
    ):
        index = len(roles)
        roles.append(RoleHit(slug, title, soc, category, ""))
        weight.append(math.log10((employment.get(soc) or 0) + 1) * 3 + (20 if curated else 0))
        names.append(normalize(title))
        display.append(title)
        role_of.append(index)
        if not curated:
            default_role.setdefault(soc, index)
    seen = set(names)
    for model in (AlternateTitle, ReportedTitle):
        for title, soc in model.objects.values_list("title", "onet__occupation_id"):
            lowered = normalize(title)
            if soc in default_role and lowered not in seen:
                seen.add(lowered)
                names.append(lowered)
                display.append(title)
                role_of.append(default_role[soc])
    return _Index(names, display, role_of, roles, weight)


def _is_prefix(word: str, vocabulary: list[str]) -> bool:
    position = bisect_left(vocabulary, word)
    return position < len(vocabulary) and vocabulary[position].startswith(word)


def _corrected(text: str, index: _Index) -> str:
    """The query with each misspelt word (not in any title) replaced by the closest word that is."""
    words = text.split()
    fixed = []
    for position, word in enumerate(words):
        last = position == len(words) - 1
        if word in index.known_words or len(word) < 4 or (last and _is_prefix(word, index.vocabulary)):
            fixed.append(word)  # a known word, too short to correct, or the prefix of one being typed
            continue
        best = process.extractOne(word, index.vocabulary, scorer=fuzz.ratio, score_cutoff=80)
        fixed.append(best[0] if best else word)
    return " ".join(fixed)


def search_roles(query: str, limit: int = 10) -> list[RoleHit]:
    """Roles best matching `query`: whole and prefix matches first, then close spellings."""
    text = normalize(query[:200])[:100]
    if len(text) < 2:
        return []
    index = _get_index()
    text = _corrected(text, index)
    scored: dict[int, tuple[float, str]] = {}

    def offer(position: int, score: float) -> None:
        role = index.role_of[position]
        score += index.weight[role] + (10 if index.display[position] == index.roles[role].title else 0)
        if role not in scored or scored[role][0] < score:
            scored[role] = (score, index.display[position])

    # Names that contain the query at the start of a word: whole name, prefix, then inside.
    haystack = index.haystack
    for count, match in enumerate(re.finditer(re.escape(text), haystack)):
        if count >= 5000:  # a very short query: enough candidates to rank
            break
        start = match.start()
        if start and haystack[start - 1] not in " \n":
            continue
        position = bisect_right(index.line_starts, start) - 1
        name = index.names[position]
        if name == text:
            offer(position, 300)
        elif start == index.line_starts[position]:
            offer(position, 200 - len(name) / 100)
        else:
            offer(position, 150 - len(name) / 100)
    if len(scored) < limit:
        for _, score, position in process.extract(
            text, index.names, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=75
        ):
            offer(position, score)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], index.roles[item[0]].title))[:limit]
    hits = []
    for role, (_, matched) in ranked:
        hit = index.roles[role]
        hits.append(RoleHit(hit.slug, hit.title, hit.soc_code, hit.category, "" if matched == hit.title else matched))
    return hits


def suggested_role(title: str) -> Role | None:
    """The Role that `suggest_role` picks for a job title, or None."""
    hit = suggest_role(title)
    return Role.objects.filter(slug=hit.slug).first() if hit else None


def role_named(text: str) -> Role | None:
    """A role named by its slug or its title (any case), else the closest match by the site's role search."""
    text = text.strip()
    found = Role.objects.filter(slug=text).first() or Role.objects.filter(title__iexact=text).first()
    return found or suggested_role(text)


@versions.memoized("role suggestions", maxsize=20_000)
def suggest_role(title: str) -> RoleHit | None:
    """The role a job title most likely means: the best search hit, else the closest title by shared words."""
    hits = search_roles(title, limit=1)
    if hits:
        return hits[0]
    text = normalize(title[:200])
    if len(text) < 3:
        return None
    index = _get_index()
    best = process.extractOne(text, index.names, scorer=fuzz.token_set_ratio, score_cutoff=85)
    return index.roles[index.role_of[best[2]]] if best else None
