"""The link-preview image (issue 19 item 7): a 1200x630 PNG drawn from the role page's own card, cached per data
version with an ETag, and named by the page's og:image."""

import html
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import urlencode
from PIL import Image, ImageDraw

from roles.card import role_by_slug, role_card
from roles.preview import HEIGHT, WIDTH, fit, font, preview_text, render_png
from sources import versions
from wages.models import WageEstimate

pytestmark = pytest.mark.django_db
ROLE = "registered-nurses"
PREVIEW = f"/roles/{ROLE}/preview.png"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def decoded(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def test_the_image_is_a_1200_by_630_png_of_the_cards_figures(client):
    response = client.get(PREVIEW, {"location": "Bozeman, MT"})
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = decoded(response.content)
    assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT))
    card = role_card(role_by_slug(ROLE), "Bozeman, MT")
    # the picture is exactly the drawing of the card's preview text: no other figures can be on it
    assert response.content == render_png(preview_text(card))


def test_the_text_is_the_pages_low_medium_high_and_release(client):
    card = role_card(role_by_slug(ROLE), "Bozeman, MT")
    text = preview_text(card)
    estimate = WageEstimate.objects.get(
        release=card.release, occupation_id=card.local.estimate.occupation_id, area_id=card.local.estimate.area_id
    )
    assert [f.text for f in text.figures] == [
        estimate.figure(name, card.release).text for name in ("annual_p25", "annual_median", "annual_p75")
    ]
    assert text.place == "Bozeman, MT" and text.title == "Registered Nurses"
    assert text.source == f"BLS OEWS {card.release.name}" and card.local.area_name in text.basis
    page = html.unescape(client.get(f"/roles/{ROLE}/", {"location": "Bozeman, MT"}).content.decode())
    lmh = re.search(r'<dl class="lmh">(.*?)</dl>', page[page.index("local-heading") :], re.S).group(1)
    assert re.findall(r"<dd>(\$[\d,.]+)", lmh) == [f.text for f in text.figures]


def test_without_a_place_the_national_figures(client):
    card = role_card(role_by_slug(ROLE))
    text = preview_text(card)
    assert text.place == "United States" and "the United States" in text.basis
    national = card.national
    assert [f.text for f in text.figures] == [national.low.text, national.medium.text, national.high.text]
    assert client.get(PREVIEW).content == render_png(text)


def test_the_page_names_the_image_with_its_size_and_alt_text(client):
    page = client.get(f"/roles/{ROLE}/", {"location": "Bozeman, MT"}).content.decode()
    meta = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', page))
    image = f"http://testserver{PREVIEW}?{urlencode({'location': 'Bozeman, MT'})}"
    assert html.unescape(meta["og:image"]) == html.unescape(meta["twitter:image"]) == image
    assert (meta["og:image:width"], meta["og:image:height"]) == (str(WIDTH), str(HEIGHT))
    assert meta["twitter:card"] == "summary_large_image"
    alt = html.unescape(meta["og:image:alt"])
    text = preview_text(role_card(role_by_slug(ROLE), "Bozeman, MT"))
    assert alt == text.alt and all(f.text in alt for f in text.figures) and text.source in alt
    # the address on the page answers with the image
    assert client.get(html.unescape(meta["og:image"])).status_code == 200


def test_cached_per_data_version_with_an_etag(client, django_assert_max_num_queries):
    first = client.get(PREVIEW, {"location": "Bozeman, MT"})
    etag = first["ETag"]
    assert etag and "public" in first["Cache-Control"] and "max-age=3600" in first["Cache-Control"]
    # the second answer is the cached PNG: no query but, past a second, the data version's (drawing it takes 4)
    with django_assert_max_num_queries(1):
        again = client.get(PREVIEW, {"location": "Bozeman, MT"})
    assert again.content == first.content and again["ETag"] == etag
    assert client.get(PREVIEW, {"location": "Bozeman, MT"}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    keys = [key for key in cache._cache if "role_preview" in key] if hasattr(cache, "_cache") else []
    if keys:  # the local-memory cache (SQLite runs): the entry is keyed by the data version
        assert all(f":{versions.cache_version()}:" in key for key in keys)
    versions.bump("data")  # new data: a new entry, drawn again (the same figures here, so the same ETag)
    with CaptureQueriesContext(connection) as queries:
        redrawn = client.get(PREVIEW, {"location": "Bozeman, MT"}, HTTP_IF_NONE_MATCH=etag)
    assert redrawn.status_code == 304 and len(queries) > 0


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/roles/no-such-role/preview.png", {}, 404),
        (PREVIEW, {"location": "Xyzzyville, ZZ"}, 404),
        (PREVIEW, {"location": "Springfield"}, 300),
        (PREVIEW, {"release": "1999"}, 404),
    ],
)
def test_what_does_not_resolve_is_no_picture(client, path, params, status):
    response = client.get(path, params)
    assert response.status_code == status and response["Content-Type"] != "image/png"


def test_a_long_title_is_wrapped_and_cut_with_an_ellipsis():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    face = font(56, bold=True)
    title = "First-Line Supervisors of Non-Retail Sales Workers and of Many Other Things Besides " * 2
    lines = fit(draw, title, face, 1072, 2)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(draw.textlength(line, font=face) <= 1072 for line in lines)
    assert fit(draw, "Registered Nurses", face, 1072, 2) == ["Registered Nurses"]
