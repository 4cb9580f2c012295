"""A claim whose values disagree in more pairs than the assessment lists: the most severe
conflicts, and a total that says it counts candidates."""

from __future__ import annotations

import pytest

from app.domain import assessment
from app.services import assessment_store
from tests import builders
from tests.api.test_assessment import _assert, _assess, exact

pytestmark = pytest.mark.anyio


async def test_many_disagreeing_values_keep_the_most_severe_conflicts(client, monkeypatch):
    claim = (await builders.claim(client))["slug"]
    for x in (1000, 2000, 3000, 4000, 50_000):
        await _assert(client, claim, exact(x))
    every = await _assess(client, claim)
    assert every["conflicts_complete"] is True
    assert every["conflicts_total"] == 10  # five distinct exact values: every pair

    monkeypatch.setattr(assessment, "EXACT_PAIRS", 5)
    monkeypatch.setattr(assessment, "KEPT_CONFLICTS", 3)
    # Other rules, as a release that changes them: the stored assessment is not served.
    monkeypatch.setattr(assessment_store, "RULES", "bounded")
    bounded = await _assess(client, claim)
    assert bounded["conflicts_complete"] is False
    assert bounded["conflicts_total"] == 10
    assert len(bounded["conflicts"]) == 3
    # The kept ones are the three most severe of all, in the same order.
    assert [c["severity"] for c in bounded["conflicts"]] == [
        c["severity"] for c in every["conflicts"][:3]
    ]
    assert {c["b"]["value"] for c in bounded["conflicts"]} == {"50,000"}
    # The consensus and the groups do not depend on the bound.
    assert bounded["consensus"] == every["consensus"]
    assert bounded["agreement_groups"] == every["agreement_groups"]
