"""A NumPy SimpleRNN that reproduces ``keras.layers.SimpleRNN`` (Keras 3) from the layer's own weights.

Keras stores ``kernel: (input_dim, units)`` (the book's ``W_xh``), ``recurrent_kernel: (units, units)``
(``W_hh``) and ``bias: (units,)`` (``b_h``), and computes, for each step,
``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``. SimpleRNN's output at a step
*is* its state at that step: there is no separate output matrix.
"""

from __future__ import annotations

import numpy as np

from rnnbook._validate import as_array, check_choice
from rnnbook.i18n import tr
from rnnbook.mlp import ACTIVATIONS, _activate


def _check_mask(mask, batch: int, time: int) -> np.ndarray:
    arr = np.asarray(mask)
    if arr.dtype != bool:
        if not np.isin(arr, (0, 1)).all():
            raise ValueError(tr("mask must be boolean (True = use this step), or 0/1"))
        arr = arr.astype(bool)
    if arr.shape != (batch, time):
        raise ValueError(
            tr(
                "mask must have shape (batch, time) = {expected}, got {shape}; "
                "one True/False per sequence and time step, without the features axis",
                expected=(batch, time),
                shape=arr.shape,
            )
        )
    return arr


def simple_rnn_forward(
    x,
    kernel,
    recurrent_kernel,
    bias=None,
    *,
    activation: str = "tanh",
    initial_state=None,
    return_sequences: bool = False,
    return_state: bool = False,
    go_backwards: bool = False,
    mask=None,
    zero_output_for_mask: bool = False,
):
    """Run Keras' SimpleRNN computation in NumPy.

    x: (batch, time, features); mask: (batch, time) booleans, False = skip the step (the state is
    carried over unchanged, and the output repeats the previous output, or is zero with
    ``zero_output_for_mask``). With ``go_backwards`` the sequence is read from the end and, like
    Keras, the returned sequence is in that reading order (not reversed back).

    Returns the last output ``(batch, units)``, or all outputs ``(batch, time, units)`` with
    ``return_sequences``; with ``return_state`` a pair ``(output, final_state)``.
    """
    x = as_array(x, "x", ndim=3, axes="(batch, time, features)")
    batch, time, features = x.shape
    if time == 0:
        raise ValueError(tr("x has no time steps (time = 0); a sequence needs at least one step"))
    kernel = as_array(kernel, "kernel", ndim=2, axes="(input_dim, units)")
    if kernel.shape[0] != features:
        raise ValueError(
            tr(
                "kernel has shape {kernel_shape}, so it expects {expected} features, but x has "
                "{features} (x: (batch, time, features) = {x_shape}). Did you swap the time and feature "
                "axes? Transpose with x.transpose(0, 2, 1)",
                kernel_shape=kernel.shape,
                expected=kernel.shape[0],
                features=features,
                x_shape=x.shape,
            )
        )
    units = kernel.shape[1]
    recurrent_kernel = as_array(recurrent_kernel, "recurrent_kernel", ndim=2, axes="(units, units)")
    if recurrent_kernel.shape != (units, units):
        raise ValueError(
            tr(
                "recurrent_kernel must be ({units}, {units}) for {units} units, got {shape}",
                units=units,
                shape=recurrent_kernel.shape,
            )
        )
    if bias is not None:
        bias = as_array(bias, "bias", ndim=1, axes="(units,)")
        if bias.shape != (units,):
            raise ValueError(tr("bias must have shape ({units},), got {shape}", units=units, shape=bias.shape))
    check_choice(activation, "activation", ACTIVATIONS)
    if initial_state is None:
        state = np.zeros((batch, units), dtype=np.result_type(x, kernel))
    else:
        if isinstance(initial_state, (list, tuple)):  # Keras takes a list with one state
            if len(initial_state) != 1:
                raise ValueError(
                    tr(
                        "SimpleRNN has one state; got a list of {count} initial states",
                        count=len(initial_state),
                    )
                )
            initial_state = initial_state[0]
        state = as_array(initial_state, "initial_state", ndim=2, axes="(batch, units)")
        if state.shape != (batch, units):
            raise ValueError(
                tr(
                    "initial_state must have shape (batch, units) = {expected}, got {shape}",
                    expected=(batch, units),
                    shape=state.shape,
                )
            )
    keep = None if mask is None else _check_mask(mask, batch, time)

    order = range(time - 1, -1, -1) if go_backwards else range(time)
    output = np.zeros_like(state)
    outputs = []
    for t in order:
        z = x[:, t, :] @ kernel + state @ recurrent_kernel
        if bias is not None:
            z = z + bias
        new = _activate(z, activation)
        if keep is None:
            state = output = new
        else:
            step = keep[:, t, None]
            state = np.where(step, new, state)
            output = np.where(step, new, 0.0 if zero_output_for_mask else output)
        outputs.append(output)
    result = np.stack(outputs, axis=1) if return_sequences else output
    return (result, state) if return_state else result
