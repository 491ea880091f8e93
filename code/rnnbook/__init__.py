"""Reusable, tested examples for the book *Hidden State*."""

from rnnbook.book import glue, glue_figure, seed_everything
from rnnbook.i18n import get_language, say, set_language, table, tr
from rnnbook.mlp import dense_forward, mlp_forward, relu, softmax
from rnnbook.params import dense_param_count, mlp_param_count, rnn_param_count
from rnnbook.rnn import rnn_forward, rnn_step, scaled_recurrent_matrix, spectral_radius

__version__ = "1.0.0"

__all__ = [
    "dense_forward",
    "dense_param_count",
    "get_language",
    "glue",
    "glue_figure",
    "mlp_forward",
    "mlp_param_count",
    "relu",
    "rnn_forward",
    "rnn_param_count",
    "rnn_step",
    "say",
    "scaled_recurrent_matrix",
    "seed_everything",
    "set_language",
    "softmax",
    "spectral_radius",
    "table",
    "tr",
]
