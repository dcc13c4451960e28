"""Line charts drawn on the server as SVG: the geometry here, the markup in
``templates/statistics/_chart.html``. No script, no style attributes, no external service.

Colours are the Okabe–Ito palette (distinguishable with colour-blindness); each line also has
its own dash pattern and marker shape, so the chart reads in greyscale and in print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .figures import Quarter

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str  # stroke-dasharray ("" = solid)
    marker: str  # circle | square | triangle | diamond | none


ENTERPRISE = Style("#0072B2", "", "circle")
INDUSTRY = Style("#D55E00", "8 4", "square")
COUNTRY = Style("#000000", "2 3", "triangle")
PROGNOSIS = Style("#0072B2", "4 4", "diamond")
TARGET = Style("#009E73", "12 4 2 4", "none")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    quarter: Quarter
    value: Decimal


@dataclass(frozen=True)
class Line:
    label: str
    style: Style
    # Runs of consecutive points; a masked or missing quarter breaks the line.
    segments: list[list[Point]]

    @property
    def points(self) -> list[Point]:
        return [p for segment in self.segments for p in segment]

    @staticmethod
    def path(segment: Sequence[Point]) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in segment)


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass
class Chart:
    lines: list[Line] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    target: tuple[float, str] | None = None  # (y, label)
    marker: tuple[float, str] | None = None  # (x, label): the agreement's start
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def plot_top(self) -> int:
        return TOP

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM


def _nice_step(top: Decimal) -> Decimal:
    for step in (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20)):
        if top / step <= 6:
            return step
    return Decimal(25)


def line_chart(
    quarters: Sequence[Quarter],
    series: Sequence[tuple[str, Style, dict[Quarter, Decimal]]],
    target: tuple[Decimal, str] | None = None,
    start: tuple[Quarter, str] | None = None,
    number: Callable[[Decimal], str] = str,
    quarter_label: Callable[[Quarter], str] = str,
) -> Chart:
    """Place ``series`` (label, style, value by quarter) on a quarter axis from 0 upwards;
    ``number`` and ``quarter_label`` format the axes' labels (the caller's, in its locale)."""
    chart = Chart()
    if not quarters:
        return chart
    values = [v for _, _, by_quarter in series for v in by_quarter.values()]
    if target is not None:
        values.append(target[0])
    peak = max(values, default=Decimal(1)) or Decimal(1)
    step = _nice_step(peak * Decimal("1.1"))
    top = step * ((peak * Decimal("1.1") / step).to_integral_value(rounding="ROUND_CEILING"))
    first, last = quarters[0].index, quarters[-1].index
    span = max(1, last - first)

    def x(q: Quarter) -> float:
        return LEFT + (chart.plot_right - LEFT) * (q.index - first) / span

    def y(v: Decimal) -> float:
        return float(chart.plot_bottom - (chart.plot_bottom - TOP) * (v / top))

    level = Decimal(0)
    while level <= top:
        chart.y_ticks.append(Tick(y(level), number(level)))
        level += step
    every = 1 if span < 8 else 2 if span < 16 else 4
    chart.x_ticks = [
        Tick(x(q), quarter_label(q)) for q in quarters if (q.index - first) % every == 0
    ]
    for label, style, by_quarter in series:
        segments: list[list[Point]] = []
        current: list[Point] = []
        for q in quarters:
            if q in by_quarter:
                current.append(Point(x(q), y(by_quarter[q]), q, by_quarter[q]))
            elif current:
                segments.append(current)
                current = []
        if current:
            segments.append(current)
        chart.lines.append(Line(label, style, segments))
    if target is not None:
        chart.target = (y(target[0]), target[1])
    if start is not None and first <= start[0].index <= last:
        chart.marker = (x(start[0]), start[1])
    return chart
