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


def keras_simple_rnn_param_count(input_dim: int, units: int, use_bias: bool = True) -> int:
    """Keras SimpleRNN: ``units·(input_dim + units + 1)``, or ``units·(input_dim + units)`` without bias."""
    d = positive_int(input_dim, "input_dim")
    h = positive_int(units, "units")
    return h * (d + h + (1 if use_bias else 0))


def torch_rnn_param_count(
    input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False, bias: bool = True
) -> int:
    """torch.nn.RNN: ``hidden·(input + hidden + 2)`` per layer and direction (two bias vectors).

    Layers above the first read the previous layer's output, ``hidden`` wide (twice that if
    bidirectional).
    """
    d = positive_int(input_size, "input_size")
    h = positive_int(hidden_size, "hidden_size")
    layers = positive_int(num_layers, "num_layers")
    directions = 2 if bidirectional else 1
    total = 0
    for layer in range(layers):
        inputs = d if layer == 0 else h * directions
        total += directions * h * (inputs + h + (2 if bias else 0))
    return total
