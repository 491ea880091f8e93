"""Real series that ship inside a registry package, so nothing is downloaded at run time."""

from __future__ import annotations

from rnnbook._validate import require


def load_sunspots():
    """Yearly mean sunspot numbers, 1700–2008, as shipped with statsmodels (``sm.datasets.sunspots``).

    Source: the statsmodels datasets, from the Royal Observatory of Belgium's SIDC (series of
    Wolf's sunspot numbers). Returns ``(years, values)`` as float arrays of equal length.
    Without statsmodels it raises :class:`ModuleNotFoundError`, saying ``pip install statsmodels``.
    """
    sunspots = require("statsmodels.datasets.sunspots", "load_sunspots", install="statsmodels")
    frame = sunspots.load_pandas().data
    return frame["YEAR"].to_numpy(dtype=float), frame["SUNACTIVITY"].to_numpy(dtype=float)
