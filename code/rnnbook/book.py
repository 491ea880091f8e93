"""Helpers for running the book's notebooks the same way on the site, locally and in Colab."""

from __future__ import annotations

import os
import random
import sys

import numpy as np

from rnnbook._validate import seed_value
from rnnbook.i18n import tr


def glue(name: str, value, display: bool = False) -> None:
    """Store ``value`` for the prose of the book (myst-nb ``glue``); a no-op where myst-nb is absent.

    On the book's site, numbers quoted in the text come from the executed cell through this
    function. In Colab or a plain Jupyter, myst-nb is usually not installed and nothing is stored.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(tr("name must be a non-empty string, got {name!r}", name=name))
    if isinstance(value, np.generic):
        value = value.item()  # NumPy 2 shows np.float64(0.5), which the book's number formats cannot read
    if isinstance(value, str):
        value = _Text(value)  # a sentence is pasted as it is, not as its repr in quotes
    try:
        from myst_nb import glue as _glue
    except ImportError:
        return
    _glue(name, value, display=display)


class _Text:
    """A glued sentence: shown as itself (a str would be shown as its repr, quotes and escapes)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.text)


BUILD_VARIABLE = "RNNBOOK_BUILD"
"""Set to ``1`` by the book's build (``./book build``) in the kernels that run the chapters."""


def glue_figure(name: str, fig) -> None:
    """Store a matplotlib figure for a ``{glue:figure}`` directive in the book's build, or show it.

    On the site the figure appears where the text places it, with a translated caption and alt
    text. Everywhere else (Colab, JupyterHub, a local Jupyter, with or without myst-nb) it is shown
    under the cell. Either way it is then closed, so the inline backend does not show it a second time.
    """
    import matplotlib.pyplot as plt

    if not hasattr(fig, "savefig"):
        raise ValueError(
            tr("expected a matplotlib Figure (e.g. from plt.subplots()), got {type}", type=type(fig).__name__)
        )
    try:
        from myst_nb import glue as _glue
    except ImportError:
        _glue = None
    if _glue is not None and os.environ.get(BUILD_VARIABLE) == "1":
        _glue(name, fig, display=False)
    else:
        from IPython.display import display

        display(fig)
    plt.close(fig)


def seed_everything(seed: int = 42) -> None:
    """Seed every random number generator a chapter draws from, so that a rerun prints the same numbers.

    It seeds:

    * Python's :mod:`random` (``random.seed``) and NumPy's global generator (``np.random.seed``);
    * Keras, if it is imported: ``keras.utils.set_random_seed``, which resets Keras' global seed
      generator (weight initialisers, dropout) and seeds TensorFlow (``tf.random.set_seed``);
    * TensorFlow, if it is imported: also ``tf.config.experimental.enable_op_determinism()``, so that
      its kernels compute the same numbers on every run;
    * PyTorch, if it is imported: ``torch.manual_seed`` and ``torch.use_deterministic_algorithms(True)``.

    Import the frameworks first, then call it. Generators created with their own seed, such as
    ``np.random.default_rng(0)``, do not depend on it.

    It does not, and cannot, fix ``hash()`` of strings and bytes, nor therefore the order in which a set of
    strings is iterated: Python randomises string hashing once, when it starts, from the environment
    variable ``PYTHONHASHSEED``, and setting that variable in ``os.environ`` of a running interpreter
    changes nothing in it. Where that order matters, set the variable before Python (or the notebook's
    kernel) starts, e.g. ``PYTHONHASHSEED=0 jupyter lab``; the book's build does so for the kernels
    that run the chapters.
    """
    seed = seed_value(seed)
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)
        _torch_deterministic(torch)


def _torch_deterministic(torch) -> None:
    """``torch.use_deterministic_algorithms(True)``, without its 2 s import of the compiler.

    The public call also sets a flag of TorchInductor, PyTorch's compiler, and so imports it (about
    2 s on two cores, in every chapter). The book never compiles a model, so where the compiler is
    not loaded yet the same switch is thrown directly; once it is loaded, the public call is cheap.
    """
    switch = getattr(torch._C, "_set_deterministic_algorithms", None)
    if switch is None or "torch._inductor" in sys.modules:
        torch.use_deterministic_algorithms(True)
    else:
        switch(True, warn_only=False)


def count_params_torch(module) -> int:
    """Number of trainable parameters of a torch module, ``sum(p.numel())``."""
    return int(sum(p.numel() for p in module.parameters() if p.requires_grad))


__all__ = ["count_params_torch", "glue", "glue_figure", "seed_everything"]
