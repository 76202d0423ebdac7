"""The mood picture: a small, calm chart of a person's check-ins over a recap's window.

matplotlib is an optional extra (``between-bot[chart]``): the recap sends this picture only
when it is installed, and the sparkline in the recap's text says the same thing without it.

Drawing goes through :class:`~matplotlib.figure.Figure` and the Agg canvas directly, never
pyplot: pyplot keeps a global registry of open figures and is not safe to use from the worker
threads the bot draws in. Each call builds its own figure and lets it go; nothing global is
touched. The picture holds numbers and dates only: moods are scores, never words a person wrote.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bot.i18n import SOURCE_LANGUAGE, format_day, translations
from bot.mood import MOOD_WORDS

WIDTH, HEIGHT, DPI = 800, 400, 100
# Muted colours: a quiet slate line on warm paper, greys for the frame and labels.
_PAPER = "#fbfaf7"
_LINE = "#5f7d95"
_FRAME = "#c9c6bf"
_TEXT = "#55524c"
_GUIDE = "#eeebe5"


@functools.cache
def chart_available() -> bool:
    """Whether matplotlib can be imported here (checked once: installs do not change mid-run)."""
    try:
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401
    except ImportError:
        return False
    return True


def mood_chart_png(
    points: Sequence[tuple[datetime, int]],
    zone: tzinfo,
    *,
    start: datetime,
    end: datetime,
    language: str = SOURCE_LANGUAGE,
) -> bytes:
    """Mood scores (1 to 5) over ``[start, end]`` as an 800×400 PNG, dates in ``zone``.

    ``points`` are aware instants inside the window with their score, oldest first; they are
    joined by a line.
    The y axis says the scores in words, the x axis shows local dates (and times for a window
    of a day or two), in ``language``. Same input, same bytes: the file embeds no version or date.
    Raises ``ImportError`` without matplotlib and ``ValueError`` for a score outside 1 to 5.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    for _, score in points:
        if score not in MOOD_WORDS:
            raise ValueError(f"mood score out of range: {score}")
    if end <= start:
        # A zero-length window would give matplotlib identical x limits (it warns, and the
        # axis means nothing): show the day around it instead.
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)

    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=_PAPER)
    FigureCanvasAgg(figure)
    # Fixed margins, not bbox_inches="tight": the picture keeps its exact pixel size.
    figure.subplots_adjust(left=0.14, right=0.96, top=0.93, bottom=0.13)
    axes = figure.add_subplot()
    axes.set_facecolor(_PAPER)

    # Faint guides at each score, behind everything: a reader can follow a level across
    # without a full grid.
    for score in MOOD_WORDS:
        axes.axhline(score, color=_GUIDE, linewidth=1, zorder=0)
    if points:
        xs = [date2num(instant) for instant, _ in points]
        ys = [score for _, score in points]
        axes.plot(
            xs,
            ys,
            color=_LINE,
            linewidth=2,
            marker="o",
            markersize=5 if len(points) <= 60 else 3,
            markerfacecolor=_PAPER,
            markeredgecolor=_LINE,
            markeredgewidth=1.5,
            solid_joinstyle="round",
            # A check-in at the very edge of the window keeps its whole marker.
            clip_on=False,
            zorder=2,
        )

    axes.set_ylim(0.6, 5.4)
    gettext = translations(language).gettext
    axes.set_yticks(list(MOOD_WORDS), [gettext(MOOD_WORDS[s]) for s in MOOD_WORDS])
    return _dated_png(figure, axes, start, end, zone, language)


def _dated_png(figure: Any, axes: Any, start: datetime, end: datetime, zone: tzinfo, language: str) -> bytes:
    """What the mood and the wellbeing pictures share: local dates along the bottom, a light
    frame, and the PNG bytes."""
    from matplotlib.dates import AutoDateLocator, date2num
    from matplotlib.ticker import FuncFormatter

    axes.set_xlim(date2num(start), date2num(end))
    axes.xaxis.set_major_locator(AutoDateLocator(tz=zone, minticks=3, maxticks=7))
    show_year = start.astimezone(zone).year != end.astimezone(zone).year
    axes.xaxis.set_major_formatter(FuncFormatter(_date_label(zone, show_year, language)))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(_FRAME)
    axes.tick_params(colors=_FRAME, labelcolor=_TEXT, labelsize=10, length=4)
    buffer = io.BytesIO()
    # "Software": None keeps matplotlib's version out of the file, so the bytes depend on the
    # points alone.
    figure.savefig(buffer, format="png", dpi=DPI, facecolor=_PAPER, metadata={"Software": None})
    return buffer.getvalue()


def _date_label(zone: tzinfo, show_year: bool, language: str) -> Any:
    """A tick formatter: "24 Nov" at local midnight (with the year when the window crosses
    one), "14:00" between midnights. Month names come from Babel, not from the C locale."""
    from matplotlib.dates import num2date

    gettext = translations(language).gettext
    # Translators: CLDR date patterns for the mood chart's axis: day and short month, with the year.
    pattern = gettext("d MMM y") if show_year else gettext("d MMM")

    def label(value: float, _position: int | None) -> str:
        local = num2date(value, tz=zone)
        if (local.hour, local.minute) != (0, 0):
            return f"{local.hour:02d}:{local.minute:02d}"
        return format_day(local, pattern, language)

    return label


def wellbeing_chart_png(
    points: Sequence[tuple[datetime, int]],
    zone: tzinfo,
    *,
    start: datetime,
    end: datetime,
    language: str = SOURCE_LANGUAGE,
) -> bytes:
    """WHO-5 scores (0 to 100) over ``[start, end]`` as an 800×400 PNG, in the mood picture's
    quiet style: a line through the check-ins, a faint guide every 25 points and no colours that
    say good or bad (it is something to talk about, not a verdict). Same input, same bytes.
    Raises ``ImportError`` without matplotlib and ``ValueError`` for a score outside 0 to 100.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    for _, score in points:
        if not 0 <= score <= 100:
            raise ValueError(f"wellbeing score out of range: {score}")
    if end <= start:
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=_PAPER)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.08, right=0.96, top=0.93, bottom=0.13)
    axes = figure.add_subplot()
    axes.set_facecolor(_PAPER)
    for level in range(0, 101, 25):
        axes.axhline(level, color=_GUIDE, linewidth=1, zorder=0)
    if points:
        axes.plot(
            [date2num(instant) for instant, _ in points],
            [score for _, score in points],
            color=_LINE,
            linewidth=2,
            marker="o",
            markersize=5,
            markerfacecolor=_PAPER,
            markeredgecolor=_LINE,
            markeredgewidth=1.5,
            clip_on=False,
            zorder=2,
        )
    axes.set_ylim(-4, 104)
    axes.set_yticks([0, 25, 50, 75, 100])
    return _dated_png(figure, axes, start, end, zone, language)
