"""Figures generated for the book. Labels are math only, so no figure needs translating."""

from __future__ import annotations

from rnnbook._validate import positive_int
from rnnbook.i18n import tr


def draw_unrolled_rnn(num_steps: int = 4, ax=None):
    """Draw an RNN unrolled over ``num_steps`` time steps; returns the matplotlib Axes.

    Inputs x_t at the bottom, hidden states h_t in the middle, outputs o_t on top; the same
    W_xh, W_hh and W_hq label every copy, which is weight sharing made visible.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    T = positive_int(num_steps, "num_steps")
    if T > 8:
        raise ValueError(tr("num_steps={num_steps} would not fit the figure legibly; use at most 8", num_steps=T))
    if ax is None:
        _, ax = plt.subplots(figsize=(2.1 * T + 1.6, 3.6))
    colours = {"x": "#dbe9f6", "h": "#fde8c8", "o": "#dff2e1"}
    rows = {"x": 0.0, "h": 1.5, "o": 3.0}

    def box(x, y, text, kind, dashed=False):
        patch = FancyBboxPatch(
            (x - 0.42, y - 0.3),
            0.84,
            0.6,
            boxstyle="round,pad=0.04",
            fc=colours[kind],
            ec="#333333",
            lw=1.2,
            ls="--" if dashed else "-",
        )
        ax.add_patch(patch)
        ax.text(x, y, text, ha="center", va="center", fontsize=13)

    def arrow(x0, y0, x1, y1, label=None, dx=0.0, dy=0.0):
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=12, lw=1.2, color="#333333"))
        if label:
            ax.text(
                (x0 + x1) / 2 + dx, (y0 + y1) / 2 + dy, label, ha="center", va="center", fontsize=10, color="#1f4e79"
            )

    box(0.0, rows["h"], r"$\mathbf{h}_0$", "h", dashed=True)
    for t in range(1, T + 1):
        x = 2.0 * t
        box(x, rows["x"], rf"$\mathbf{{x}}_{t}$", "x")
        box(x, rows["h"], rf"$\mathbf{{h}}_{t}$", "h")
        box(x, rows["o"], rf"$\mathbf{{o}}_{t}$", "o")
        arrow(x, rows["x"] + 0.32, x, rows["h"] - 0.32, r"$W_{xh}$", dx=0.38)
        arrow(x, rows["h"] + 0.32, x, rows["o"] - 0.32, r"$W_{hq}$", dx=0.38)
        arrow(x - 1.55, rows["h"], x - 0.45, rows["h"], r"$W_{hh}$", dy=0.25)
    ax.set_xlim(-0.7, 2.0 * T + 0.7)
    ax.set_ylim(-0.6, 3.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_forgetting(steps, distances: dict, ax=None):
    """Plot ``‖h_t − h'_t‖`` against t on a log scale, one line per label in ``distances``."""
    import matplotlib.pyplot as plt
    import numpy as np

    if not distances:
        raise ValueError(tr("distances is empty: pass {{label: array of distances per step}}"))
    steps = np.asarray(steps)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.6))
    for label, values in distances.items():
        values = np.asarray(values, dtype=float)
        if values.shape != steps.shape:
            raise ValueError(
                tr(
                    "{label}: {distances} distances for {steps} steps",
                    label=label,
                    distances=values.shape[0],
                    steps=steps.shape[0],
                )
            )
        ax.semilogy(steps, np.maximum(values, 1e-16), marker="o", ms=3, label=label)
    ax.set_xlabel(r"$t$")
    ax.set_ylabel(r"$\|\mathbf{h}_t - \mathbf{h}'_t\|$")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return ax
