"""A realistic synthetic bundle (docs/bundle-format.md) for the benchmarks, from a seed.

    python -m bench.generate --scale 1.0 --seed 7 --out bundle.ndjson

Scale 1.0 is 1,000,000 assertions over 100,000 claims, 50,000 documents, 500 outlets and
2,000 sources; ``--scale 0.01`` is a hundredth of each. The bundle is written as it is
made (memory grows with the claims and documents counted, never with the assertions) and
is the same, byte for byte, for the same scale and seed.

What makes it realistic:

- claim sizes are skewed: five head claims hold ~6.7% of the assertions (20,000 down to
  10,000 at scale 1), the rest follow a log-normal law (most claims a handful);
- fixed, snapshot and cumulative quantity claims, plus date and text claims; snapshot
  and cumulative figures carry as-of windows (a month) and follow a true value that moves
  (snapshot) or only grows (cumulative) over time;
- attribution: a quarter in the outlet's own voice, the rest to one of the claim's few
  sources (echo clusters: many outlets repeating one source), a third of those through a
  chain of intermediaries (source -> lawmaker -> wire);
- every wording (exact, approximately, at least, more than, up to, between, vague) states
  an interval that holds the true value, except ~5% of assertions that are off by a
  factor (conflicts); ~1.5% denials and ~1% undisclosed figures;
- each assertion quotes its sentence, which really stands at the stated code-point
  offsets of its document's raw text (the dateline holds a non-ASCII dash);
- ~5% of documents are syndicated copies of a recent one (a header line, then the same
  text), half of them naming the original in ``duplicate_of``.

Records are written in an order the import accepts: outlets, sources, claims, then each
document followed by its assertions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from array import array
from collections import Counter, deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

FULL = {
    "outlet": 500,
    "source": 2_000,
    "claim": 100_000,
    "document": 50_000,
    "assertion": 1_000_000,
}
# The head claims' sizes at scale 1, as fractions of all assertions (20,000 ... 10,000).
HEAD = (0.020, 0.015, 0.012, 0.010, 0.010)
CONFLICT_RATE = 0.05
COPY_RATE = 0.05
START = datetime(2022, 1, 1, 6, 0)
SPAN_DAYS = 4 * 365

_COUNTRIES = ("RU", "UA", "KR", "KP", "US", "GB", "DE", "FR", "JP", "CN", "PL", "TR")
_OUTLET_KINDS = (
    ("state_media", 15), ("wire", 5), ("aggregator", 20), ("independent", 45),
    ("government", 5), ("other", 10),
)  # fmt: skip
_PLACES = (
    "Kursk", "Belgorod", "Kharkiv", "Donetsk", "Zaporizhzhia", "Kherson", "Bryansk",
    "Sumy", "Luhansk", "Crimea", "Odesa", "Pokrovsk",
)  # fmt: skip
_SUBJECTS = (
    ("troops deployed", "troops", "people"), ("sappers sent", "sappers", "people"),
    ("soldiers killed", "soldiers", "people"), ("civilians evacuated", "civilians", "people"),
    ("hectares demined", "hectares", "hectares"), ("mines cleared", "mines", "devices"),
    ("drones launched", "drones", "devices"), ("shells fired", "shells", "devices"),
    ("prisoners exchanged", "prisoners", "people"), ("homes destroyed", "homes", "buildings"),
)  # fmt: skip
_FIRST = ("Kim", "Park", "Lee", "Ivan", "Olena", "Sergei", "Anna", "John", "Yuki", "Marta")
_LAST = ("Volkov", "Choi", "Smith", "Kovalenko", "Tanaka", "Müller", "Nowak", "Petrov")
_AGENCIES = (
    "Intelligence Service",
    "General Staff",
    "Defence Ministry",
    "News Agency",
    "Border Guard",
    "Emergency Service",
    "Governor's Office",
    "Monitoring Mission",
)
_HEDGES = ("reportedly", "estimates suggest", "it is believed", "allegedly")
_FILLER = (
    "The figures could not be independently verified.",
    "Officials did not respond to a request for comment.",
    "Fighting in the area continued through the week.",
    "Read more: live updates from the front line.",
    "The statement was published on the agency's website.",
    "Analysts cautioned that the numbers may change.",
)
_CITIES = ("Pyongyang", "Moscow", "Seoul", "Kyiv", "Vladivostok", "Rostov-on-Don", "Minsk")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClaimSpec:
    slug: str
    value_type: str  # quantity | date | text
    behavior: str  # fixed | snapshot | cumulative
    noun: str
    place: str
    base: float  # quantities: the true value (at the end of the span for cumulative)
    phase: float
    sources: tuple[int, ...]  # the echo cluster: indices into the sources
    truth_date: date | None
    truth_text: str | None


def scaled(scale: float) -> dict[str, int]:
    """How many records of each type a bundle of ``scale`` holds."""
    minimum = {"outlet": 3, "source": 8, "claim": 5, "document": 3, "assertion": 10}
    return {t: max(minimum[t], round(n * scale)) for t, n in FULL.items()}


def _sig2(x: float, up: bool = False) -> int:
    """``x`` rounded down (or up) to two significant digits."""
    if x < 10:
        return max(1, math.ceil(x) if up else math.floor(x))
    step = 10 ** (int(math.log10(x)) - 1)
    return int((math.ceil(x / step) if up else math.floor(x / step)) * step)


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class Generator:
    def __init__(self, scale: float, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = scaled(scale)
        self.scale = scale
        self.counts: Counter[str] = Counter()
        self.outlets: list[tuple[str, str, str]] = []  # slug, name, domain
        self.sources: list[tuple[str, str]] = []  # slug, name
        self.claims: list[ClaimSpec] = []
        self.intermediaries = max(2, self.n["source"] // 10)

    # ---- the catalogue -------------------------------------------------------------

    def outlet_records(self) -> Any:
        rng = self.rng
        for i in range(self.n["outlet"]):
            slug = f"outlet-{i:04d}"
            name = f"{rng.choice(_PLACES)} {rng.choice(('Times', 'Daily', 'Post', 'Herald', 'Wire', 'Today', 'Vesti', 'Pravda'))} {i}"  # noqa: E501
            domain = f"outlet{i:04d}.example.com"
            self.outlets.append((slug, name, domain))
            yield {
                "type": "outlet", "slug": slug, "name": name, "domain": domain,
                "country": rng.choice(_COUNTRIES), "kind": _weighted(rng, _OUTLET_KINDS),
                "notes": None,
            }  # fmt: skip

    def source_records(self) -> Any:
        rng = self.rng
        for i in range(self.n["source"]):
            slug = f"source-{i:05d}"
            if i < self.intermediaries:  # wires and lawmakers that relay others
                kind = rng.choice(("outlet", "person"))
                name = (
                    f"{rng.choice(_PLACES)} Wire {i}"
                    if kind == "outlet"
                    else f"lawmaker {rng.choice(_FIRST)} {rng.choice(_LAST)} ({i})"
                )
            else:
                kind = rng.choice(("person", "agency", "agency", "body"))
                name = (
                    f"{rng.choice(_FIRST)} {rng.choice(_LAST)} ({i})"
                    if kind == "person"
                    else f"{rng.choice(_COUNTRIES)} {rng.choice(_AGENCIES)} {i}"
                )
            self.sources.append((slug, name))
            yield {
                "type": "source", "slug": slug, "name": name, "kind": kind,
                "affiliation": rng.choice(_COUNTRIES), "notes": None,
            }  # fmt: skip

    def claim_records(self) -> Any:
        rng = self.rng
        primary = range(self.intermediaries, self.n["source"])
        for i in range(self.n["claim"]):
            roll = rng.random()
            place = rng.choice(_PLACES)
            subject, noun, unit = rng.choice(_SUBJECTS)
            truth_date = None
            truth_text = None
            if roll < 0.90:
                value_type = "quantity"
                behavior = rng.choice(("fixed", "fixed", "snapshot", "cumulative", "cumulative"))
                title = f"{subject.capitalize()} in {place} ({i})"
            elif roll < 0.97:
                value_type, behavior, unit, noun = "date", "fixed", "date", "date"
                title = f"Date the {subject} began in {place} ({i})"
                truth_date = date(2022, 1, 1) + timedelta(days=rng.randrange(SPAN_DAYS))
            else:
                value_type, behavior, unit, noun = "text", "fixed", "place", "place"
                title = f"Where the {subject} were decided ({i})"
                truth_text = rng.choice(_CITIES)
            base = float(_sig2(10 ** rng.uniform(1.5, 5.5)) + rng.randrange(1, 9))
            cluster = tuple(rng.sample(primary, k=min(len(primary), rng.randint(1, 4))))
            spec = ClaimSpec(
                slug=f"claim-{i:06d}", value_type=value_type, behavior=behavior, noun=noun,
                place=place, base=base, phase=rng.uniform(0, 6.28), sources=cluster,
                truth_date=truth_date, truth_text=truth_text,
            )  # fmt: skip
            self.claims.append(spec)
            yield {
                "type": "claim", "slug": spec.slug, "title": title, "description": None,
                "unit": unit, "value_type": value_type, "behavior": behavior,
                "tolerance": 0.1, "aliases": [f"{noun} in {place}"],
                "tags": [place.lower(), subject.split()[0]], "notes": None,
            }  # fmt: skip

    # ---- sizes -----------------------------------------------------------------------

    def claim_sizes(self, total: int) -> list[int]:
        """Skewed sizes summing to ``total``: head claims, then a log-normal tail."""
        rng = self.rng
        count = self.n["claim"]
        head = [min(round(f * self.n["assertion"]), total // 10) for f in HEAD][: count // 2]
        rest = count - len(head)
        budget = total - sum(head) - rest  # every claim has at least one
        weights = [rng.lognormvariate(0, 1.3) for _ in range(rest)]
        scale = budget / sum(weights)
        sizes = head + [1 + int(w * scale) for w in weights]
        for _ in range(total - sum(sizes)):
            sizes[len(head) + rng.randrange(rest)] += 1
        return sizes

    def document_plan(self) -> tuple[list[int], list[int]]:
        """Per document: how many assertions, and the original it copies (-1: none)."""
        rng = self.rng
        docs, total = self.n["document"], self.n["assertion"]
        mean = 0.8 * total / docs
        mu = math.log(mean) - 0.32
        copy_of = [-1] * docs
        sizes = [0] * docs
        recent: deque[int] = deque(maxlen=20)
        for d in range(docs):
            if recent and rng.random() < COPY_RATE:
                copy_of[d] = rng.choice(recent)
            else:
                sizes[d] = max(1, int(rng.lognormvariate(mu, 0.8)))
                recent.append(d)
        for d in range(docs):
            if copy_of[d] >= 0:
                sizes[d] = rng.randint(0, sizes[copy_of[d]])
        over = sum(sizes) - total
        order = [d for d in range(docs) if copy_of[d] >= 0] + [
            d for d in range(docs) if copy_of[d] < 0
        ]
        while over > 0:  # tiny scales only: trim copies first, then originals
            for d in order:
                cut = min(over, sizes[d] - (0 if copy_of[d] >= 0 else 1))
                if cut > 0 and (copy_of[d] >= 0 or not any(c == d for c in copy_of)):
                    sizes[d] -= cut
                    over -= cut
                if over == 0:
                    break
            else:
                break
        originals = [d for d in range(docs) if copy_of[d] < 0]
        for _ in range(-over):
            sizes[rng.choice(originals)] += 1
        return sizes, copy_of

    # ---- values and sentences -------------------------------------------------------

    def _truth(self, spec: ClaimSpec, when: date) -> float:
        frac = (when - START.date()).days / SPAN_DAYS
        if spec.behavior == "cumulative":  # only grows
            return spec.base * (0.2 + 0.8 * max(0.0, min(1.0, frac)))
        if spec.behavior == "snapshot":  # moves up and down
            return spec.base * (1 + 0.3 * math.sin(spec.phase + frac * 12))
        return spec.base

    def _quantity(self, spec: ClaimSpec, when: date, conflict: bool) -> dict[str, Any]:
        rng = self.rng
        t = max(1.0, round(self._truth(spec, when)))
        if conflict:
            t = round(t * rng.choice((0.25, 0.3, 3.0, 4.0)))
        t = max(t, 1)
        roll = rng.random()
        noun = spec.noun
        if roll < 0.35:
            n = int(t)
            return {"qualifier": "exact", "low": n, "high": n, "text": f"{n:,} {noun}"}
        if roll < 0.60:
            n = _sig2(t) if t >= 10 else int(t)
            word = rng.choice(("some", "about", "around", "roughly", "nearly"))
            return {"qualifier": "approximately", "low": round(n * 0.9, 6),
                    "high": round(n * 1.1, 6), "text": f"{word} {n:,} {noun}"}  # fmt: skip
        if roll < 0.68:
            n = _sig2(t * 0.9)
            return {"qualifier": "at_least", "low": n, "text": f"at least {n:,} {noun}"}
        if roll < 0.76:
            n = _sig2(t * 0.8)
            return {"qualifier": "more_than", "low": n, "low_inclusive": False,
                    "text": f"more than {n:,} {noun}"}  # fmt: skip
        if roll < 0.80:
            n = _sig2(t * 1.1, up=True)
            return {"qualifier": "at_most", "low": 0, "high": n, "text": f"up to {n:,} {noun}"}
        if roll < 0.92 or not (200 <= t <= 999 or 2_000 <= t <= 9_999 or 20_000 <= t <= 99_999):
            lo, hi = _sig2(t * 0.9), _sig2(t * 1.1, up=True)
            return {"qualifier": "range", "low": lo, "high": hi,
                    "text": f"between {lo:,} and {hi:,} {noun}"}  # fmt: skip
        term, lo, hi = (
            ("hundreds", 200, 999) if t <= 999
            else ("thousands", 2_000, 9_999) if t <= 9_999
            else ("tens of thousands", 20_000, 99_999)
        )  # fmt: skip
        return {"qualifier": "vague", "low": lo, "high": hi, "text": f"{term} of {noun}"}

    def _value(self, spec: ClaimSpec, when: date, conflict: bool) -> dict[str, Any]:
        if spec.value_type == "quantity":
            return self._quantity(spec, when, conflict)
        if spec.value_type == "date":
            assert spec.truth_date is not None
            day = spec.truth_date + timedelta(days=400 if conflict else 0)
            if self.rng.random() < 0.5:
                return {"qualifier": "exact", "low": day.isoformat(), "high": day.isoformat(),
                        "text": f"on {day.day} {_MONTHS[day.month - 1]} {day.year}"}  # fmt: skip
            first = day.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return {"qualifier": "range", "low": first.isoformat(), "high": last.isoformat(),
                    "text": f"in {_MONTHS[day.month - 1]} {day.year}"}  # fmt: skip
        assert spec.truth_text is not None
        city = spec.truth_text
        if conflict:
            city = _CITIES[(_CITIES.index(city) + 1) % len(_CITIES)]
        return {"text": f"in {city}", "normalized": city}

    def assertion_body(self, spec: ClaimSpec, published: date) -> tuple[str, dict[str, Any]]:
        """One assertion (without key, document and quote) and the sentence that says it."""
        rng = self.rng
        as_of = None
        when = published
        if spec.behavior in ("snapshot", "cumulative"):
            when = published - timedelta(days=rng.randrange(0, 60))
            first = when.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            month = f"in {_MONTHS[when.month - 1]} {when.year}"
            as_of = {"start": first.isoformat(), "end": last.isoformat(),
                     "precision": "month", "text": month}  # fmt: skip
            when = last
        roll = rng.random()
        stance = "denies" if roll < 0.015 else "undisclosed" if roll < 0.025 else "asserts"
        conflict = stance == "asserts" and rng.random() < CONFLICT_RATE
        if stance == "undisclosed":
            value: dict[str, Any] = {"text": "not disclosed"}
        else:
            value = self._value(spec, when, conflict)
        attribution: dict[str, Any] = {"source": None, "via": []}
        said = ""
        if rng.random() >= 0.25:
            weights = [4] + [1] * (len(spec.sources) - 1)  # one dominant voice per cluster
            source = rng.choices(spec.sources, weights=weights)[0]
            attribution["source"] = self.sources[source][0]
            said = f"according to {self.sources[source][1]}"
            if rng.random() < 0.35:
                chain = rng.sample(range(self.intermediaries), k=rng.randint(1, 2))
                attribution["via"] = [self.sources[s][0] for s in chain]
                said += ", as cited by " + " and ".join(self.sources[s][1] for s in chain)
        hedge = rng.choice(_HEDGES) if rng.random() < 0.15 else None
        subject = f"in {spec.place}" + (f" {as_of['text']}" if as_of else "")
        if stance == "undisclosed":
            sentence = f"The number of {spec.noun} {subject} was {value['text']}"
        elif stance == "denies":
            sentence = f"Officials denied that {value['text']} were involved {subject}"
        elif spec.value_type == "quantity":
            sentence = f"There were {value['text']} {subject}"
        elif spec.value_type == "date":
            sentence = f"The operation {subject} began {value['text']}"
        else:
            sentence = f"The decision on {spec.place} was taken {value['text']}"
        if hedge:
            sentence += f", {hedge}"
        if said:
            sentence += f", {said}"
        sentence += "."
        body = {
            "claim": spec.slug, "stance": stance, "value": value, "as_of": as_of,
            "hedge": hedge, "attribution": attribution,
        }  # fmt: skip
        return sentence, body

    # ---- the bundle ------------------------------------------------------------------

    def write(self, out: TextIO) -> Counter[str]:
        catalogue = (self.outlet_records(), self.source_records(), self.claim_records())
        for records in catalogue:
            for entry in records:
                out.write(_dumps(entry))
                self.counts[entry["type"]] += 1
        rng = self.rng
        sizes, copy_of = self.document_plan()
        original_total = sum(s for s, c in zip(sizes, copy_of, strict=True) if c < 0)
        slots = array("i")
        for claim, size in enumerate(self.claim_sizes(original_total)):
            slots.extend(array("i", [claim]) * size)
        rng.shuffle(slots)
        taken = 0
        # Recent originals: key, outlet index, text, [(start, end, body)].
        recent: dict[int, tuple[str, int, str, list[tuple[int, int, dict[str, Any]]]]] = {}
        docs = self.n["document"]
        for d in range(docs):
            key = f"doc-{d:07d}"
            published = START + timedelta(
                days=d * SPAN_DAYS / docs, minutes=rng.randrange(0, 24 * 60)
            )
            outlet = rng.randrange(len(self.outlets))
            o_slug, o_name, o_domain = self.outlets[outlet]
            record: dict[str, Any] = {
                "type": "document", "key": key, "outlet": o_slug,
                "url": f"https://{o_domain}/news/{published:%Y/%m/%d}/{key}",
                "title": "", "author": None,
                "published_at": published.strftime("%Y-%m-%dT%H:%M:00Z"),
                "published_precision": "minute",
                "retrieved_at": (published + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:00Z"),
                "language": "en",
            }  # fmt: skip
            if copy_of[d] >= 0:
                o_key, o_outlet, o_text, o_items = recent[copy_of[d]]
                header = f"Syndicated from {self.outlets[o_outlet][1]}.\n"
                text = header + o_text
                shift = len(header)
                items = [(s + shift, e + shift, b) for s, e, b in o_items[: sizes[d]]]
                record["title"] = f"{o_name}: copy of {o_key}"
                if rng.random() < 0.5:
                    record["duplicate_of"] = o_key
            else:
                claims = [self.claims[c] for c in slots[taken : taken + sizes[d]]]
                taken += sizes[d]
                place = claims[0].place if claims else rng.choice(_PLACES)
                parts = [f"{place.upper()} — {o_name} reports on the situation in {place}.\n"]
                at = len(parts[0])
                items = []
                for spec in claims:
                    sentence, body = self.assertion_body(spec, published.date())
                    items.append((at, at + len(sentence), body))
                    parts.append(sentence)
                    at += len(sentence)
                    filler = " " + rng.choice(_FILLER) + "\n" if rng.random() < 0.4 else " "
                    parts.append(filler)
                    at += len(filler)
                text = "".join(parts)
                record["title"] = f"Update on {place} ({key})"
                recent[d] = (key, outlet, text, items)
                if len(recent) > 40:
                    del recent[min(recent)]
            record["raw_text"] = text
            record["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
            out.write(_dumps(record))
            self.counts["document"] += 1
            for n, (start, end, body) in enumerate(items):
                assertion = {
                    "type": "assertion", "key": f"as-{d:07d}-{n:03d}", **body,
                    "document": key,
                    "quote": {"exact": text[start:end], "start": start, "end": end},
                    "created_by": "bench:generate", "creator_kind": "extractor",
                    "status": "active", "notes": None,
                }  # fmt: skip
                out.write(_dumps(assertion))
                self.counts["assertion"] += 1
        return self.counts


def generate(scale: float, seed: int, out: TextIO) -> Counter[str]:
    """Write a bundle of ``scale`` to ``out``; returns how many records of each type."""
    return Generator(scale, seed).write(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    with args.out.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        counts = generate(args.scale, args.seed, out)
    json.dump(dict(counts), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
