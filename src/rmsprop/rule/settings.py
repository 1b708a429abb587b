"""The settings of the RMSprop rule: one frozen object that checks itself.

:class:`Settings` is the single source of the rule's options. Its fields, with their
defaults, documentation and command-line help, give the keyword arguments and the
Parameters section of :func:`rmsprop.rmsprop`, :data:`OPTION_NAMES`, the ``settings``
mapping of a transformation, the compiled engines' spec (:meth:`Settings.spec`), the
command line's flags and the playground's controls. Adding an option is a field here and
a line in :func:`rmsprop.rule.step.make_step`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .. import schedules
from .._validate import check_option_names, flag, in_range, positive_or_none
from . import arithmetic as pieces
from .step import INSIDE, OFF, OUTSIDE, SPEC, bias_correction

__all__ = ["Settings", "FIELDS", "FIELD_NAMES", "OPTION_NAMES", "DEFAULT_LEARNING_RATE", "option", "parameters_doc"]

#: The default learning rate where one is not required (PyTorch's default; the seed uses 0.1).
DEFAULT_LEARNING_RATE = 0.01


def option(default: Any, doc: str, help: str, kind: str = "number") -> Any:
    """A field of :class:`Settings` with its documentation (numpydoc) and its one-line command-line help.

    Parameters
    ----------
    default : object
        The field's default.
    doc : str
        Its documentation, one paragraph: the Parameters entry of :func:`rmsprop.rmsprop`
        and of :class:`Settings` (:func:`parameters_doc`).
    help : str
        Its one-line help on the command line (``rmsprop run --help``).
    kind : {"number", "flag", "limit", "rate", "choice"}, optional
        ``"number"`` (default), ``"flag"`` (a switch), ``"limit"`` (a number or ``None`` for
        off), ``"rate"`` (a number or a schedule) or ``"choice"`` (a name).

    Returns
    -------
    dataclasses.Field
        The field, with ``doc``, ``help`` and ``kind`` in its ``metadata``.

    Examples
    --------
    >>> import dataclasses
    >>> @dataclasses.dataclass(frozen=True)
    ... class Tiny:
    ...     rate: float = option(0.1, "The rate.", "Rate (default 0.1).")
    >>> field = dataclasses.fields(Tiny)[0]
    >>> Tiny().rate, field.metadata["help"], field.metadata["kind"]
    (0.1, 'Rate (default 0.1).', 'number')
    """
    return dataclasses.field(default=default, metadata={"doc": doc, "help": help, "kind": kind})


@dataclasses.dataclass(frozen=True)
class Settings:
    """The checked settings of one RMSprop rule; every field is documented in :func:`rmsprop.rmsprop`.

    Building one checks every value and every combination, with a message that says what
    is wrong and what is allowed. The Parameters below are made at import from the
    fields' ``doc`` (:func:`parameters_doc`), as those of :func:`rmsprop.rmsprop` are.

    Raises
    ------
    TypeError
        A value of the wrong type.
    ValueError
        A value out of its range, or options that do not go together.

    Examples
    --------
    >>> from rmsprop import Settings
    >>> Settings(learning_rate=0.1, momentum=0.9).momentum
    0.9
    >>> Settings(decay=1.5)
    Traceback (most recent call last):
    ...
    ValueError: Invalid decay: 1.5; allowed: [0, 1)
    """

    learning_rate: Any = option(
        DEFAULT_LEARNING_RATE,
        "A rate ``>= 0`` or a schedule ``t -> rate`` (see :mod:`rmsprop.schedules`).",
        "Learning rate (default 0.01, or the flavor's).",
        "rate",
    )
    decay: float = option(
        0.9,
        "``gamma`` of the seed, ``rho`` in Keras, ``alpha`` in PyTorch; in ``[0, 1)``.",
        "Decay of the average of squares (default 0.9).",
    )
    eps: float = option(
        1e-8,
        "Added for numerical stability; ``> 0`` (``>= 0`` when ``initial_scale > 0`` and ``decay > 0``, as "
        "TF1 allows; then a long run of zero gradients can still take ``e`` to 0 by underflow, after about "
        "150 steps at decay 0.5 in float32, and give 0/0).",
        "Added for stability (default 1e-8).",
    )
    eps_in_sqrt: bool = option(
        True,
        "``True``: ``sqrt(e + eps)`` (seed; Keras; TF; Optax). ``False``: ``sqrt(e) + eps`` (PyTorch "
        "``torch.optim.RMSprop``; Caffe's ``RMSPropSolver``).",
        "eps inside the root, sqrt(e + eps) (seed, Keras, Optax), not sqrt(e) + eps (PyTorch).",
        "flag",
    )
    initial_scale: float = option(
        0.0,
        "Start value of ``e``: 0 in the seed, PyTorch, Keras and Optax; 1 in TF1's "
        "``tf.compat.v1.train.RMSPropOptimizer``.",
        "Start value of the average (TF1: 1).",
    )
    centered: bool = option(
        False,
        "Divide by an estimate of the standard deviation, ``sqrt(e - m^2)``, instead of the root mean square "
        '(Graves 2013, "Generating sequences with recurrent neural networks", eqs. 38-41).',
        "Divide by the standard deviation (Graves 2013).",
        "flag",
    )
    momentum: float = option(
        0.0,
        "Heavy-ball momentum ``b`` on the scaled gradient, in ``[0, 1)``.",
        "Heavy-ball momentum in [0, 1).",
    )
    nesterov: bool = option(
        False,
        "Nesterov's form of momentum (PyTorch's SGD, Optax's ``trace(nesterov=True)``); needs momentum.",
        "Nesterov's form of momentum.",
        "flag",
    )
    lr_inside_momentum: bool = option(
        False,
        "The learning rate inside the momentum buffer (TF, Keras, Optax) instead of outside (PyTorch); the "
        "two agree while the rate is constant.",
        "lr inside the buffer (TF, Keras).",
        "flag",
    )
    weight_decay: float = option(
        0.0,
        "Coupled: the L2 gradient ``weight_decay * x`` is added to ``g`` (PyTorch, Caffe).",
        "L2 weight decay added to the gradient.",
    )
    decoupled_weight_decay: bool = option(
        False,
        "``x`` shrinks by ``lr * weight_decay * x`` apart from the adaptive step (Loshchilov & Hutter 2019, "
        '"Decoupled weight decay regularization"; Keras 3\'s ``weight_decay``).',
        "Decay the weights apart from the step (AdamW style).",
        "flag",
    )
    maximize: bool = option(
        False, "Ascend instead of descend (PyTorch's ``maximize``).", "Ascend instead of descend.", "flag"
    )
    bias_correction: bool = option(
        False,
        "Divide the averages by ``1 - decay^(t+1)`` so that they are unbiased while they warm up from zero "
        "(Kingma & Ba 2015, Adam; Optax's ``bias_correction``).",
        "Unbias the averages (Adam style).",
        "flag",
    )
    clip_value: float | None = option(
        None,
        "Clip each raw gradient component to ``[-clip_value, clip_value]`` (Keras's ``clipvalue``).",
        "Clip each gradient component to [-c, c].",
        "limit",
    )
    clip_norm: float | None = option(
        None,
        "Clip each array's gradient to this L2 norm (Keras's ``clipnorm``), after ``clip_value``.",
        "Clip the gradient's norm to c.",
        "limit",
    )
    global_clip_norm: float | None = option(
        None,
        "Clip the norm of all arrays together (Keras's ``global_clipnorm``), after ``clip_norm``.",
        "Clip the norm of all gradients together to c (Keras).",
        "limit",
    )
    arithmetic: str = option(
        "seed",
        'How the lines are rounded, not what they compute: ``"seed"`` (every line as written), '
        '``"torch"``, ``"keras_torch"``, ``"keras_torch_float64"`` or ``"optax"`` (those libraries\' '
        "fused multiply-adds and orders, see :mod:`rmsprop.rule.arithmetic`). The flavors of "
        ":mod:`rmsprop.compat` set it; with a fused arithmetic an update may be formed as ``x_new - x``, which "
        "``apply_updates`` turns back into ``x_new`` exactly whenever the step is less than half of ``|x|`` "
        "(Sterbenz's lemma).",
        "How the lines are rounded: seed, torch, keras_torch, optax.",
        "choice",
    )

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "learning_rate", _rate(self.learning_rate))
        decay = in_range("decay", self.decay, 0.0, 1.0)
        setattr_(self, "decay", decay)
        setattr_(self, "eps_in_sqrt", flag("eps_in_sqrt", self.eps_in_sqrt))
        initial_scale = in_range("initial_scale", self.initial_scale, 0.0)
        setattr_(self, "initial_scale", initial_scale)
        # eps = 0 needs e > 0 from the start and for ever after, else 0/0 on a zero gradient
        setattr_(self, "eps", in_range("eps", self.eps, 0.0, low_open=initial_scale == 0.0 or decay == 0.0))
        setattr_(self, "centered", flag("centered", self.centered))
        momentum = in_range("momentum", self.momentum, 0.0, 1.0)
        setattr_(self, "momentum", momentum)
        for name in ("nesterov", "lr_inside_momentum", "decoupled_weight_decay", "maximize", "bias_correction"):
            setattr_(self, name, flag(name, getattr(self, name)))
        weight_decay = in_range("weight_decay", self.weight_decay, 0.0)
        setattr_(self, "weight_decay", weight_decay)
        for name in ("clip_value", "clip_norm", "global_clip_norm"):
            setattr_(self, name, positive_or_none(name, getattr(self, name)))
        if self.nesterov and momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0; set momentum (e.g. 0.9) or nesterov=False")
        if self.lr_inside_momentum and momentum == 0.0:
            raise ValueError("lr_inside_momentum=True needs momentum > 0; it only says where lr meets the buffer")
        if self.decoupled_weight_decay and weight_decay == 0.0:
            raise ValueError("decoupled_weight_decay=True needs weight_decay > 0")
        if not isinstance(self.arithmetic, str) or self.arithmetic not in pieces.ARITHMETICS:
            raise ValueError(f"unknown arithmetic {self.arithmetic!r}; allowed: {', '.join(pieces.ARITHMETICS)}")

    @classmethod
    def build(cls, where: str, **given: Any) -> Settings:
        """The settings from keyword arguments, refusing names that are not options, as ``where`` (for messages).

        Parameters
        ----------
        where : str
            The caller's name, for the message about an unknown option.
        **given
            Field values.

        Returns
        -------
        Settings

        Raises
        ------
        TypeError
            For an unknown option or a value of the wrong type.
        ValueError
            For a value out of range or options that do not go together.
        """
        check_option_names(given, FIELD_NAMES, where)
        return cls(**given)

    def as_dict(self) -> dict[str, Any]:
        """Every field by name (the learning rate as given: a number or a schedule).

        Returns
        -------
        dict
            ``{field name: value}``, in the order of :data:`FIELD_NAMES`.
        """
        return {name: getattr(self, name) for name in FIELD_NAMES}

    @property
    def arithmetic_pieces(self) -> pieces.Arithmetic:
        """The :class:`~rmsprop.rule.arithmetic.Arithmetic` named by ``arithmetic``."""
        return pieces.ARITHMETICS[self.arithmetic]

    @property
    def needs_params(self) -> bool:
        """Whether a step must read the parameters (weight decay)."""
        return self.weight_decay > 0.0

    @property
    def uses_params(self) -> bool:
        """Whether a step reads the parameters when they are given (weight decay, or PyTorch's fused descend)."""
        return self.needs_params or (self.momentum > 0.0 and self.arithmetic_pieces.descend != pieces.PLAIN)

    @property
    def clips(self) -> bool:
        """Whether the gradient is clipped in any way."""
        return self.clip_value is not None or self.clip_norm is not None or self.global_clip_norm is not None

    @property
    def schedule(self) -> schedules.Schedule:
        """The learning rate as a schedule ``t -> rate``."""
        return schedules.as_schedule(self.learning_rate)

    def step_numbers(self, t: int) -> tuple[float, float]:
        """The learning rate of step ``t`` and its bias correction ``1 - decay^(t+1)`` (1 without it).

        Parameters
        ----------
        t : int
            The step, ``0`` for the first.

        Returns
        -------
        lr : float
            The rate, the schedule's at ``t`` where it is one.
        correction : float
            :func:`rmsprop.rule.step.bias_correction`, or 1.0 without ``bias_correction``.

        Raises
        ------
        ValueError
            If a schedule's rate at ``t`` is negative or not finite.
        """
        lr = self.learning_rate
        if callable(lr):
            lr = schedules.evaluate(lr, t)
        return lr, bias_correction(self.decay, t) if self.bias_correction else 1.0

    def debias_piece(self, dtype: Any) -> int:
        """The bias correction's piece for arrays of ``dtype``, or ``OFF``.

        Parameters
        ----------
        dtype : numpy.dtype
            The arrays' real precision.

        Returns
        -------
        int
            ``OFF`` without ``bias_correction``; else the arithmetic's ``debias_float32``
            piece for float32, :data:`~rmsprop.rule.arithmetic.PLAIN` otherwise.
        """
        if not self.bias_correction:
            return OFF
        if np.dtype(dtype) == np.float32:
            return self.arithmetic_pieces.debias_float32
        return pieces.PLAIN

    def spec(self, dtype: Any, x_given: bool = True) -> tuple[int, ...]:
        """What :func:`rmsprop.rule.step.make_step` does for arrays of ``dtype``: a tuple indexed by ``SPEC``.

        ``x_given`` says whether the step will see the parameters: without them PyTorch's
        fused descend falls back to ``-lr * b``, the same number as an update.

        Parameters
        ----------
        dtype : numpy.dtype
            The arrays' real precision.
        x_given : bool, optional
            Whether the step sees the parameters; default True.

        Returns
        -------
        tuple of int
            One entry per name of :data:`rmsprop.rule.step.SPEC`: a flag (0 or 1), a piece
            of :mod:`rmsprop.rule.arithmetic`, or ``OFF``.
        """
        a = self.arithmetic_pieces
        coupled = decoupled = OFF
        if self.weight_decay > 0.0:
            if self.decoupled_weight_decay:
                decoupled = a.decoupled_weight_decay
            else:
                coupled = a.coupled_weight_decay
        momentum = OFF
        if self.momentum > 0.0:
            momentum = INSIDE if self.lr_inside_momentum else OUTSIDE
        values = {
            "clip_value": self.clip_value is not None,
            "clip_norm": self.clip_norm is not None,
            "global_clip_norm": self.global_clip_norm is not None,
            "maximize": self.maximize,
            "coupled_weight_decay": coupled,
            "mean_square": a.mean_square,
            "centered": self.centered,
            "mean": a.mean,
            "variance": a.variance,
            "debias": self.debias_piece(dtype),
            "eps_in_sqrt": self.eps_in_sqrt,
            "momentum": momentum,
            "nesterov": self.nesterov,
            "descend": a.descend if x_given else pieces.PLAIN,
            "decoupled_weight_decay": decoupled,
        }
        return tuple(int(values[name]) for name in SPEC)


def _rate(value: Any) -> Any:
    """A checked learning rate: a Python float ``>= 0``, or the schedule as given."""
    schedule = schedules.as_schedule(value)
    if callable(value):
        return schedule
    assert isinstance(schedule, schedules.constant)  # as_schedule makes a number a constant
    return schedule.value


#: Every field of :class:`Settings` by name, in order: its ``default`` and its ``metadata`` (``doc``, ``help``, ``kind``).
FIELDS = {field.name: field for field in dataclasses.fields(Settings)}
#: Every field of :class:`Settings`, in order.
FIELD_NAMES = tuple(FIELDS)
#: Keyword options of :func:`rmsprop.rmsprop` besides ``learning_rate``, ``decay`` and ``eps``.
OPTION_NAMES = FIELD_NAMES[3:]


_TYPES = {"number": "float", "flag": "bool", "limit": "float or None", "rate": "float or callable", "choice": "str"}


def parameters_doc(indent: str = "", names: Any = None, defaults: Any = None) -> str:
    """The numpydoc Parameters entries of the fields, made from their metadata.

    Each field gives a line ``name : type, default value`` and its ``doc``, wrapped and
    indented by four more spaces.

    Parameters
    ----------
    indent : str, optional
        Put before every line (the docstring's own indentation); default none.
    names : iterable of str, optional
        The fields, in the order given; default every field, in order.
    defaults : dict, optional
        Defaults that differ from the fields' own (a caller's, such as the playground's
        learning rate); default none.

    Returns
    -------
    str
        The entries, one field after the other, without a final newline.

    Examples
    --------
    >>> for line in parameters_doc().splitlines()[:4]:
    ...     print(line)
    learning_rate : float or callable, default 0.01
        A rate ``>= 0`` or a schedule ``t -> rate`` (see :mod:`rmsprop.schedules`).
    decay : float, default 0.9
        ``gamma`` of the seed, ``rho`` in Keras, ``alpha`` in PyTorch; in ``[0, 1)``.
    >>> print(parameters_doc(names=["momentum"], defaults={"momentum": 0.5}))
    momentum : float, default 0.5
        Heavy-ball momentum ``b`` on the scaled gradient, in ``[0, 1)``.
    """
    defaults = defaults or {}
    lines = []
    for name in FIELD_NAMES if names is None else names:
        field = FIELDS[name]
        default = defaults.get(name, field.default)
        lines.append(f"{indent}{name} : {_TYPES[field.metadata['kind']]}, default {default!r}")
        words, line = field.metadata["doc"].split(), indent + "    "
        for word in words:
            if len(line) + len(word) > 92:
                lines.append(line.rstrip())
                line = indent + "    "
            line += word + " "
        lines.append(line.rstrip())
    return "\n".join(lines)


# The Parameters of Settings, made from the fields as rmsprop.rmsprop's are (before its Raises).
Settings.__doc__ = (Settings.__doc__ or "").replace(
    "\n    Raises\n", f"\n    Parameters\n    ----------\n{parameters_doc(indent='    ')}\n\n    Raises\n", 1
)
