"""Reusable, tested examples for the book *Hidden State*."""

from rnnbook.book import glue, seed_everything
from rnnbook.mlp import dense_forward, mlp_forward, relu, softmax
from rnnbook.params import dense_param_count, mlp_param_count

__version__ = "0.1.0"

__all__ = [
    "dense_forward",
    "dense_param_count",
    "glue",
    "mlp_forward",
    "mlp_param_count",
    "relu",
    "seed_everything",
    "softmax",
]
