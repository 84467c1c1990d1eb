"""Remote environments: a faasgym environment on a bridge server, seen as a
Gymnasium ``Env`` (single-agent ids) or a PettingZoo ``ParallelEnv``
(multi-agent ids)."""

import json
import math

from .connection import DEFAULT_ADDRESS, Connection, _encode
from .errors import BridgeError, BridgeProtocolError
from .spaces import decoder, encoder, space_from_json, text_encoder

try:
    import gymnasium as _gym

    _EnvBase = _gym.Env
except ImportError:  # pragma: no cover - depends on the machine
    _gym = None
    _EnvBase = object

try:
    from pettingzoo import ParallelEnv as _ParallelBase
except ImportError:  # pragma: no cover - depends on the machine
    _ParallelBase = object

__all__ = ["RemoteEnv", "RemoteParallelEnv", "make", "env_fns", "PROTOCOL_VERSION"]

PROTOCOL_VERSION = 1


def _num(x):
    """A reward from the wire: JSON has no NaN, the server sends null for non-finite numbers."""
    return math.nan if x is None else float(x)


def _reset_args(handle_json, seed, options):
    text = '{"handle":' + handle_json
    if seed is not None:
        if isinstance(seed, bool) or int(seed) != seed or seed < 0:
            raise ValueError("seed must be a non-negative integer, got %r" % (seed,))
        text += ',"seed":%d' % int(seed)
    if options is not None:
        text += ',"options":' + _encode(options)
    return text + "}"


class _Remote:
    """What both kinds of remote environment share: the connection, the handle and ``close``."""

    def _attach(self, conn, made):
        self._conn = conn
        self.handle = made["handle"]
        self._handle_json = json.dumps(self.handle)
        self.faasgym_spec = made.get("spec", {})
        self._closed = False

    @property
    def closed(self):
        return self._closed

    def close(self):
        """Close the environment on the server and the socket. Idempotent.

        A handle the server already reaped (idle timeout) is not an error here;
        a server that does not answer raises ``BridgeTimeout`` once, and the
        environment counts as closed all the same (the server's idle reaper
        frees it)."""
        if getattr(self, "_closed", True):
            return
        self._closed = True
        try:
            self._conn.call_raw("close", '{"handle":' + self._handle_json + "}")
        except BridgeError as err:
            if err.type != "UnknownHandleError":
                raise
        finally:
            self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class RemoteEnv(_Remote, _EnvBase):
    """A single-agent faasgym environment on a bridge server, with Gymnasium's API.

    Subclasses ``gymnasium.Env`` when Gymnasium is importable, and then its spaces
    are ``gymnasium.spaces``; otherwise the light spaces of ``faasgym_client.spaces``.
    Build it with ``faasgym_client.make``.
    """

    metadata = {"render_modes": []}
    render_mode = None

    def __init__(self, conn, made):
        if made.get("kind") != "single":
            raise BridgeProtocolError("RemoteEnv needs a single-agent environment, got kind %r" % (made.get("kind"),))
        self._attach(conn, made)
        self.env_id = self.faasgym_spec.get("id")
        self.observation_space = space_from_json(made["observationSpace"])
        self.action_space = space_from_json(made["actionSpace"])
        self._decode = decoder(made["observationSpace"])
        self._encode_text = text_encoder(made["actionSpace"])
        self._step_prefix = '{"handle":' + self._handle_json + ',"action":'
        self._call = conn.call_once

    def reset(self, *, seed=None, options=None):
        """``(obs, info)``; ``seed`` re-seeds the server-side environment (same seed, same trajectory)."""
        if _gym is not None:
            super().reset(seed=seed)  # seeds self.np_random as Gymnasium does
        r = self._conn.call_raw("reset", _reset_args(self._handle_json, seed, options))
        return self._decode(r["obs"]), r["info"]

    def step(self, action):
        """``(obs, reward, terminated, truncated, info)``; an action outside the space raises ``BridgeError('InvalidActionError')``."""
        r = self._call("step", self._step_prefix + self._encode_text(action) + "}")
        reward = r["reward"]
        return self._decode(r["obs"]), math.nan if reward is None else float(reward), r["terminated"], r["truncated"], r["info"]

    def render(self):
        return None

    def __repr__(self):
        return "<RemoteEnv %s %s at %s>" % (self.env_id, self.handle, self._conn.address)


class RemoteParallelEnv(_Remote, _ParallelBase):
    """A multi-agent faasgym environment on a bridge server, with PettingZoo's parallel API.

    Subclasses ``pettingzoo.ParallelEnv`` when PettingZoo is importable.
    """

    metadata = {"render_modes": [], "is_parallelizable": True}
    render_mode = None

    def __init__(self, conn, made):
        if made.get("kind") != "parallel":
            raise BridgeProtocolError("RemoteParallelEnv needs a parallel environment, got kind %r" % (made.get("kind"),))
        self._attach(conn, made)
        self.env_id = self.faasgym_spec.get("id")
        self.possible_agents = list(made["agents"])
        self.agents = []
        self.observation_spaces = {a: space_from_json(made["observationSpaces"][a]) for a in self.possible_agents}
        self.action_spaces = {a: space_from_json(made["actionSpaces"][a]) for a in self.possible_agents}
        self._decode = {a: decoder(made["observationSpaces"][a]) for a in self.possible_agents}
        self._encode = {a: encoder(made["actionSpaces"][a]) for a in self.possible_agents}
        self._step_prefix = '{"handle":' + self._handle_json + ',"actions":'

    def observation_space(self, agent):
        return self.observation_spaces[agent]

    def action_space(self, agent):
        return self.action_spaces[agent]

    def _decode_all(self, obs):
        return {a: self._decode[a](o) for a, o in obs.items()}

    def reset(self, seed=None, options=None):
        """``(observations, infos)``, each keyed by agent."""
        r = self._conn.call_raw("reset", _reset_args(self._handle_json, seed, options))
        obs = self._decode_all(r["obs"])
        self.agents = list(obs.keys()) if obs else list(self.possible_agents)
        return obs, r["info"]

    def step(self, actions):
        """``(observations, rewards, terminations, truncations, infos)``; ``agents`` becomes the live agents."""
        wire = {}
        for agent, action in actions.items():
            enc = self._encode.get(agent)
            if enc is None:
                raise ValueError("unknown agent %r (possible agents: %r)" % (agent, self.possible_agents))
            wire[agent] = enc(action)
        r = self._conn.call_raw("step", self._step_prefix + _encode(wire) + "}")
        self.agents = list(r["agents"])
        rewards = {a: _num(v) for a, v in r["rewards"].items()}
        return self._decode_all(r["obs"]), rewards, r["terminations"], r["truncations"], r["infos"]

    def state(self):
        raise NotImplementedError("the bridge protocol (version 1) does not carry the global state")

    def render(self):
        return None

    def __repr__(self):
        return "<RemoteParallelEnv %s %s at %s>" % (self.env_id, self.handle, self._conn.address)


def make(env_id, address=DEFAULT_ADDRESS, timeout=30.0, *, curve_server_key=None, curve_client_keys=None, retries=2, context=None, **config):
    """Make ``env_id`` on the bridge server at ``address``.

    Returns a ``RemoteEnv`` (Gymnasium API) for single-agent ids and a
    ``RemoteParallelEnv`` (PettingZoo parallel API) for multi-agent ids. Keyword
    arguments other than the connection options below are the environment's
    config, sent as they are (faasgym's config keys are camelCase).

    Args:
        env_id: a registered id, e.g. ``"CartPole-v1"``.
        address: the server's endpoint.
        timeout: seconds each call may take before ``BridgeTimeout``.
        curve_server_key: the server's public key (Z85 text or ``server.key``) for a CURVE server.
        curve_client_keys: this client's ``.key_secret`` file or ``(public, secret)``; generated when omitted.
        retries: extra attempts of idempotent calls after a timeout.
        context: a ``zmq.Context`` (default: the process's shared instance).
    """
    if not isinstance(env_id, str) or not env_id:
        raise ValueError("env_id must be a non-empty string, got %r" % (env_id,))
    conn = Connection(address, timeout, retries, curve_server_key, curve_client_keys, context)
    try:
        hello = conn.call("hello")
        if hello.get("protocol") != PROTOCOL_VERSION:
            raise BridgeProtocolError("server at %s speaks protocol %r, this client speaks %d" % (address, hello.get("protocol"), PROTOCOL_VERSION))
        args = {"env": env_id}
        if config:
            args["config"] = config
        made = conn.call("make", args)
        try:
            if made.get("kind") == "parallel":
                return RemoteParallelEnv(conn, made)
            return RemoteEnv(conn, made)
        except BaseException:
            # The server built it: free it now rather than after the idle timeout.
            conn.call_raw("close", '{"handle":' + json.dumps(made.get("handle")) + "}")
            raise
    except BaseException:
        conn.close()
        raise


def env_fns(env_id, addresses, num_envs=None, **kwargs):
    """Thunks for vectorised setups (Stable-Baselines3 ``SubprocVecEnv``, Gymnasium ``AsyncVectorEnv``).

    ``addresses`` is one endpoint or a list of them (one ``faasgym serve`` per
    core or per machine); environment ``i`` goes to ``addresses[i % len]``.
    Each thunk calls ``make`` when the worker process runs it, so no socket
    crosses a fork. ``kwargs`` go to ``make``.
    """
    if isinstance(addresses, str):
        addresses = [addresses]
    addresses = list(addresses)
    if not addresses:
        raise ValueError("addresses must name at least one server")
    n = len(addresses) if num_envs is None else int(num_envs)

    def thunk(address):
        return lambda: make(env_id, address, **kwargs)

    return [thunk(addresses[i % len(addresses)]) for i in range(n)]
