"""docs/roles.md shows the role model's own table: the page and the code cannot drift apart."""

from __future__ import annotations

from pathlib import Path

from domain.roles import RULES, Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def test_the_documented_table_is_the_role_model() -> None:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    header = next(r for r in rows if r.startswith("| capability |"))
    columns = [cell.strip() for cell in header.strip("|").split("|")][1:]
    assert columns == [role.value for role in Role]
    documented = {}
    for row in rows[rows.index(header) + 1 :]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        documented[cells[0]] = {Role(c) for c, mark in zip(columns, cells[1:], strict=True) if mark == "yes"}
    assert documented == {capability.value: set(roles) for capability, roles in RULES.items()}
