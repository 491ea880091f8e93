"""The exercise checkers accept right answers and reject typical wrong ones, in the reader's language."""

import inspect

import numpy as np
import pytest

import rnnbook
from conftest import needs
from rnnbook.exercises import ch01, ch02, ch03, ch04, ch05
from rnnbook.exercises._report import STRICT_VARIABLE, CheckResult


def test_param_count_checker():
    assert ch01.check_mlp_param_count(20 * 64 + 64 + 64 * 10 + 10)
    assert not ch01.check_mlp_param_count(20 * 64 + 64)
    assert not ch01.check_mlp_param_count("1994")
    assert ch01.check_mlp_param_count(3 * 5 + 5 + 5 * 2 + 2, in_features=3, num_hiddens=5, num_outputs=2)


def test_window_checker():
    assert ch01.check_window_param_count(10 * 3 * 16 + 16)
    result = ch01.check_window_param_count(3 * 16 + 16)
    assert not result
    assert "one time step" in str(result)


def test_softmax_checker():
    def good(O):
        E = np.exp(O - O.max(axis=-1, keepdims=True))
        return E / E.sum(axis=-1, keepdims=True)

    def overflowing(O):
        return np.exp(O) / np.exp(O).sum(axis=-1, keepdims=True)

    def wrong_axis(O):
        E = np.exp(O - O.max())
        return E / E.sum(axis=0, keepdims=True)

    result = ch01.check_softmax(good)
    assert result
    assert "✓" in str(result)
    assert repr(result).startswith("✓")
    with np.errstate(all="ignore"):
        assert not ch01.check_softmax(overflowing)
    assert not ch01.check_softmax(wrong_axis)
    assert not ch01.check_softmax(42)


def test_linear_port_checker():
    needs("keras", "torch")

    def right(linear, dense):
        dense.set_weights([linear.weight.detach().numpy().T, linear.bias.detach().numpy()])

    def no_transpose(linear, dense):
        w = linear.weight.detach().numpy()
        dense.set_weights([w.reshape(dense.get_weights()[0].shape), linear.bias.detach().numpy()])

    def crashes(linear, dense):
        raise RuntimeError("boom")

    assert ch01.check_linear_port(right)
    assert not ch01.check_linear_port(no_transpose)
    result = ch01.check_linear_port(crashes)
    assert not result
    assert "RuntimeError" in str(result)
    assert repr(result).startswith("✗")


def test_ch02_checkers():
    from rnnbook.exercises import ch02

    assert ch02.check_rnn_param_count(8 * 32 + 32 * 32 + 32)
    assert not ch02.check_rnn_param_count(8 * 32 + 32)
    assert not ch02.check_rnn_param_count(10 * (8 * 32 + 32 * 32 + 32))

    def step(X_t, H_prev, W_xh, W_hh, b_h):
        return np.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)

    def transposed(X_t, H_prev, W_xh, W_hh, b_h):
        return np.tanh(X_t @ W_xh + H_prev @ W_hh.T + b_h)

    assert ch02.check_rnn_step(step)
    result = ch02.check_rnn_step(transposed)
    assert not result
    assert "transpose" in str(result)
    assert ch02.check_counter(0.5, 1.0, 0.5)
    assert not ch02.check_counter(1.0, 1.0, 0.0)
    assert ch02.check_stacked_weights(lambda a, b: np.vstack([a, b]))
    assert not ch02.check_stacked_weights(lambda a, b: np.vstack([b, a]))
    assert not ch02.check_stacked_weights(lambda a, b: np.hstack([a.T, b]))


def test_ch03_checkers():
    import numpy as np

    from rnnbook.exercises import ch03

    needs("keras", "torch")  # the checkers run real layers

    assert ch03.check_param_counts(16 * (8 + 16 + 1), 16 * (8 + 16 + 2))
    assert not ch03.check_param_counts(16 * (8 + 16 + 1), 16 * (8 + 16 + 1))
    assert not ch03.check_param_counts(10 * 16 * (8 + 16 + 1), 16 * (8 + 16 + 2))

    def forward(x, kernel, recurrent_kernel, bias):
        h = np.zeros((x.shape[0], kernel.shape[1]))
        for t in range(x.shape[1]):
            h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        return h

    def every_step(x, kernel, recurrent_kernel, bias):
        h, out = np.zeros((x.shape[0], kernel.shape[1])), []
        for t in range(x.shape[1]):
            h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
            out.append(h)
        return np.stack(out, axis=1)

    assert ch03.check_forward(forward)
    result = ch03.check_forward(every_step)
    assert not result
    assert "last one" in str(result)

    def right(rnn):
        w = [p.detach().numpy() for p in (rnn.weight_ih_l0, rnn.weight_hh_l0)]
        return [w[0].T, w[1].T, (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()]

    def one_bias(rnn):
        w = right(rnn)
        return [w[0], w[1], rnn.bias_ih_l0.detach().numpy()]

    assert ch03.check_torch_to_keras_weights(right)
    result = ch03.check_torch_to_keras_weights(one_bias)
    assert not result
    assert "sum" in str(result)
    assert ch03.check_steps_to_vanish(44)
    assert not ch03.check_steps_to_vanish(45)
    assert not ch03.check_steps_to_vanish(43)


def test_checkers_return_a_result_and_print_nothing(capsys):
    result = ch01.check_mlp_param_count(1)
    assert isinstance(result, CheckResult)
    assert bool(result) is False
    assert repr(result).startswith("✗") and str(result).count("✗") == 1
    right = ch01.check_mlp_param_count(20 * 64 + 64 + 64 * 10 + 10)
    assert isinstance(right, CheckResult) and bool(right) is True
    assert repr(right).startswith("✓")
    assert not ch01.check_mlp_param_count("many")  # a rejected answer is a result too
    assert capsys.readouterr().out == ""


def _public_checkers():
    """Every ``check_*`` function defined in the chapters' checker modules, found by name."""
    found = []
    for module in (ch01, ch02, ch03, ch04, ch05):
        names = [
            name
            for name, fn in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("check_") and fn.__module__ == module.__name__
        ]
        assert names, f"{module.__name__} has no check_* function"
        found += [(module, name) for name in names]
    return found


CHECKERS = _public_checkers()


def _raises(*args, **kwargs):
    raise RuntimeError("an answer that always fails")


def test_every_checker_is_found():
    names = {f"{module.__name__.rsplit('.', 1)[-1]}.{name}" for module, name in CHECKERS}
    assert {"ch01.check_mlp_param_count", "ch03.check_trained_rnn", "ch05.check_forecaster"} <= names
    assert len(names) == len(CHECKERS) >= 5


@pytest.mark.parametrize("answer", [None, _raises], ids=["None", "raising-function"])
@pytest.mark.parametrize(
    ("module", "name"), CHECKERS, ids=[f"{m.__name__.rsplit('.', 1)[-1]}.{n}" for m, n in CHECKERS]
)
def test_every_checker_rejects_a_wrong_kind_of_answer_with_a_result_and_prints_nothing(
    module, name, answer, capsys, monkeypatch
):
    """None, or a function that raises at once, for every answer a checker requires: a ✗, never a raise."""
    monkeypatch.delenv(STRICT_VARIABLE, raising=False)
    check = getattr(module, name)
    args, kwargs = [], {}
    for parameter in inspect.signature(check).parameters.values():
        if parameter.default is not inspect.Parameter.empty:
            continue  # options such as in_features= or seed= keep their defaults
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = answer
        else:
            args.append(answer)
    assert args or kwargs, f"{name} takes no answer"
    result = check(*args, **kwargs)
    assert isinstance(result, CheckResult), f"{name} returned {type(result).__name__}"
    assert bool(result) is False
    assert repr(result).startswith("✗ ") and str(result).count("✗") == 1, repr(result)
    assert result.message.strip(), f"{name} gave no reason"
    assert capsys.readouterr() == ("", ""), f"{name} printed"


@pytest.fixture
def russian(monkeypatch):
    """A fake Russian catalogue with one checker message; the language goes back to English afterwards."""
    msgid = "{value} counts only the hidden layer: add the output layer, h·q + q"
    fake = {msgid: "{value} — только скрытый слой (поддельный)"}
    monkeypatch.delenv("RNNBOOK_ALL_LANGUAGES", raising=False)
    monkeypatch.setattr(rnnbook.i18n, "catalogue", lambda lang: fake if lang == "ru" else {})
    rnnbook.set_language("ru")
    yield
    rnnbook.set_language("en")


def test_checker_speaks_the_chosen_language(russian):
    result = ch01.check_mlp_param_count(20 * 64 + 64)
    assert not result
    assert result.message == f"{20 * 64 + 64} — только скрытый слой (поддельный)"
    assert str(result) == f"✗ {20 * 64 + 64} — только скрытый слой (поддельный)"


def test_ch05_checkers():
    from rnnbook.exercises import ch05

    assert ch05.check_num_windows(70)
    result = ch05.check_num_windows(69)
    assert not result
    assert "off by one" in str(result)

    def my_mase(y_true, y_pred, y_train):
        return np.mean(np.abs(y_true - y_pred)) / np.mean(np.abs(np.diff(y_train)))

    assert ch05.check_mase(my_mase)

    def recursive(predict_one, window, steps):
        window, out = window.copy(), []
        for _ in range(steps):
            nxt = float(predict_one(window[None, :, None])[0])
            out.append(nxt)
            window = np.roll(window, -1)
            window[-1] = nxt
        return np.array(out)

    def first_only(predict_one, window, steps):
        return np.repeat(float(predict_one(window[None, :, None])[0]), steps)

    assert ch05.check_recursive(recursive)
    assert not ch05.check_recursive(first_only)

    assert ch05.check_scaling(lambda s, cut: (s - s[:cut].mean()) / s[:cut].std())
    assert ch05.check_scaling(lambda s, cut: (s - s[:cut].mean()) / s[:cut].std(ddof=1))  # the sample std is right too
    result = ch05.check_scaling(lambda s, cut: (s - s.mean()) / s.std())
    assert not result
    assert "leakage" in str(result)


def test_checkers_turn_a_broken_answer_into_a_hint():
    from rnnbook.exercises import ch02, ch05

    result = ch02.check_rnn_step("not a function")
    assert not result
    assert "expected a function rnn_step" in str(result)
    result = ch01.check_softmax(lambda O: [["a"] * O.shape[1]] * O.shape[0])
    assert not result
    assert "expected an array of numbers" in str(result)
    result = ch01.check_softmax(lambda O: O.reshape(-1, 1) + O)  # broadcasting fails inside the function
    assert not result
    assert "your function raised ValueError" in str(result) and "keepdims" in str(result)
    result = ch05.check_mase(lambda *a: None)
    assert not result
    assert "returned None" in str(result)
