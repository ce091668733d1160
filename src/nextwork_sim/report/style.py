"""The look shared by every figure: seaborn's whitegrid style and colour-blind palette on
plain matplotlib ``Figure`` objects (no pyplot state, so figures can be made from any thread
or process without a display)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def seaborn_style(context: str = "notebook", font_scale: float = 1.0) -> Iterator[None]:
    """rcParams of seaborn's whitegrid style for the figures made (and saved) inside."""
    import seaborn as sns  # start-up time

    with sns.axes_style("whitegrid"), sns.plotting_context(context, font_scale=font_scale):
        yield


def palette(names: list[str]) -> dict[str, tuple]:
    """One colour-blind-safe colour per name, in order."""
    import seaborn as sns  # start-up time

    return dict(zip(names, sns.color_palette("colorblind", max(len(names), 1)), strict=False))


def new_figure(width: float, height: float):
    """A matplotlib ``Figure`` not registered with pyplot."""
    from matplotlib.figure import Figure  # start-up time

    return Figure(figsize=(width, height))


def save_png(figure, path: Path, dpi: int = 110) -> Path:
    """Write ``figure`` as PNG via a temporary name (nothing half-written)."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.png")
    try:
        figure.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
