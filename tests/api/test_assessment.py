"""Assessments over HTTP: consensus, independence, conflicts and records."""

from __future__ import annotations

import pytest

from tests import builders

pytestmark = pytest.mark.anyio

TEXT = "Officials said 1,000 troops, 5,000 troops, 13,000 troops and thousands of troops."


def exact(x: float, text: str | None = None) -> dict:
    return {"text": text or f"{x:,.0f}", "qualifier": "exact", "low": x, "high": x}


async def _assess(client, claim: str, **params) -> dict:
    response = await client.get(f"/claims/{claim}/assessment", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _assert(client, claim, value, *, outlet=None, source=None, as_of=None, **more):
    document = await builders.document(
        client, raw_text=builders.own_article(TEXT), **({"outlet": outlet} if outlet else {})
    )
    body = {
        "claim": claim,
        "document": document["key"],
        "value": value,
        "quote": None,
        "attribution": {"source": source},
    }
    if as_of:
        body["as_of"] = {"start": as_of[0], "end": as_of[1]}
    return await builders.assertion(client, **(body | more))


# --- the seed data set ------------------------------------------------------------------


async def test_seed_sappers_agree_across_three_outlets_with_fewer_sources(client, seeded):
    result = await _assess(client, "nk-sappers-sent-to-kursk")
    consensus = result["consensus"]
    assert (consensus["low"], consensus["high"], consensus["best"]) == (1000, 1000, 1000)
    assert len(consensus["supporting"]) == 3
    assert consensus["outlets"] == 3
    assert consensus["independent_sources"] == 2
    assert consensus["independent_sources"] < consensus["outlets"]
    assert "Sergei Shoigu" in consensus["explanation"]
    assert result["conflicts"] == []


@pytest.mark.parametrize("claim", ["kursk-hectares-demined", "kursk-explosive-devices-destroyed"])
async def test_seed_demining_totals_stand_alone(client, seeded, claim):
    result = await _assess(client, claim)
    assert len(result["consensus"]["supporting"]) == 1
    assert result["consensus"]["independent_sources"] == 1
    assert result["conflicts"] == []
    assert result["timeline"][0]["as_of_end"] == "2025-12-10"


async def test_seed_hectares_read_as_an_interval_around_the_figure(client, seeded):
    consensus = (await _assess(client, "kursk-hectares-demined"))["consensus"]
    assert consensus["low"] == pytest.approx(38160)
    assert consensus["high"] == pytest.approx(46640)
    assert consensus["best"] == pytest.approx(42400)


async def test_seed_thousands_against_around_14000_is_a_vague_wording_conflict(client, seeded):
    result = await _assess(client, "nk-troops-deployed-to-russia")
    assert result["conflicts_total"] == 1
    conflict = result["conflicts"][0]
    assert "vague wording" in conflict["reason"]
    assert "'thousands of troops'" in conflict["reason"]
    assert "14,000" in conflict["reason"]
    assert 0 < conflict["severity"] < 1
    assert {conflict["a"]["outlet"]["slug"], conflict["b"]["outlet"]["slug"]} == {
        "world-news-tech",
        "middle-east-bulletin",
    }


async def test_seed_undisclosed_casualties_are_listed_not_compared(client, seeded):
    result = await _assess(client, "nk-soldiers-killed")
    assert len(result["undisclosed"]) == 1
    assert result["conflicts"] == []
    undisclosed = next(t for t in result["timeline"] if t["assertion"] in result["undisclosed"])
    assert undisclosed["in_consensus"] is None
    assert result["consensus"]["supporting"] != result["undisclosed"]


async def test_seed_memorials_in_sudzha_and_pyongyang_are_not_a_conflict(client, seeded):
    all_conflicts = (await client.get("/conflicts")).json()["items"]
    slugs = {c["claim"]["slug"] for c in all_conflicts}
    assert not {"russia-monument-nk-soldiers-kursk-location", "nk-memorial-museum-location"} & slugs
    pyongyang = await _assess(client, "nk-memorial-museum-location")
    assert pyongyang["consensus"]["text"] == "pyongyang"
    assert len(pyongyang["consensus"]["supporting"]) == 2  # "in the capital" means Pyongyang


async def test_seed_conflicts_endpoint_lists_only_the_troop_figures(client, seeded):
    page = (await client.get("/conflicts")).json()
    assert [c["claim"]["slug"] for c in page["items"]] == ["nk-troops-deployed-to-russia"]


async def test_seed_outlet_record(client, seeded):
    record = (await client.get("/outlets/world-news-tech/record")).json()
    sappers = next(c for c in record["claims"] if c["claim"]["slug"] == "nk-sappers-sent-to-kursk")
    assert sappers["agreements"] == 2
    assert sappers["conflicts"] == 0
    troops = next(
        c for c in record["claims"] if c["claim"]["slug"] == "nk-troops-deployed-to-russia"
    )
    assert troops["conflicts"] == 1
    assert record["conflicts"] == 1
    assert 0 < record["agreement_rate"] < 1


# --- synthetic fixtures, one per rule ---------------------------------------------------


async def test_cumulative_total_that_shrinks_is_a_conflict(client):
    claim = (await builders.claim(client, behavior="cumulative", unit="hectares"))["slug"]
    early = await _assert(client, claim, exact(5000), as_of=("2025-03-01", "2025-03-31"))
    late = await _assert(client, claim, exact(3000), as_of=("2025-06-01", "2025-06-30"))
    result = await _assess(client, claim)
    assert result["conflicts_total"] == 1
    conflict = result["conflicts"][0]
    assert conflict["rule"] == "shrinking_total"
    assert "cannot shrink" in conflict["reason"]
    assert {conflict["a"]["assertion"], conflict["b"]["assertion"]} == {early["id"], late["id"]}


async def test_cumulative_total_that_grows_is_a_change_not_a_conflict(client):
    claim = (await builders.claim(client, behavior="cumulative"))["slug"]
    await _assert(client, claim, exact(3000), as_of=("2025-03-01", "2025-03-31"))
    await _assert(client, claim, exact(5000), as_of=("2025-06-01", "2025-06-30"))
    result = await _assess(client, claim)
    assert result["conflicts"] == []
    assert [w["best"] for w in result["windows"]] == [3000, 5000]
    assert result["consensus"]["best"] == 5000  # the latest window


async def test_snapshot_values_at_different_times_are_not_compared(client):
    claim = (await builders.claim(client, behavior="snapshot"))["slug"]
    await _assert(client, claim, exact(1000), as_of=("2024-11-01", "2024-11-30"))
    await _assert(client, claim, exact(13000), as_of=("2025-03-01", "2025-03-31"))
    result = await _assess(client, claim)
    assert result["conflicts"] == []
    assert len(result["windows"]) == 2


async def test_snapshot_values_at_the_same_time_conflict(client):
    claim = (await builders.claim(client, behavior="snapshot"))["slug"]
    await _assert(client, claim, exact(1000), as_of=("2025-03-01", "2025-03-31"))
    await _assert(client, claim, exact(13000), as_of=("2025-03-15", "2025-03-15"))
    result = await _assess(client, claim)
    assert result["conflicts_total"] == 1
    assert result["conflicts"][0]["rule"] == "disjoint_values"


async def test_range_agrees_with_an_exact_figure_inside_it_and_not_outside(client):
    claim = (await builders.claim(client))["slug"]
    ranged = {
        "text": "between 10,000 and 12,000",
        "qualifier": "range",
        "low": 10000,
        "high": 12000,
    }
    between = await _assert(client, claim, ranged)
    inside = await _assert(client, claim, exact(11000))
    outside = await _assert(client, claim, exact(13000))
    result = await _assess(client, claim)
    pairs = {frozenset((c["a"]["assertion"], c["b"]["assertion"])) for c in result["conflicts"]}
    assert pairs == {
        frozenset((between["id"], outside["id"])),
        frozenset((inside["id"], outside["id"])),
    }
    assert sorted(result["consensus"]["supporting"]) == sorted([between["id"], inside["id"]])
    assert result["consensus"]["low"] == result["consensus"]["high"] == 11000


async def test_open_bound_is_respected(client):
    claim = (await builders.claim(client))["slug"]
    over = {"text": "over 1,000", "qualifier": "more_than", "low": 1000, "low_inclusive": False}
    await _assert(client, claim, over)
    await _assert(client, claim, exact(1000))
    result = await _assess(client, claim)
    assert result["conflicts_total"] == 1  # "over 1,000" excludes exactly 1,000


async def test_denial_conflicts_with_a_positive_figure(client):
    claim = (await builders.claim(client))["slug"]
    figure = await _assert(client, claim, exact(1000))
    denial = await _assert(client, claim, {"text": "no troops were sent"}, stance="denies")
    result = await _assess(client, claim)
    assert result["denials"] == [denial["id"]]
    assert result["conflicts"][0]["rule"] == "denial"
    assert result["conflicts"][0]["severity"] == 1
    assert {result["conflicts"][0]["a"]["assertion"], result["conflicts"][0]["b"]["assertion"]} == {
        figure["id"],
        denial["id"],
    }


async def test_echoes_of_one_source_do_not_outvote_independent_ones(client):
    claim = (await builders.claim(client))["slug"]
    tass = (await builders.source(client, kind="agency", name="TASS"))["slug"]
    echoes = [await _assert(client, claim, exact(5000), source=tass) for _ in range(3)]
    independent = [await _assert(client, claim, exact(1000)) for _ in range(2)]
    consensus = (await _assess(client, claim))["consensus"]
    assert consensus["best"] == 1000
    assert sorted(consensus["supporting"]) == sorted(a["id"] for a in independent)
    assert sorted(consensus["dissenting"]) == sorted(a["id"] for a in echoes)
    assert consensus["independent_sources"] == 2


async def test_syndicated_copies_count_as_one_source(client):
    claim = (await builders.claim(client))["slug"]
    original = await _assert(client, claim, exact(1000))
    copy = await _assert(client, claim, exact(1000))
    response = await client.patch(
        f"/documents/{copy['document']['id']}",
        json={"duplicate_of": original["document"]["key"], "duplicate_similarity": 0.97},
    )
    assert response.status_code == 200, response.text
    consensus = (await _assess(client, claim))["consensus"]
    assert consensus["outlets"] == 2
    assert consensus["independent_sources"] == 1


async def test_assessment_follows_every_write(client):
    claim = (await builders.claim(client))["slug"]
    kept = await _assert(client, claim, exact(1000))
    odd = await _assert(client, claim, exact(5000))
    assert (await _assess(client, claim))["conflicts_total"] == 1

    await client.post(f"/assertions/{odd['id']}/retract", json={"reason": "corrected"})
    result = await _assess(client, claim)
    assert result["conflicts_total"] == 0
    assert result["excluded"] == [odd["id"]]

    other = await _assert(client, claim, exact(1000))
    await client.patch(f"/assertions/{other['id']}", json={"value": exact(7000)})
    assert (await _assess(client, claim))["conflicts_total"] == 1

    await client.delete(f"/documents/{other['document']['id']}")
    result = await _assess(client, claim)
    assert result["conflicts_total"] == 0
    assert [t["assertion"] for t in result["timeline"]] == [kept["id"]]


async def test_conflicts_filters_and_pages(client):
    small = (await builders.claim(client))["slug"]
    big = (await builders.claim(client))["slug"]
    outlet = (await builders.outlet(client))["slug"]
    await _assert(client, small, exact(1000), outlet=outlet)
    await _assert(client, small, exact(1100))
    await _assert(client, big, exact(1000))
    await _assert(client, big, exact(9000))
    await _assert(client, big, exact(20000))

    async def conflicts(**params):
        response = await client.get("/conflicts", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    everything = (await conflicts(limit=500))["items"]
    assert len(everything) == 4
    severities = [c["severity"] for c in everything]
    assert severities == sorted(severities, reverse=True)
    assert all(c["claim"]["slug"] == big for c in (await conflicts(claim=big))["items"])
    assert len((await conflicts(outlet=outlet))["items"]) == 1
    assert all(c["severity"] >= 0.5 for c in (await conflicts(min_severity=0.5))["items"])
    first = await conflicts(limit=3)
    second = (await client.get(first["next"])).json()
    assert [c["reason"] for c in first["items"] + second["items"]] == [
        c["reason"] for c in everything
    ]
