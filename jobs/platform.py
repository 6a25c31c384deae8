"""The job board's counts for the market figures (market.platform): postings open now and candidates open to
work, for one occupation, nationally or in one OEWS area. Registered with `market` when the app starts."""

from jobs.models import Candidate, Posting


def count_open(occupation_code: str, area_code: str | None) -> tuple[int, int]:
    postings = Posting.objects.live().filter(role__occupation_id=occupation_code)
    candidates = Candidate.objects.filter(open_to_work=True, desired_roles__occupation_id=occupation_code)
    if area_code is not None:
        postings = postings.filter(area_id=area_code)
        candidates = candidates.filter(area_id=area_code)
    return postings.count(), candidates.distinct().count()
