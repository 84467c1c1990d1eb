"""Spaces on the Python side of the bridge.

``space_from_json`` builds a space from the JSON form the server sends
(docs/bridge-protocol.md, "Spaces"): ``gymnasium.spaces`` objects when
Gymnasium is importable, otherwise the light classes of this module, which
offer the same attributes and methods (``shape``, ``dtype``, ``low``/``high``,
``n``/``start``, ``nvec``, ``spaces``, ``sample``, ``contains``, ``seed``).

``decoder(json)`` and ``encoder(json)`` compile, once per space, the functions
that turn a wire value into a NumPy observation and an action into a wire
value; they depend only on the JSON form, so they work with both kinds of space.
"""

import json
import math

import numpy as np

from .errors import InvalidAction

try:  # Gymnasium is optional: without it the light classes below stand in.
    import gymnasium as _gym
    import gymnasium.spaces as _gym_spaces
except ImportError:  # pragma: no cover - depends on the machine
    _gym = None
    _gym_spaces = None

__all__ = [
    "HAVE_GYMNASIUM",
    "Space",
    "Box",
    "Discrete",
    "MultiDiscrete",
    "MultiBinary",
    "Dict",
    "Tuple",
    "space_from_json",
    "light_space_from_json",
    "decoder",
    "encoder",
    "text_encoder",
]

HAVE_GYMNASIUM = _gym is not None

_DTYPES = {"float32": np.float32, "float64": np.float64, "int32": np.int32, "int64": np.int64, "uint8": np.uint8}


def _bound(v):
    if v == "inf" or v == "Infinity":
        return math.inf
    if v == "-inf" or v == "-Infinity":
        return -math.inf
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError("a Box bound must be a number, 'inf' or '-inf', got %r" % (v,))
    return float(v)


def _check_type(json, expected=None):
    if not isinstance(json, dict) or "type" not in json:
        raise ValueError("a space must be a JSON object with a 'type', got %r" % (json,))
    if expected is not None and json["type"] != expected:
        raise ValueError("expected a %s space, got %r" % (expected, json["type"]))
    return json["type"]


# --------------------------------------------------------------------------- light spaces


class Space:
    """Base of the light spaces (Gymnasium's ``Space`` API, the parts agents use)."""

    def __init__(self, shape=None, dtype=None, seed=None):
        self._shape = None if shape is None else tuple(int(d) for d in shape)
        self.dtype = None if dtype is None else np.dtype(dtype)
        self._np_random = None
        if seed is not None:
            self.seed(seed)

    @property
    def shape(self):
        return self._shape

    @property
    def np_random(self):
        if self._np_random is None:
            self.seed()
        return self._np_random

    def seed(self, seed=None):
        """Seed the space's generator (``numpy.random.default_rng``); returns ``[seed]``."""
        self._np_random = np.random.default_rng(seed)
        return [seed]

    def contains(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def __contains__(self, x):
        return self.contains(x)

    def sample(self, mask=None):  # pragma: no cover - abstract
        raise NotImplementedError


class Box(Space):
    """A box in R^n (or Z^n for integer dtypes): ``low <= x <= high`` element-wise."""

    def __init__(self, low, high, shape=None, dtype=np.float32, seed=None):
        dtype = np.dtype(dtype)
        if shape is None:
            shape = np.shape(low) if np.ndim(low) > 0 else np.shape(high)
        shape = tuple(int(d) for d in shape)
        super().__init__(shape, dtype, seed)
        self.low = np.broadcast_to(np.asarray(low, dtype=np.float64), shape).astype(dtype)
        self.high = np.broadcast_to(np.asarray(high, dtype=np.float64), shape).astype(dtype)
        if np.any(self.low > self.high):
            raise ValueError("Box low must not exceed high")

    def is_bounded(self, manner="both"):
        below = bool(np.all(np.isfinite(self.low)))
        above = bool(np.all(np.isfinite(self.high)))
        if manner == "both":
            return below and above
        if manner == "below":
            return below
        if manner == "above":
            return above
        raise ValueError("manner must be 'both', 'below' or 'above', got %r" % (manner,))

    def sample(self, mask=None):
        rng = self.np_random
        if np.issubdtype(self.dtype, np.integer):
            return rng.integers(self.low.astype(np.int64), self.high.astype(np.int64), endpoint=True, size=self.shape).astype(self.dtype)
        low = self.low.astype(np.float64)
        high = self.high.astype(np.float64)
        out = np.empty(self.shape, dtype=np.float64)
        both = np.isfinite(low) & np.isfinite(high)
        lo_only = np.isfinite(low) & ~np.isfinite(high)
        hi_only = ~np.isfinite(low) & np.isfinite(high)
        neither = ~np.isfinite(low) & ~np.isfinite(high)
        out[both] = rng.uniform(low[both], high[both])
        out[lo_only] = low[lo_only] + rng.exponential(size=int(lo_only.sum()))
        out[hi_only] = high[hi_only] - rng.exponential(size=int(hi_only.sum()))
        out[neither] = rng.normal(size=int(neither.sum()))
        return np.clip(out, low, high).astype(self.dtype)

    def contains(self, x):
        if not isinstance(x, np.ndarray):
            try:
                x = np.asarray(x, dtype=self.dtype)
            except (ValueError, TypeError):
                return False
        if x.shape != self.shape:
            return False
        if np.issubdtype(self.dtype, np.integer) and not np.issubdtype(x.dtype, np.integer):
            return False
        return bool(np.all(x >= self.low) and np.all(x <= self.high))

    def __repr__(self):
        return "Box(%s, %s, %s, %s)" % (self.low.min() if self.low.size else "", self.high.max() if self.high.size else "", self.shape, self.dtype)

    def __eq__(self, other):
        return (
            isinstance(other, Box)
            and self.shape == other.shape
            and self.dtype == other.dtype
            and np.array_equal(self.low, other.low)
            and np.array_equal(self.high, other.high)
        )


class Discrete(Space):
    """The integers ``{start, ..., start + n - 1}``."""

    def __init__(self, n, start=0, seed=None):
        if int(n) < 1:
            raise ValueError("Discrete n must be positive, got %r" % (n,))
        super().__init__((), np.int64, seed)
        self.n = np.int64(n)
        self.start = np.int64(start)

    def sample(self, mask=None):
        return np.int64(self.start + self.np_random.integers(self.n))

    def contains(self, x):
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            v = int(x)
        elif isinstance(x, np.ndarray) and x.shape == () and np.issubdtype(x.dtype, np.integer):
            v = int(x)
        else:
            return False
        return int(self.start) <= v < int(self.start + self.n)

    def __repr__(self):
        return "Discrete(%d)" % self.n if self.start == 0 else "Discrete(%d, start=%d)" % (self.n, self.start)

    def __eq__(self, other):
        return isinstance(other, Discrete) and self.n == other.n and self.start == other.start


class MultiDiscrete(Space):
    """A vector of integers, element ``i`` in ``{start[i], ..., start[i] + nvec[i] - 1}``."""

    def __init__(self, nvec, start=None, dtype=np.int64, seed=None):
        self.nvec = np.asarray(nvec, dtype=np.int64)
        self.start = np.zeros_like(self.nvec) if start is None else np.asarray(start, dtype=np.int64)
        super().__init__(self.nvec.shape, dtype, seed)

    def sample(self, mask=None):
        return (self.start + self.np_random.integers(self.nvec)).astype(self.dtype)

    def contains(self, x):
        x = np.asarray(x)
        if x.shape != self.shape or not np.issubdtype(x.dtype, np.integer):
            return False
        return bool(np.all(x >= self.start) and np.all(x < self.start + self.nvec))

    def __repr__(self):
        return "MultiDiscrete(%s)" % (self.nvec.tolist(),)

    def __eq__(self, other):
        return isinstance(other, MultiDiscrete) and np.array_equal(self.nvec, other.nvec) and np.array_equal(self.start, other.start)


class MultiBinary(Space):
    """A vector of ``n`` zeros and ones."""

    def __init__(self, n, seed=None):
        self.n = int(n)
        super().__init__((self.n,), np.int8, seed)

    def sample(self, mask=None):
        return self.np_random.integers(2, size=self.n).astype(np.int8)

    def contains(self, x):
        x = np.asarray(x)
        return x.shape == self.shape and bool(np.all((x == 0) | (x == 1)))

    def __repr__(self):
        return "MultiBinary(%d)" % self.n

    def __eq__(self, other):
        return isinstance(other, MultiBinary) and self.n == other.n


class Dict(Space):
    """A dictionary of named sub-spaces (insertion order kept)."""

    def __init__(self, spaces, seed=None):
        self.spaces = dict(spaces)
        super().__init__(None, None, seed)

    def seed(self, seed=None):
        super().seed(seed)
        seeds = self._np_random.integers(2**31, size=len(self.spaces)) if seed is not None else [None] * len(self.spaces)
        for space, s in zip(self.spaces.values(), seeds):
            space.seed(None if s is None else int(s))
        return [seed]

    def sample(self, mask=None):
        return {k: s.sample() for k, s in self.spaces.items()}

    def contains(self, x):
        return isinstance(x, dict) and x.keys() == self.spaces.keys() and all(s.contains(x[k]) for k, s in self.spaces.items())

    def __getitem__(self, key):
        return self.spaces[key]

    def __iter__(self):
        return iter(self.spaces)

    def __len__(self):
        return len(self.spaces)

    def keys(self):
        return self.spaces.keys()

    def __repr__(self):
        return "Dict(%s)" % ", ".join("%r: %r" % kv for kv in self.spaces.items())

    def __eq__(self, other):
        return isinstance(other, Dict) and self.spaces == other.spaces


class Tuple(Space):
    """A tuple of sub-spaces."""

    def __init__(self, spaces, seed=None):
        self.spaces = tuple(spaces)
        super().__init__(None, None, seed)

    def seed(self, seed=None):
        super().seed(seed)
        seeds = self._np_random.integers(2**31, size=len(self.spaces)) if seed is not None else [None] * len(self.spaces)
        for space, s in zip(self.spaces, seeds):
            space.seed(None if s is None else int(s))
        return [seed]

    def sample(self, mask=None):
        return tuple(s.sample() for s in self.spaces)

    def contains(self, x):
        if isinstance(x, list):
            x = tuple(x)
        return isinstance(x, tuple) and len(x) == len(self.spaces) and all(s.contains(v) for s, v in zip(self.spaces, x))

    def __getitem__(self, i):
        return self.spaces[i]

    def __iter__(self):
        return iter(self.spaces)

    def __len__(self):
        return len(self.spaces)

    def __repr__(self):
        return "Tuple(%s)" % ", ".join(repr(s) for s in self.spaces)

    def __eq__(self, other):
        return isinstance(other, Tuple) and self.spaces == other.spaces


_LIGHT = {"Box": Box, "Discrete": Discrete, "MultiDiscrete": MultiDiscrete, "MultiBinary": MultiBinary, "Dict": Dict, "Tuple": Tuple}


# --------------------------------------------------------------------------- JSON → space


def _build(json, classes, gym):
    kind = _check_type(json)
    if kind == "Box":
        dtype = _DTYPES.get(json.get("dtype", "float32"))
        if dtype is None:
            raise ValueError("unknown Box dtype %r" % (json.get("dtype"),))
        shape = tuple(int(d) for d in json["shape"])
        low = np.array([_bound(v) for v in json["low"]], dtype=np.float64).reshape(shape)
        high = np.array([_bound(v) for v in json["high"]], dtype=np.float64).reshape(shape)
        # In the space's own dtype: the server's float32 bounds are exact float32 values.
        low, high = low.astype(dtype), high.astype(dtype)
        return classes["Box"](low=low, high=high, shape=shape, dtype=dtype)
    if kind == "Discrete":
        return classes["Discrete"](int(json["n"]), start=int(json.get("start", 0)))
    if kind == "MultiDiscrete":
        nvec = np.asarray(json["nvec"], dtype=np.int64)
        start = json.get("start")
        if start is None:
            return classes["MultiDiscrete"](nvec)
        start = np.asarray(start, dtype=np.int64)
        if gym:
            try:
                return classes["MultiDiscrete"](nvec, start=start)
            except TypeError:  # a Gymnasium without `start`
                if np.any(start != 0):
                    raise
                return classes["MultiDiscrete"](nvec)
        return classes["MultiDiscrete"](nvec, start=start)
    if kind == "MultiBinary":
        return classes["MultiBinary"](int(json["n"]))
    if kind == "Dict":
        return classes["Dict"]({k: _build(v, classes, gym) for k, v in json["spaces"].items()})
    if kind == "Tuple":
        return classes["Tuple"](tuple(_build(v, classes, gym) for v in json["spaces"]))
    raise ValueError("unknown space type %r" % (kind,))


def light_space_from_json(json):
    """A light (Gymnasium-free) space from its JSON form."""
    return _build(json, _LIGHT, False)


def space_from_json(json):
    """A ``gymnasium.spaces`` space from its JSON form when Gymnasium is importable, a light one otherwise."""
    if _gym_spaces is None:
        return _build(json, _LIGHT, False)
    classes = {name: getattr(_gym_spaces, name) for name in _LIGHT}
    return _build(json, classes, True)


# --------------------------------------------------------------------------- wire conversion


def decoder(json):
    """A function: wire value (from ``json.loads``) → observation of the space (NumPy)."""
    kind = _check_type(json)
    if kind == "Box":
        dtype = _DTYPES[json.get("dtype", "float32")]
        shape = tuple(int(d) for d in json["shape"])
        floating = np.issubdtype(dtype, np.floating)
        if len(shape) == 1:
            if floating:
                def box1(v, _d=dtype):
                    try:
                        return np.array(v, dtype=_d)
                    except TypeError:  # null (a non-finite number on the wire)
                        return np.array([math.nan if e is None else e for e in v], dtype=_d)
                return box1
            return lambda v, _d=dtype: np.array(v, dtype=_d)

        def box(v, _d=dtype, _s=shape, _f=floating):
            try:
                a = np.array(v, dtype=_d)
            except TypeError:
                if not _f:
                    raise
                a = np.array([math.nan if e is None else e for e in np.ravel(np.array(v, dtype=object))], dtype=_d)
            return a.reshape(_s)
        return box
    if kind == "Discrete":
        return int
    if kind == "MultiDiscrete":
        return lambda v: np.array(v, dtype=np.int64)
    if kind == "MultiBinary":
        return lambda v: np.array(v, dtype=np.int8)
    if kind == "Dict":
        subs = [(k, decoder(s)) for k, s in json["spaces"].items()]
        return lambda v, _subs=subs: {k: d(v[k]) for k, d in _subs}
    if kind == "Tuple":
        subs = [decoder(s) for s in json["spaces"]]
        return lambda v, _subs=subs: tuple(d(x) for d, x in zip(_subs, v))
    raise ValueError("unknown space type %r" % (kind,))


def _to_int(a):
    if isinstance(a, (bool, np.bool_)):
        raise TypeError("a Discrete action must be an integer, got a boolean %r" % (a,))
    if isinstance(a, int):
        return a
    if isinstance(a, (np.integer, np.ndarray)) and np.ndim(a) == 0:
        if not np.issubdtype(np.asarray(a).dtype, np.integer):
            raise TypeError("a Discrete action must be an integer, got %r" % (a,))
        return int(a)
    if isinstance(a, (float, np.floating)) and float(a).is_integer():
        return int(a)
    raise TypeError("a Discrete action must be an integer, got %r" % (a,))


def _box_encoder(json, what):
    dtype = _DTYPES[json.get("dtype", "float32")]
    shape = tuple(int(d) for d in json["shape"])
    size = int(np.prod(shape)) if shape else 1
    flat = (size,)
    floating = np.issubdtype(dtype, np.floating)

    def box(a):
        arr = np.asarray(a, dtype=dtype)
        if arr.shape != shape and arr.shape != flat:
            raise InvalidAction(
                "%s has shape %s, but the action space is a Box of shape %s (refused rather than reshaped)"
                % (what, arr.shape, shape)
            )
        if floating and not np.isfinite(arr).all():
            bad = np.flatnonzero(~np.isfinite(arr.ravel()))
            raise InvalidAction(
                "%s has non-finite values (%s at index %s): actions must be finite numbers"
                % (what, arr.ravel()[bad[0]], int(bad[0]))
            )
        return arr.ravel().tolist()

    return box


def encoder(json, what="action"):
    """A function: action (Python or NumPy) → wire value (plain lists and numbers, Box values flattened).

    A Box action must have the space's shape (or be flat with as many elements) and be finite:
    ``InvalidAction`` naming ``what`` (e.g. the agent) otherwise."""
    kind = _check_type(json)
    if kind == "Box":
        return _box_encoder(json, what)
    if kind == "Discrete":
        return _to_int
    if kind in ("MultiDiscrete", "MultiBinary"):
        return lambda a: np.asarray(a).astype(np.int64, casting="same_kind").ravel().tolist()
    if kind == "Dict":
        subs = [(k, encoder(s, "%s[%r]" % (what, k))) for k, s in json["spaces"].items()]
        return lambda a, _subs=subs: {k: e(a[k]) for k, e in _subs}
    if kind == "Tuple":
        subs = [encoder(s, "%s[%d]" % (what, i)) for i, s in enumerate(json["spaces"])]
        return lambda a, _subs=subs: [e(x) for e, x in zip(_subs, a)]
    raise ValueError("unknown space type %r" % (kind,))


_json_text = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def text_encoder(json_space, what="action"):
    """A function: action → its JSON text on the wire (``encoder`` then JSON, with a fast path for ``Discrete``).

    Non-finite numbers raise ``ValueError`` here: JSON cannot carry them."""
    if _check_type(json_space) == "Discrete":
        def discrete(a):
            if a.__class__ is int:
                return repr(a)
            return repr(_to_int(a))
        return discrete
    enc = encoder(json_space, what)
    return lambda a: _json_text(enc(a))
