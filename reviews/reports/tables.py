"""What the transparency report's tables hold: figures as published (counts, medians,
rates), each suppressed when it rests on fewer applications than the threshold."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """A count as published: `value` is None when it is suppressed."""

    value: int | None
    floor: int

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        return f"<{self.floor}" if self.value is None else f"{self.value:,}"

    @property
    def words(self) -> str:
        """The count inside a sentence: "fewer than 5" where the table shows "<5"."""
        return f"fewer than {self.floor}" if self.value is None else f"{self.value:,}"

    def of(self, one: str, many: str) -> str:
        """The count with its noun: "no applications", "1 application", "fewer than 5
        applications", "12,345 applications"."""
        if self.value == 0:
            return f"no {many}"
        return f"{self.words} {one if self.value == 1 else many}"


@dataclass(frozen=True)
class Span:
    """A median duration, in whole seconds; None when there is none or it is suppressed."""

    seconds: int | None
    suppressed: bool = False
    floor: int = 0

    @property
    def value(self) -> int | None:
        return self.seconds

    @property
    def text(self) -> str:
        if self.suppressed:
            return f"<{self.floor} decided"
        if self.seconds is None:
            return "none decided"
        if self.seconds < 3600:
            return f"{self.seconds / 60:.0f} minutes"
        if self.seconds < 72 * 3600:
            return f"{self.seconds / 3600:.1f} hours"
        return f"{self.seconds / 86400:.1f} days"


@dataclass(frozen=True)
class Share:
    """A rate between 0 and 1, rounded to three places; None when there is none or its base
    is suppressed."""

    value: float | None
    suppressed: bool = False
    floor: int = 0

    @property
    def text(self) -> str:
        if self.suppressed:
            return f"<{self.floor} decided"
        return "none decided" if self.value is None else f"{self.value:.0%}"


@dataclass(frozen=True)
class Row:
    key: dict[str, str]  # e.g. {"month": "2025-01"} or {"domain": "legal", "month": "2025-01"}
    label: str
    cells: tuple  # of Cell, Span or Share, in the order of the table's columns


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: list[Row]
    total: Row | None = None

    def row(self, **key) -> Row:
        return next(r for r in [*self.rows, self.total] if r is not None and r.key == key)

    def values(self, row: Row) -> dict:
        return {name: cell.value for (name, _), cell in zip(self.columns, row.cells, strict=True)}

    def named(self, row: Row) -> list[tuple[str, object]]:
        return [(name, cell) for (name, _), cell in zip(self.columns, row.cells, strict=True)]

    @property
    def lines(self) -> list[tuple[Row, list]]:
        """For templates: each row with its (column, cell) pairs."""
        return [(row, self.named(row)) for row in self.rows]

    @property
    def total_line(self) -> list | None:
        return None if self.total is None else self.named(self.total)


class Publish:
    """Turns raw figures into published ones under one threshold."""

    def __init__(self, floor: int) -> None:
        self.floor = floor

    def small(self, n: int) -> bool:
        return 0 < n < self.floor

    def count(self, n: int) -> Cell:
        return Cell(None if self.small(n) else n, self.floor)

    def span(self, seconds: float | None, base: int) -> Span:
        if self.small(base):
            return Span(None, suppressed=True, floor=self.floor)
        return Span(None if seconds is None else round(seconds))

    def share(self, part: int, base: int) -> Share:
        """part / base, withheld when the base or either side of it is small: a rate beside
        suppressed counts would give them away."""
        if self.small(base) or self.small(part) or self.small(base - part):
            return Share(None, suppressed=True, floor=self.floor)
        return Share(round(part / base, 3) if base else None)
