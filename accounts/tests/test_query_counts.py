"""Account pages against their recorded query counts (accounts/tests/query_counts.json)."""

import pytest

from accounts.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["candidate", "member", "editor"])
def test_query_count_of_account_pages(query_baseline, personas, who):
    client = signed_in(getattr(personas, who))
    query_baseline("accounts", f"home-{who}", client, "/accounts/")
    query_baseline("accounts", f"keys-{who}", client, "/accounts/keys/")
