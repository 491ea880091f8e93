"""Real series that ship inside a registry package, so nothing is downloaded at run time."""

from __future__ import annotations

from rnnbook.i18n import tr


def load_sunspots():
    """Yearly mean sunspot numbers, 1700–2008, as shipped with statsmodels (``sm.datasets.sunspots``).

    Source: the statsmodels datasets, from the Royal Observatory of Belgium's SIDC (series of
    Wolf's sunspot numbers). Returns ``(years, values)`` as float arrays of equal length.
    """
    try:
        from statsmodels.datasets import sunspots
    except ImportError as exc:
        raise ValueError(tr("load_sunspots needs statsmodels: pip install statsmodels")) from exc
    frame = sunspots.load_pandas().data
    return frame["YEAR"].to_numpy(dtype=float), frame["SUNACTIVITY"].to_numpy(dtype=float)
