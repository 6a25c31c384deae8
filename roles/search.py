"""Typo-tolerant search over role titles, O*NET alternate titles and reported job titles.

Titles are matched word by word, the way a recruiter reads a posting title: "Sr. RN - ICU (Nights)" is a
registered nurse in intensive care. Abbreviations are spelled out; the words before the first dash or comma name
the job and those after it only qualify it; seniority, schedule notes and parentheses only break ties. A name
holding more of the query's words wins; among equally good names a specific occupation beats an "All Other"
residual, and the occupation employing more people comes first.

The index lives in process memory (about 60,000 names) and is rebuilt when the data or the roles change.
"""

import copy
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby, pairwise

from rapidfuzz import fuzz, process

from geo.models import NATIONAL
from occupations.models import AlternateTitle, Occupation, ReportedTitle
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


# Word forms. The same rules read the index and the query, so both sides always agree.

_PUNCTUATION = re.compile(r"[^a-z0-9+#]+")
_POSSESSIVE = re.compile(r"['’]s\b")
_PARENTHESES = re.compile(r"[(\[]([^)\]]*)(?:[)\]]|$)")
_SEGMENT = re.compile(r"\s[-–—]+\s|[-–—]\s|\s\|\s|[,:]")  # "Manager, Retail Pharmacy", "LPN - Long Term Care"
_EMPLOYER = re.compile(r"\s(?:at|@)\s")  # "iOS Developer at Acme": the employer says nothing of the job
_CONTEXT = re.compile(r"\swith\s")  # "Data Engineer with Kafka": a note
_RESIDUAL = re.compile(r",?\s*\ball other\b|,?\s+\bexcept\b.*$", re.IGNORECASE)

# Several words that mean one thing; collapsed before the abbreviations are spelled out.
_PHRASES = {
    "part time": "parttime",
    "full time": "fulltime",
    "per diem": "perdiem",
    "sign on bonus": "signonbonus",
    "entry level": "entrylevel",
    "mid level": "midlevel",
    "dev ops": "devops",
    "pa c": "physician assistant",
    "med surg": "medical surgical",
}
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(phrase) for phrase in _PHRASES) + r")\b")

# Abbreviations and spellings that postings use, spelt as the O*NET titles spell them.
_SPELLED_OUT = {
    "ai": "artificial intelligence",
    "ap": "accounts payable",
    "aprn": "advanced practice registered nurse",
    "ar": "accounts receivable",
    "asst": "assistant",
    "backend": "back end",
    "bcba": "board certified behavior analyst",
    "bdr": "business development representative",
    "bi": "business intelligence",
    "cdl": "commercial driver license",
    "ceo": "chief executive officer",
    "cfo": "chief financial officer",
    "cio": "chief information officer",
    "cma": "certified medical assistant",
    "cmo": "chief marketing officer",
    "cna": "certified nursing assistant",
    "cnc": "computer numerically controlled",
    "coo": "chief operating officer",
    "cpa": "certified public accountant",
    "crna": "certified registered nurse anesthetist",
    "csr": "customer service representative",
    "ct": "computed tomography",
    "cto": "chief technology officer",
    "dba": "database administrator",
    "dotnet": "net",
    "ecommerce": "e commerce",
    "emt": "emergency medical technician",
    "engr": "engineer",
    "er": "emergency room",
    "fnp": "family nurse practitioner",
    "frontend": "front end",
    "fullstack": "full stack",
    "gm": "general manager",
    "healthcare": "health care",
    "hha": "home health aide",
    "hr": "human resources",
    "hvac": "heating ventilation air conditioning",
    "icu": "intensive care unit",
    "it": "information technology",
    "lcsw": "licensed clinical social worker",
    "lmft": "licensed marriage family therapist",
    "lmhc": "licensed mental health counselor",
    "lpc": "licensed professional counselor",
    "lpn": "licensed practical nurse",
    "lvn": "licensed vocational nurse",
    "mgr": "manager",
    "micu": "medical intensive care unit",
    "ml": "machine learning",
    "mri": "magnetic resonance imaging",
    "nicu": "neonatal intensive care unit",
    "np": "nurse practitioner",
    "pm": "project manager",
    "qa": "quality assurance",
    "qc": "quality control",
    "rbt": "registered behavior technician",
    "rep": "representative",
    "rn": "registered nurse",
    "sdet": "software test engineer",
    "sdr": "sales development representative",
    "slp": "speech language pathologist",
    "sre": "site reliability engineer",
    "stna": "state tested nursing assistant",
    "swe": "software engineer",
    "tech": "technician",
    "ui": "user interface",
    "ux": "user experience",
    "vp": "vice president",
}

_STOPWORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"})

# Words that say how senior the job is, when and where it is worked, or that it is urgent: they tell nothing about
# the occupation, so they only break ties between titles that match equally well (stemmed forms).
_NOTE_WORDS = frozenset(
    {
        # seniority and level
        "senior", "sr", "junior", "jr", "lead", "principal", "staff", "entrylevel", "midlevel", "mid", "experienced",
        "experience", "intern", "internship", "trainee", "apprentice", "founding", "i", "ii", "iii", "iv", "v",
        # schedule, contract and place
        "night", "day", "evening", "weekend", "overnight", "prn", "perdiem", "fulltime", "parttime", "ft", "pt",
        "shift", "hour", "hr", "hourly", "week", "weekly", "travel", "traveling", "contract", "temporary", "temp",
        "seasonal", "summer", "remote", "hybrid", "onsite", "wfh", "signonbonus", "bonus", "location", "various",
        # advertising
        "hiring", "urgent", "urgently", "immediate", "immediately", "needed", "now", "multiple", "opening",
        "position", "role", "opportunity", "job", "join", "our",
    }
)  # fmt: skip


def normalize(text: str) -> str:
    """Lower case, punctuation as spaces: 'Back-End' and 'back end' are the same words."""
    return " ".join(_PUNCTUATION.sub(" ", _POSSESSIVE.sub("", text.lower())).split())


def _stem(word: str) -> str:
    """Plural to singular, crudely but identically on both sides: 'nurses' and 'nurse' are one word."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=50_000)  # the index reads the same few thousand words sixty thousand times
def _token_words(token: str) -> tuple[str, ...]:
    token = _stem(token)
    return tuple(_stem(word) for word in _SPELLED_OUT.get(token, token).split() if word not in _STOPWORDS)


def _units(text: str) -> list[tuple[str, ...]]:
    """The words of `text` as the index keeps them (normalized, abbreviations spelled out, stemmed, no stopwords),
    an abbreviation's words kept together: 'RN Case Manager' is (registered, nurse), (case,), (manager,)."""
    text = _PHRASE.sub(lambda match: _PHRASES[match.group(1)], normalize(text))
    return [words for token in text.split() if (words := _token_words(token))]


def _words(text: str) -> list[str]:
    return [word for unit in _units(text) for word in unit]


def _is_note(word: str) -> bool:
    """A note word, a number ('12hr', '2nd') or a stray letter ('<b>' is 'b')."""
    return word in _NOTE_WORDS or len(word) == 1 or any(character.isdigit() for character in word)


# The order among names holding the same query words, as one number per name (larger first): each criterion
# outweighs all those after it together.
_SPECIFIC = 1_000_000  # not the residual of an "All Other" occupation
_WORD = 1_000  # less for each word of the name the query did not ask for; names of one length form a band
_PAIR = 100  # for each pair of neighbouring query words the name keeps side by side (at most 9)
_COMPLETED = 50  # less when the name holds the last query word only as the start of a longer word
_IN_ROLE_TITLE = 10  # for each query word in the occupation's own title (at most 4, and only for half the query)
_OWN_TITLE = 4  # the role's own title, not another name of it
_CURATED = 2  # an editor's role
# ... and last the occupation's employment, log-scaled into [0, 1).


def _forms(title: str) -> tuple[tuple[str, ...], ...]:
    """The distinct words of each form of a title: without its parentheses, and each parenthesis alone."""
    text = _RESIDUAL.sub("", title)
    forms = [_PARENTHESES.sub(" ", text), *_PARENTHESES.findall(text)] if "(" in text or "[" in text else [text]
    return tuple(words for form in forms if (words := tuple(dict.fromkeys(_words(form)))))


@dataclass
class _Index:
    """Every name of every role as a set of words, with an inverted index from word to names."""

    roles: list[RoleHit]
    weight: list[float]  # per role, in [0, 1): larger occupations rank first among equal matches
    residual: list[bool]  # per role: an "All Other" occupation
    role_words: list[frozenset[str]]  # per role: the words of its own title
    curated: list[bool]
    names: list[tuple[str, ...]] = field(default_factory=list)  # per entry: its distinct words
    display: list[str] = field(default_factory=list)  # per entry: the title as O*NET or the editor wrote it
    role_of: list[int] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)  # word -> entries holding it
    vocabulary: list[str] = field(default_factory=list)  # sorted, for prefixes and spelling
    rank: list[float] = field(default_factory=list)  # per entry: its tie-break order, larger first
    seen: set[tuple[tuple[str, ...], int]] = field(default_factory=set)  # (words, role) added, while building
    forms: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # title -> its forms, while building
    texts: list[str] = field(default_factory=list)  # each distinct name as one string, shortest first
    text_lengths: list[int] = field(default_factory=list)
    text_entries: list[list[int]] = field(default_factory=list)  # the entries of each of those names

    def add(self, title: str, role: int, *, residual: bool) -> None:
        """One title, read as each of its forms: 'Staff RN (Staff Registered Nurse)' is 'Staff RN' and 'Staff
        Registered Nurse'; 'Engineers, All Other' is 'Engineers'. A form the role already has is skipped, so the
        first title to give it (the role's own) is the one shown. `residual` says the title names no occupation
        more precisely than an "All Other" group does."""
        own_title = title == self.roles[role].title
        if title not in self.forms:  # O*NET gives one title to several occupations: 64,000 titles, 46,000 distinct
            self.forms[title] = _forms(title)
        for words in self.forms[title]:
            if (words, role) in self.seen:
                continue
            self.seen.add((words, role))
            entry = len(self.names)
            self.names.append(words)
            self.display.append(title)
            self.role_of.append(role)
            for word in words:
                self.postings.setdefault(word, []).append(entry)
            # The query-independent part of the order (see _SPECIFIC); each query word held adds back a _WORD.
            self.rank.append(
                (not residual) * _SPECIFIC
                - len(words) * _WORD
                + own_title * _OWN_TITLE
                + self.curated[role] * _CURATED
                + self.weight[role]
            )

    def finish(self) -> None:
        self.vocabulary = sorted(self.postings)
        entries_of: dict[str, list[int]] = {}
        for entry, words in enumerate(self.names):
            entries_of.setdefault(" ".join(words), []).append(entry)
        self.texts = sorted(entries_of, key=len)
        self.text_lengths = [len(text) for text in self.texts]
        self.text_entries = [entries_of[text] for text in self.texts]
        self.seen.clear()
        self.forms.clear()

    def spelt_like(self, text: str, limit: int) -> list[int]:
        """The names closest to `text` as whole strings ('sofwaredeveloper'), at least 75% alike. A name can only be
        that alike if its length is between 3/5 and 5/3 of the text's, so only those are compared."""
        low = bisect_left(self.text_lengths, math.ceil(len(text) * 3 / 5))
        high = bisect_right(self.text_lengths, len(text) * 5 // 3)
        found = process.extract(text, self.texts[low:high], scorer=fuzz.ratio, limit=limit, score_cutoff=75)
        return [entry for _, _, position in found for entry in self.text_entries[low + position]]

    def completions(self, prefix: str) -> list[str]:
        """Known words starting with `prefix`, the most common first (at most 200: enough for a prefix being typed)."""
        start = bisect_left(self.vocabulary, prefix)
        end = bisect_left(self.vocabulary, prefix + "\uffff", start)
        found = self.vocabulary[start:end]
        if len(found) > 200:
            found = sorted(found, key=lambda word: -len(self.postings[word]))[:200]
        return found


def _employment() -> dict[str, int]:
    """National employment per detailed occupation in the newest release. An occupation OEWS publishes only within
    a broader group (Home Health Aides inside 31-1120) gets an equal share of that group's figure."""
    newest = WageEstimate.objects.order_by("-release_id").values_list("release_id", flat=True).first() or 0
    national = WageEstimate.objects.filter(release_id=newest, area_id=NATIONAL, employment__isnull=False)
    published = {code: count or 0 for code, count in national.values_list("occupation_id", "employment")}
    detailed = Occupation.objects.filter(level=Occupation.Level.DETAILED)
    children: dict[str, list[str]] = {}
    for code, parent in detailed.filter(parent__level=Occupation.Level.BROAD).values_list("code", "parent_id"):
        children.setdefault(parent, []).append(code)
    employment = {code: published.get(code, 0) for code in detailed.values_list("code", flat=True)}
    for parent, codes in children.items():
        for code in codes:
            employment[code] = employment[code] or published.get(parent, 0) // len(codes)
    return employment


# Titles O*NET gives to several occupations where a posting means one of them: the title is kept only for that one.
# Each is a labelled row of roles/tests/title_corpus.csv that the larger occupation used to win ("Office Manager":
# First-Line Supervisors of Office and Administrative Support Workers, not General and Operations Managers).
SHARED_TITLES = {
    "office manager": "43-1011",
    "building engineer": "49-9071",
    "data architect": "15-1243",
    "sales associate": "41-2031",
    "purchasing coordinator": "13-1023",
    "maintenance mechanic": "49-9041",
    "tax associate": "13-2011",
}


@versions.memoized("role search index", maxsize=1)
def _get_index() -> _Index:
    """Every role's title and its occupation's O*NET titles; rebuilt when the data or the roles change (role edits
    bump the data version). A title O*NET gives to several occupations ('Truck Driver') is kept for each of them,
    and the ranking picks among them."""
    employment = _employment()
    rows = list(
        Role.objects.order_by("-is_curated", "title").values_list(
            "slug", "title", "occupation_id", "category__name", "is_curated"
        )
    )
    index = _Index(
        roles=[RoleHit(slug, title, soc, category, "") for slug, title, soc, category, _ in rows],
        weight=[math.log10(employment.get(soc, 0) + 1) / 10 for _, _, soc, _, _ in rows],
        residual=[title.endswith("All Other") for _, title, _, _, _ in rows],
        role_words=[frozenset(_words(_RESIDUAL.sub("", title))) for _, title, _, _, _ in rows],
        curated=[curated for *_, curated in rows],
    )
    default_role: dict[str, int] = {}
    for position, hit in enumerate(index.roles):
        index.add(hit.title, position, residual=index.residual[position])
        if not index.curated[position]:
            default_role.setdefault(hit.soc_code, position)
    for model in (AlternateTitle, ReportedTitle):
        for title, soc, onet in model.objects.values_list("title", "onet__occupation_id", "onet_id"):
            if soc in default_role and SHARED_TITLES.get(title.lower(), soc) == soc:
                # O*NET describes some occupations of an "All Other" group on their own (29-1129.02 Music
                # Therapists): their titles are as specific as any; the group's own (.00) titles are not.
                role = default_role[soc]
                index.add(title, role, residual=index.residual[role] and onet.endswith(".00"))
    index.finish()
    return index


# How much a query word weighs. Each kind outweighs any number of the kinds below it (a query has at most
# MAX_WORDS words), so sums of whole numbers rank names exactly.
TITLE_WEIGHT = 10_000  # a word of the part of the title that names the job
QUALIFIER_WEIGHT = 100  # a word after a dash, comma, bar or colon: 'LPN - Long Term Care' is an LPN
NOTE_WEIGHT = 1  # seniority, schedule, parentheses, 'with Kafka'
CORRECTED = 0.9  # a word read through a spelling correction counts a little less than one typed right
MAX_WORDS = 40
_COUNT = 1024  # scores pack (weight held) * _COUNT + (words held); a query holds far fewer words than this


@dataclass(frozen=True)
class _QueryWord:
    """A word of the query, or the words an abbreviation stands for, which count only together ('BI' is business
    intelligence, not business)."""

    words: tuple[str, ...]
    weight: int
    completions: tuple[str, ...] = ()  # for the last word, which may still be being typed


@dataclass(frozen=True)
class _Query:
    words: list[_QueryWord]
    pairs: frozenset[tuple[str, str]]  # neighbouring title words: "product manager" in "Business Product Manager"
    title_words: frozenset[str]  # the title's words that name the job (no notes)


def _query(text: str, index: _Index, *, typing: bool) -> _Query:
    """The words to look for, each with its weight: the words naming the job (the title up to its first dash,
    comma, bar or colon) in full, the words qualifying it after that much less, and notes (seniority, schedule,
    parentheses, 'with Kafka') almost nothing; a misspelt word is read as the closest known word. When the query is
    nothing but notes ('Lead'), its notes are what is looked for. While `typing`, the last word may be the start of
    a longer one ('soft')."""
    title, notes = _title_and_notes(text.lower())
    weights, title_units = _weighted_units(title, notes)
    typed = normalize(text.lower()).split()
    last = title_units[-1] if typing and title_units and typed and title_units[-1] == (_stem(typed[-1]),) else None
    words = [
        found
        for unit, weight in weights.items()
        if (found := _query_word(unit, weight, index, being_typed=unit == last)) is not None
    ]
    in_title = [word for unit in title_units for word in unit]
    named = frozenset(word for word in in_title if not _is_note(word))
    return _Query(words, frozenset(pairwise(in_title)), named)


def _title_and_notes(text: str) -> tuple[str, str]:
    """The title (without the employer's name after it) and the notes: parentheses and the context after the job
    ('with Kafka')."""
    notes = " ".join(_PARENTHESES.findall(text))
    title = _EMPLOYER.split(_PARENTHESES.sub(" ", text), maxsplit=1)[0]
    context = _CONTEXT.search(title)
    if context:
        title, notes = title[: context.start()], f"{notes} {title[context.end() :]}"
    return title, notes


def _weighted_units(title: str, notes: str) -> tuple[dict[tuple[str, ...], int], list[tuple[str, ...]]]:
    """Each word (or abbreviation's words) of the query with its weight, at most MAX_WORDS; and the title's words."""
    weights: dict[tuple[str, ...], int] = {}
    title_units: list[tuple[str, ...]] = []
    segment_weight = TITLE_WEIGHT
    for segment in _SEGMENT.split(title):
        units = _units(segment)
        for unit in units:
            weights.setdefault(unit, NOTE_WEIGHT if all(_is_note(word) for word in unit) else segment_weight)
        title_units += units
        if TITLE_WEIGHT in weights.values():
            segment_weight = QUALIFIER_WEIGHT  # the job is named: what follows qualifies it
    for unit in _units(notes):
        weights.setdefault(unit, NOTE_WEIGHT)
    weights = dict(list(weights.items())[:MAX_WORDS])
    if TITLE_WEIGHT not in weights.values():
        weights = dict.fromkeys(weights, TITLE_WEIGHT)
    # An abbreviation next to the words it stands for ('Registered Nurse RN') adds nothing.
    single = {unit[0] for unit in weights if len(unit) == 1}
    weights = {unit: weight for unit, weight in weights.items() if len(unit) == 1 or not single.issuperset(unit)}
    return weights, title_units


def _query_word(unit: tuple[str, ...], weight: int, index: _Index, *, being_typed: bool) -> _QueryWord | None:
    """The word as looked for: as typed when the index knows it (or it is short, a note, or being typed), else the
    closest known word at a slightly lower weight; None when no known word is close."""
    completions = tuple(index.completions(unit[0])) if being_typed and len(unit[0]) >= 2 else ()
    if len(unit) > 1 or unit[0] in index.postings or completions or len(unit[0]) < 4 or weight == NOTE_WEIGHT:
        return _QueryWord(unit, weight, completions)
    closest = process.extractOne(unit[0], index.vocabulary, scorer=fuzz.ratio, score_cutoff=80)
    return _QueryWord((closest[0],), int(weight * CORRECTED)) if closest else None


def _best_entries(query: _Query, index: _Index, limit: int) -> list[int]:
    """The best-matching name of each of the `limit` best roles, best first.

    Names are ranked by the weight of the query words they hold, then as _SPECIFIC and the following say."""
    scores: dict[int, int] = {}
    completed: set[int] = set()  # names holding the last word only as the start of a longer word
    for query_word in query.words:
        packed = query_word.weight * _COUNT + len(query_word.words)
        first, *others = (index.postings.get(word, []) for word in query_word.words)
        holding: Iterable[int] = set(first).intersection(*others) if others else first
        if query_word.completions:
            by_prefix = {entry for word in query_word.completions for entry in index.postings[word]}
            completed |= by_prefix.difference(holding)
            holding = by_prefix
        for entry in holding:
            scores[entry] = scores.get(entry, 0) + packed
    best: dict[int, int] = {}
    for score in sorted(set(scores.values()), reverse=True):  # one tier per score: the same words held
        if score // _COUNT < QUALIFIER_WEIGHT * CORRECTED:
            break  # names holding notes only ('Senior' of 'Senior Qqqq') are no match
        tier = [entry for entry, held in scores.items() if held == score]
        for entry in _in_order(tier, query, completed, index):
            if index.role_of[entry] not in best:
                best[index.role_of[entry]] = entry
                if len(best) == limit:
                    return list(best.values())
    return list(best.values())


def _in_order(tier: list[int], query: _Query, completed: set[int], index: _Index) -> Iterable[int]:
    """The names of one tier (all holding the same query words), best first, worked out only as far as it is read.

    The index's rank sorts the tier by specificity and length (see _SPECIFIC); the query-dependent criteria only
    reorder names of one band, so each band is finished when it is reached: names keeping query words side by
    side ('Product Manager' in 'Business Product Manager'), whole words before prefixes, and, when O*NET gives one
    title to several occupations, the occupation whose own title holds the query's words ('Financial Advisor' is
    a Personal Financial Advisor before a Securities Sales Agent)."""
    rank, pairs, named = index.rank, query.pairs, query.title_words
    tier.sort(key=rank.__getitem__, reverse=True)

    def order(entry: int) -> float:
        words = index.names[entry]
        kept = sum(1 for pair in pairwise(words) if pair in pairs) if pairs else 0
        in_role_title = len(named & index.role_words[index.role_of[entry]])
        if in_role_title * 2 < len(named):
            in_role_title = 0  # one word in three, like "engineer", says little about which engineers
        return (
            rank[entry]
            + min(kept, 9) * _PAIR
            - (entry in completed) * _COMPLETED
            + min(in_role_title, 4) * _IN_ROLE_TITLE
        )

    for _, band in groupby(tier, key=lambda entry: rank[entry] // _WORD):
        yield from sorted(band, key=order, reverse=True)


def _search(query: str, limit: int, *, typing: bool) -> list[RoleHit]:
    text = normalize(query[:200])[:100]
    if len(text) < 2:
        return []
    index = _get_index()
    entries = _best_entries(_query(query[:200], index, typing=typing), index, limit)
    if not entries:  # no word in common: the closest whole names
        best: dict[int, int] = {}
        for entry in index.spelt_like(text, limit):
            best.setdefault(index.role_of[entry], entry)
        entries = list(best.values())[:limit]
    hits = []
    for entry in entries:
        hit = index.roles[index.role_of[entry]]
        matched = index.display[entry]
        hits.append(RoleHit(hit.slug, hit.title, hit.soc_code, hit.category, "" if matched == hit.title else matched))
    return hits


def search_roles(query: str, limit: int = 10) -> list[RoleHit]:
    """Roles best matching `query` as someone types it: the titles holding most of its words first (its last
    word may be unfinished), then close spellings of whole names when no word matches."""
    return _search(query, limit, typing=True)


def suggested_role(title: str) -> Role | None:
    """The Role that `suggest_role` picks for a job title, or None (a copy: callers may change theirs)."""
    hit = suggest_role(title)
    role = _role_by_slug(hit.slug) if hit else None
    return copy.copy(role) if role else None


@versions.memoized("roles by slug", maxsize=2_000)
def _role_by_slug(slug: str) -> Role | None:
    # A board of 5,000 postings asks for a few hundred roles: one query each, not one per posting.
    return Role.objects.filter(slug=slug).first()


def role_named(text: str) -> Role | None:
    """A role named by its slug or its title (any case), else the closest match by the site's role search."""
    text = text.strip()
    found = Role.objects.filter(slug=text).first() or Role.objects.filter(title__iexact=text).first()
    return found or suggested_role(text)


@versions.memoized("role suggestions", maxsize=20_000)
def suggest_role(title: str) -> RoleHit | None:
    """The role a job title most likely means: the best search hit for the title, read as complete (its last word
    is not the start of another: 'Head of Sales' is not a salesman)."""
    hits = _search(title, 1, typing=False)
    return hits[0] if hits else None
