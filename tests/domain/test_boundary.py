"""The framework boundary: app/domain is pure Python and imports nothing of ours but itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import app.domain

DOMAIN_DIR = Path(app.domain.__file__).parent
FORBIDDEN_PACKAGES = {"fastapi", "starlette", "sqlalchemy", "alembic", "pydantic_settings"}


def domain_modules() -> list[Path]:
    return sorted(DOMAIN_DIR.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(DOMAIN_DIR.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from app import db` imports the module app.db, so check each name too.
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def violation(module: str) -> str | None:
    top = module.split(".")[0]
    if top in FORBIDDEN_PACKAGES:
        return f"imports the framework/database package {top!r}"
    inside_domain = module in {"app", "app.domain"} or module.startswith("app.domain.")
    if top == "app" and not inside_domain:
        return f"imports {module!r}, outside app.domain"
    return None


def test_the_walk_checks_every_domain_module() -> None:
    modules = domain_modules()
    assert modules, f"no Python modules found under {DOMAIN_DIR}"
    assert DOMAIN_DIR / "quotes.py" in modules
    # quotes.py imports app.domain.errors relatively or absolutely: the walk must see it.
    assert "app.domain.errors" in {m for _, m in imported_modules(DOMAIN_DIR / "quotes.py")}


@pytest.mark.parametrize("path", domain_modules(), ids=lambda p: str(p.relative_to(DOMAIN_DIR)))
def test_domain_module_imports_neither_frameworks_nor_outer_layers(path: Path) -> None:
    problems = [
        f"{path.relative_to(DOMAIN_DIR)}:{line} {reason}"
        for line, module in imported_modules(path)
        if (reason := violation(module))
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("app.domain.errors", True),
        ("re", True),
        ("sqlalchemy.orm", False),
        ("fastapi", False),
        ("starlette.requests", False),
        ("alembic.op", False),
        ("pydantic_settings", False),
        ("app.db.models", False),
        ("app.config", False),
        ("app.domainish", False),
    ],
)
def test_the_rule_tells_allowed_imports_from_forbidden_ones(module: str, allowed: bool) -> None:
    assert (violation(module) is None) is allowed
