"""Parameter counts, written as formulas so the book can check them against the frameworks."""

from __future__ import annotations

from rnnbook._validate import positive_int


def dense_param_count(in_features: int, units: int, use_bias: bool = True) -> int:
    """Parameters of a Dense / nn.Linear layer: ``d·h`` weights plus ``h`` biases."""
    d = positive_int(in_features, "in_features")
    h = positive_int(units, "units")
    return d * h + (h if use_bias else 0)


def mlp_param_count(in_features: int, num_hiddens: int, num_outputs: int) -> int:
    """Parameters of the one-hidden-layer MLP ``d → h → q`` (both layers with bias)."""
    return dense_param_count(in_features, num_hiddens) + dense_param_count(num_hiddens, num_outputs)


def rnn_param_count(in_features: int, num_hiddens: int, num_outputs: int | None = None) -> int:
    """Parameters of the recurrence (``W_xh``, ``W_hh``, ``b_h``), plus ``W_hq``, ``b_q`` if given.

    No argument for the number of time steps: the same weights serve every step.
    """
    d = positive_int(in_features, "in_features")
    h = positive_int(num_hiddens, "num_hiddens")
    count = d * h + h * h + h
    if num_outputs is not None:
        count += dense_param_count(h, num_outputs)
    return count
