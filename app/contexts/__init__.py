"""The JSON-LD contexts our documents name, shipped with the package.

Documents refer to them by their usual URLs (schema.org's and W3C PROV-O's); these
files hold the terms this service uses, so a JSON-LD processor given ``load`` as its
document loader reads them without touching the network.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_ORG = "https://schema.org"
PROV = "https://www.w3.org/ns/prov.jsonld"

_HERE = Path(__file__).parent
_FILES = {
    SCHEMA_ORG: "schemaorg.jsonld",
    "https://schema.org/": "schemaorg.jsonld",
    "http://schema.org": "schemaorg.jsonld",
    "http://schema.org/": "schemaorg.jsonld",
    PROV: "prov.jsonld",
    "http://www.w3.org/ns/prov.jsonld": "prov.jsonld",
}


@cache
def context(url: str) -> dict[str, Any]:
    """The context document at ``url``; KeyError for one not shipped."""
    document: dict[str, Any] = json.loads((_HERE / _FILES[url]).read_text(encoding="utf-8"))
    return document
