"""The documentation inside the repository stays true to the code: every setting read from
the environment is in docs/operations.md, every API path the schema serves is in
docs/api.md, and the README and docs point only at files that exist in the repository."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ENV_READ = re.compile(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
# A backticked path of the tree (a slash inside it): `approvals/policy/rules.py`, `tests/data/`.
PATH = re.compile(r"`((?:\.\./)*[A-Za-z_][\w.-]*(?:/[\w.-]+)+/?)`")


def test_every_setting_read_from_the_environment_is_documented():
    read = {
        name
        for f in (ROOT / "config" / "settings").glob("*.py")
        for name in ENV_READ.findall(f.read_text())
    }
    documented = (ROOT / "docs" / "operations.md").read_text()
    assert len(read) > 50
    assert sorted(n for n in read if f"`{n}`" not in documented) == []


@pytest.mark.django_db
def test_every_path_the_schema_serves_is_in_the_api_page(api, admin):
    response = api(admin).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    page = (ROOT / "docs" / "api.md").read_text()
    paths = response.json()["paths"]
    assert len(paths) > 40
    assert sorted(p for p in paths if f"{p}`" not in page) == []


def in_repository(path: Path) -> bool:
    path = path.resolve()
    return path.exists() and (path == ROOT or ROOT in path.parents)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_the_docs_point_only_at_files_in_the_repository(doc):
    text = doc.read_text()
    links = [t for t in LINK.findall(text) if "://" not in t]
    missing = [t for t in links if not in_repository(doc.parent / t)]
    missing += [
        p
        for p in PATH.findall(text)
        if not (in_repository(doc.parent / p) or in_repository(ROOT / p))
    ]
    assert missing == []
