"""A grouped bar chart as an 800×400 PNG, drawn with Pillow: the one drawing both attendance
charts share (``bot.views.chart`` says what they show).

Drawn directly rather than through a plotting library: a weekly summary carries a chart for every
team, and a few milliseconds a chart is what lets a Monday's thousand summaries go out in seconds
(``bench/summaries.py``). Three things keep it there:

- bars and lines are axis-aligned, so they need no antialiasing (text is antialiased by FreeType);
- each piece of text is rendered once into a stencil and then only stamped (the ticks, legend,
  axis titles and week labels repeat from chart to chart);
- it is drawn in 8 bits a pixel, written as a palette PNG (half the encoding time and a third of
  the bytes of an RGB one): a grey is its own level in the palette, so antialiased grey text
  blends exactly, and the few other colours (the bars') take the palette's first places, darker
  than any grey used. So text is grey, and never lies over a bar.

The font is DejaVu Sans, shipped in ``fonts/`` with its LICENSE: names come in any script, and
DejaVu covers Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic among others.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from PIL import Image, ImageColor, ImageDraw, ImageFont

WIDTH, HEIGHT = 800, 400
ELLIPSIS = "…"

BACKGROUND = "#ffffff"
INK = "#222222"  # the title
TEXT = "#444444"  # labels, legend and axis titles
VALUE = "#555555"  # the numbers above the bars
GRID = "#e3e3e3"
AXIS = "#777777"

# Vertical layout, in pixels from the top: title, legend, plot, x labels, x axis title.
TITLE_TOP = 12
LEGEND_MIDDLE = 52
PLOT_TOP = 76
PLOT_BOTTOM = HEIGHT - 58
MARGIN = 16  # left of the y axis title, right of the plot
TITLE_WIDTH = WIDTH - 4 * MARGIN  # some air on both sides of even the longest title
SWATCH = 12  # the legend's colour squares
DASH, DASH_GAP = 8, 5
RESERVED = 8  # palette places for colours other than greys


@dataclass(frozen=True)
class Bars:
    """One series: a bar per label, drawn left to right within each group."""

    name: str  # in the legend
    values: Sequence[int]
    color: str


@dataclass(frozen=True)
class Level:
    """A dashed horizontal line across the plot at ``value``, named in the legend."""

    name: str
    value: int
    color: str


@dataclass(frozen=True)
class BarChart:
    """What a chart shows, in the reader's words: everything the PNG is drawn from."""

    title: str
    x_title: str
    y_title: str
    labels: Sequence[str]
    series: Sequence[Bars]
    level: Level | None = None

    def tallest(self) -> int:
        values = [v for bars in self.series for v in bars.values]
        return max([*values, self.level.value if self.level else 0, 1])


@cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The shipped DejaVu Sans at ``size`` pixels, read from the installed package once."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    data = (files("bot.views") / "fonts" / name).read_bytes()
    return ImageFont.truetype(io.BytesIO(data), size)


@lru_cache(maxsize=4096)
def measure(typeface: ImageFont.FreeTypeFont, text: str) -> float:
    """How wide ``text`` is set in ``typeface``, in pixels (measured once: labels repeat)."""
    return typeface.getlength(text)


def title_font() -> ImageFont.FreeTypeFont:
    return font(17, bold=True)


def label_font() -> ImageFont.FreeTypeFont:
    return font(13)


def value_font() -> ImageFont.FreeTypeFont:
    return font(11)


def shortened(text: str, typeface: ImageFont.FreeTypeFont, width: float) -> str:
    """``text``, cut and ended with an ellipsis if it is wider than ``width`` pixels."""
    if measure(typeface, text) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with the ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if measure(typeface, text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def title_naming(make: Callable[[str], str], name: str) -> str:
    """The title ``make(name)``, with ``name`` shortened (ellipsis) until the whole fits the chart:
    a long circle or team name gives way, the words around it stay."""
    title = make(name)
    typeface = title_font()
    if measure(typeface, title) <= TITLE_WIDTH:
        return title
    room = TITLE_WIDTH - (measure(typeface, title) - measure(typeface, name))
    return make(shortened(name, typeface, max(room, measure(typeface, ELLIPSIS))))


def png(chart: BarChart) -> bytes:
    """The chart drawn at WIDTH×HEIGHT, as PNG bytes."""
    canvas = _Canvas()
    labels = label_font()
    top, step = _scale(chart.tallest())
    ticks = range(0, top + 1, step)
    y_title_width = _line_height(labels)  # it is turned on its side
    plot_left = MARGIN + y_title_width + 8 + math.ceil(max(measure(labels, str(tick)) for tick in ticks)) + 8
    plot_right = WIDTH - MARGIN - 8
    plot = _Plot(plot_left, plot_right, top)

    canvas.text((WIDTH // 2, TITLE_TOP), shortened(chart.title, title_font(), TITLE_WIDTH), title_font(), INK, "mt")
    _legend(canvas, chart)
    for tick in ticks:
        if tick:
            canvas.hline(plot.left, plot.right, plot.y(tick), GRID)
        canvas.text((plot.left - 8, plot.y(tick)), str(tick), labels, TEXT, "rm")
    _bars(canvas, chart, plot)
    canvas.hline(plot.left, plot.right, PLOT_BOTTOM, AXIS)
    if chart.level is not None:
        canvas.dashed(plot.left, plot.right, plot.y(chart.level.value), chart.level.color)
    x_title = shortened(chart.x_title, labels, plot.right - plot.left)
    canvas.text(((plot.left + plot.right) // 2, HEIGHT - 12), x_title, labels, TEXT, "md")
    y_title = shortened(chart.y_title, labels, PLOT_BOTTOM - PLOT_TOP)
    canvas.text((MARGIN, (PLOT_TOP + PLOT_BOTTOM) // 2), y_title, labels, TEXT, "lm", upright=False)
    return canvas.png()


@dataclass(frozen=True)
class _Plot:
    """The plotting area, left to right in pixels, and the value at its top."""

    left: int
    right: int
    top: int

    def y(self, value: float) -> int:
        return round(PLOT_BOTTOM - value * (PLOT_BOTTOM - PLOT_TOP) / self.top)


def _scale(tallest: int) -> tuple[int, int]:
    """The top of the y axis and the step of its ticks: whole numbers (people come whole), at most
    six steps, and room above the tallest bar or line."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if tallest // step + 1 <= 6:
                return step * (tallest // step + 1), step
        magnitude *= 10


def _legend(canvas: _Canvas, chart: BarChart) -> None:
    """One centred row under the title: a colour square per series, a dash for the level line."""
    labels = label_font()
    entries = [(bars.name, bars.color, SWATCH) for bars in chart.series]
    if chart.level is not None:
        entries.append((chart.level.name, chart.level.color, 2 * DASH + DASH_GAP))
    gap = 22  # between entries
    widths = [key + 6 + measure(labels, name) for name, _, key in entries]
    x = (WIDTH - (sum(widths) + gap * (len(entries) - 1))) / 2
    for (name, color, key), width in zip(entries, widths, strict=True):
        left = round(x)
        if key == SWATCH:
            canvas.rectangle(left, LEGEND_MIDDLE - SWATCH // 2, left + SWATCH, LEGEND_MIDDLE + SWATCH // 2, color)
        else:
            canvas.dashed(left, left + key, LEGEND_MIDDLE, color)
        canvas.text((left + key + 6, LEGEND_MIDDLE), name, labels, TEXT, "lm")
        x += width + gap


def _bars(canvas: _Canvas, chart: BarChart, plot: _Plot) -> None:
    """The groups of bars, a group per label, with their numbers above them and the labels under
    them (every second, third … label when they would touch)."""
    count = max(len(chart.labels), 1)
    slot = (plot.right - plot.left) / count
    series = max(len(chart.series), 1)
    bar = max(1, min(round(slot * 0.78 / series), 44))  # wide enough to read, never a slab
    gap = 2 if bar > 8 else 0
    group = bar * series + gap * (series - 1)
    labels, values = label_font(), value_font()
    widest = max((measure(labels, label) for label in chart.labels), default=0)
    every = max(1, math.ceil((widest + 8) / slot))
    # Numbers over the bars only where each fits over its own bar (text never lies on a bar).
    numbered = measure(values, "0" * len(str(chart.tallest()))) <= bar + gap
    for index, label in enumerate(chart.labels):
        centre = plot.left + slot * (index + 0.5)
        x = round(centre - group / 2)
        for bars in chart.series:
            value = bars.values[index]
            top = plot.y(value)
            if value:
                canvas.rectangle(x, top, x + bar, PLOT_BOTTOM, bars.color)
            if numbered:
                canvas.text((x + bar // 2, top - 3), str(value), values, VALUE, "md")
            x += bar + gap
        if index % every == 0:
            canvas.text((round(centre), PLOT_BOTTOM + 8), label, labels, TEXT, "mt")


class _Canvas:
    """An 8-bit picture that shapes are drawn on and text is stamped on (see the module's
    docstring): a pixel is a palette index, a grey's index its level."""

    def __init__(self) -> None:
        self.colors: list[tuple[int, int, int]] = []  # the palette's first places, in order of use
        self.image = Image.new("L", (WIDTH, HEIGHT), self.ink(BACKGROUND))
        self.draw = ImageDraw.Draw(self.image)

    def ink(self, color: str) -> int:
        red, green, blue = ImageColor.getrgb(color)[:3]
        if red == green == blue:
            return max(red, RESERVED)  # the darkest greys give way to the colours: unseen
        if (red, green, blue) not in self.colors:
            if len(self.colors) == RESERVED:
                raise ValueError(f"more than {RESERVED} colours in one chart")
            self.colors.append((red, green, blue))
        return self.colors.index((red, green, blue))

    def rectangle(self, left: int, top: int, right: int, bottom: int, color: str) -> None:
        """Filled, ``right`` and ``bottom`` excluded."""
        self.draw.rectangle([left, top, right - 1, bottom - 1], fill=self.ink(color))

    def hline(self, left: int, right: int, y: int, color: str) -> None:
        self.draw.line([(left, y), (right, y)], fill=self.ink(color), width=1)

    def dashed(self, left: int, right: int, y: int, color: str) -> None:
        for x in range(left, right, DASH + DASH_GAP):
            self.rectangle(x, y - 1, min(x + DASH, right), y + 1, color)

    def text(
        self,
        xy: tuple[int, int],
        text: str,
        typeface: ImageFont.FreeTypeFont,
        color: str,
        anchor: str,
        *,
        upright: bool = True,
    ) -> None:
        """``text`` placed by ``anchor`` (Pillow's two letters) at ``xy``; not upright: turned to
        read from bottom to top, ``anchor`` then placing the turned box."""
        stencil, (dx, dy) = _stencil(text, typeface, anchor, upright)
        self.image.paste(self.ink(color), (xy[0] + dx, xy[1] + dy), stencil)

    def png(self) -> bytes:
        greys = [(level, level, level) for level in range(len(self.colors), 256)]
        self.image.putpalette([channel for entry in [*self.colors, *greys] for channel in entry])
        buffer = io.BytesIO()
        self.image.save(buffer, "PNG", compress_level=3)  # 6 (the default): 10% fewer bytes, 2.5 times the time
        return buffer.getvalue()


@lru_cache(maxsize=2048)
def _stencil(
    text: str, typeface: ImageFont.FreeTypeFont, anchor: str, upright: bool
) -> tuple[Image.Image, tuple[int, int]]:
    """``text`` rendered once as a coverage mask, with where its corner lies from the anchor."""
    left, top, right, bottom = (round(edge) for edge in typeface.getbbox(text, anchor=anchor if upright else "la"))
    stencil = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(stencil).text((-left, -top), text, fill=255, font=typeface, anchor=anchor if upright else "la")
    if upright:
        return stencil, (left, top)
    turned = stencil.rotate(90, expand=True)
    return turned, _offset(anchor, turned.width, turned.height)


def _offset(anchor: str, width: int, height: int) -> tuple[int, int]:
    """Where a ``width``×``height`` box's corner lies from its ``anchor`` point."""
    horizontal = {"l": 0, "m": -width // 2, "r": -width}[anchor[0]]
    vertical = {"t": 0, "a": 0, "m": -height // 2, "d": -height, "b": -height, "s": -height}[anchor[1]]
    return horizontal, vertical


def _line_height(typeface: ImageFont.FreeTypeFont) -> int:
    ascent, descent = typeface.getmetrics()
    return ascent + descent
