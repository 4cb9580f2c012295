"""The /ui pages over HTTP on both databases: content from the seeds, escaping, 404s."""

from __future__ import annotations

import html
import re

import pytest
from markupsafe import escape

from tests import builders

pytestmark = pytest.mark.anyio

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _text_of(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


async def test_claims_list_shows_each_claim_with_its_conflict_count(app_client, seeded):
    page = await app_client.get("/ui/claims")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    claims = (await app_client.get("/claims", params={"limit": 25})).json()["items"]
    conflicts = (await app_client.get("/conflicts", params={"limit": 500})).json()["items"]
    rows = re.findall(r'<tr class="claim-row" data-slug="([^"]+)">(.*?)</tr>', page.text, re.S)
    assert [slug for slug, _ in rows] == [c["slug"] for c in claims]
    for slug, row in rows:
        count = sum(c["claim"]["slug"] == slug for c in conflicts)
        badge = re.search(r'class="badge conflict"[^>]*>(\d+) conflict', row)
        assert (int(badge.group(1)) if badge else 0) == count, slug
    assert sum(1 for _, row in rows if "badge conflict" in row) >= 1
    assert '<link rel="alternate" type="application/json" href="/claims?limit=25">' in page.text


async def test_claims_list_filters_by_search_and_tag_and_pages(client, seeded):
    async def slugs(**params):
        text = (await client.get("/ui/claims", params=params)).text
        return re.findall(r'<tr class="claim-row" data-slug="([^"]+)">', text)

    async def api_slugs(**params):
        items = (await client.get("/claims", params=params)).json()["items"]
        return [c["slug"] for c in items]

    assert "nk-sappers-sent-to-kursk" in await slugs(q="sappers")
    assert await slugs(q="sappers") == await api_slugs(q="sappers")
    assert await slugs(tag="casualties") == ["nk-soldiers-killed"]
    assert await slugs(q="nothing like this") == []
    for i in range(5):  # 22 seeded claims + 5: more than one page of 25
        await builders.claim(client, slug=f"extra-{i}", tags=["extra"])
    first = await client.get("/ui/claims")
    next_url = re.search(r'<a rel="next" href="([^"]+)">', first.text)
    assert next_url is not None
    second = await client.get(html.unescape(next_url.group(1)))
    one = re.findall(r'data-slug="([^"]+)"', first.text)
    two = re.findall(r'data-slug="([^"]+)"', second.text)
    assert len(one) == 25
    assert not set(one) & set(two)
    assert len(one) + len(two) == 27
    assert 'rel="next"' not in second.text


async def test_claim_page_draws_one_bar_per_dated_figure(app_client, seeded):
    slug = "nk-sappers-sent-to-kursk"
    page = await app_client.get(f"/ui/claims/{slug}")
    assert page.status_code == 200
    assessment = (await app_client.get(f"/claims/{slug}/assessment")).json()
    bars = re.findall(r'<rect class="bar[^"]*" data-assertion="(\d+)"', page.text)
    figures = [e["assertion"] for e in assessment["timeline"] if e["low"] is not None]
    assert sorted(map(int, bars)) == sorted(figures)
    assert 'role="img"' in page.text
    assert '<title id="chart-title">' in page.text
    assert 'class="consensus"' in page.text  # the shaded band
    assert f'href="/claims/{slug}/assessment"' in page.text  # the JSON twin
    claim = (await app_client.get(f"/claims/{slug}")).json()
    for a in claim["assertions"]:
        assert f'id="a-{a["id"]}"' in page.text
        assert f"<mark>{escape(a['quote']['exact'])}</mark>" in page.text


async def test_conflicts_page_shows_both_sides(app_client, seeded):
    page = await app_client.get("/ui/conflicts")
    assert page.status_code == 200
    conflicts = (await app_client.get("/conflicts")).json()["items"]
    assert page.text.count('<li class="conflict-entry">') == len(conflicts) > 0
    for c in conflicts:
        assert escape(c["reason"]) in page.text
        for side in (c["a"], c["b"]):
            assert f"/ui/claims/{c['claim']['slug']}#a-{side['assertion']}" in page.text
    severe = await app_client.get("/ui/conflicts", params={"min_severity": 1})
    assert '<li class="conflict-entry">' not in severe.text


async def test_document_page_keeps_the_text_and_marks_every_quote(app_client, seeded):
    page = await app_client.get("/ui/documents/seed-000")
    assert page.status_code == 200
    document = (await app_client.get("/documents/seed-000")).json()
    body = re.search(r'<div class="document-text">(.*?)</div>', page.text, re.S)
    assert body is not None
    shown = re.sub(r'<span class="reason-tag"[^>]*>[^<]*</span>', "", body.group(1))
    text = document["plain_text"] or document["raw_text"]
    assert _text_of(shown) == text  # nothing lost, nothing added
    marked = re.findall(r'<mark data-assertions="[^"]*"><a href="#a-\d+">(.*?)</a></mark>', shown)
    for a in document["assertions"]:
        assert escape(a["quote"]["exact"]) in "".join(marked)
    for span in document["excluded_spans"]:
        assert f'data-reason="{span["reason"]}"' in shown


async def test_hostile_text_is_escaped(client):
    claim = await builders.claim(client, slug="hostile", title=HOSTILE, description=HOSTILE)
    doc = await builders.document(client, title=HOSTILE, raw_text=f"{HOSTILE} said 1,000 sappers")
    await builders.assertion(client, claim=claim["slug"], document=doc["key"])
    for url in ("/ui/claims", "/ui/claims/hostile", f"/ui/documents/{doc['key']}"):
        page = await client.get(url)
        assert page.status_code == 200, url
        assert "<script>" not in page.text, url
        assert "<img src=x" not in page.text, url
        assert escape(HOSTILE) in page.text, url


async def test_missing_rows_get_an_html_404(client):
    for url in ("/ui/claims/no-such-claim", "/ui/documents/no-such-doc", "/ui/nowhere/at/all"):
        page = await client.get(url)
        assert page.status_code == 404, url
        assert page.headers["content-type"].startswith("text/html"), url
        assert "404" in page.text
    claim = await builders.claim(client, slug="gone-claim")
    await client.delete(f"/claims/{claim['slug']}")
    gone = await client.get("/ui/claims/gone-claim")
    assert gone.status_code == 410
    assert gone.headers["content-type"].startswith("text/html")
    bad = await client.get("/ui/claims", params={"cursor": "not-a-cursor"})
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("text/html")


async def test_home_and_stylesheet(app_client):
    home = await app_client.get("/ui", follow_redirects=False)
    assert home.status_code == 307
    assert home.headers["location"] == "/ui/claims"
    css = await app_client.get("/ui/static/ui.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "mark" in css.text
