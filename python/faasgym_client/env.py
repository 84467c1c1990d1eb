"""Remote environments: a faasgym environment on a bridge server, seen as a
Gymnasium ``Env`` (single-agent ids) or a PettingZoo ``ParallelEnv``
(multi-agent ids)."""

import json
import math
import os
import socket as _socket
import uuid

import numpy as np

from .connection import DEFAULT_ADDRESS, WIRE_VERSION, Connection, _encode
from .errors import BridgeError, BridgeException, BridgeProtocolError, BridgeTimeout, ServerRestarted
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

PROTOCOL_VERSION = WIRE_VERSION

_client = (None, None)


def client_id():
    """This process's client id (host, pid and a random part): all its environments share one
    share of the server's handle limit (``--max-handles-per-client``). A forked child gets its own."""
    global _client
    pid = os.getpid()
    if _client[0] != pid:
        _client = (pid, "%s:%d:%s" % (_socket.gethostname()[:64], pid, uuid.uuid4().hex[:12]))
    return _client[1]


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

    def _attach(self, conn, made, make_args=None, instance=None, auto_remake=False):
        self._conn = conn
        self._make_args = make_args
        self._instance = instance
        self._auto_remake = bool(auto_remake)
        self.faasgym_spec = made.get("spec", {})
        self._closed = False
        self._direct = None
        self._set_handle(made)

    def _set_handle(self, made):
        """Take the handle (and the direct endpoint, if any) of a ``make`` result."""
        self.handle = made["handle"]
        self._handle_json = json.dumps(self.handle)
        direct = made.get("direct")
        if self._direct is not None:
            self._direct.close()
            self._direct = None
        if direct is not None:
            if not isinstance(direct, str) or not direct.startswith("tcp://"):
                raise BridgeProtocolError("make returned a direct endpoint that is not tcp://host:port: %r" % (direct,))
            c = self._conn
            # The environment's own endpoint (its worker's socket): reset/step/state/adjacency skip the server's thread.
            # A request that cannot be queued within a second means the endpoint is gone (closed, reaped, stopped,
            # a restarted server): the server's endpoint then says why (see _explained).
            self._direct = Connection(direct, c.timeout, c.retries, context=c._context, connect_timeout=c.connect_timeout, send_timeout=1.0)
        #: The connection of the hot calls: the direct endpoint when the server gave one, else the server's.
        self._hot = self._direct if self._direct is not None else self._conn
        self._on_handle()

    @property
    def direct_endpoint(self):
        """The environment's own endpoint that ``reset``/``step`` use, or None when they go through the server's."""
        return None if self._direct is None else self._direct.address

    def _hot_call(self, cmd, args_json):
        """``cmd`` on the hot connection (the direct endpoint when there is one); see ``_after_timeout``."""
        try:
            return self._hot.call_once(cmd, args_json)
        except BridgeTimeout as err:
            return self._after_timeout(err, cmd, args_json)

    def _after_timeout(self, err, cmd, args_json):
        """A timeout on the hot connection. On the direct endpoint, the server's endpoint is asked about the
        handle: if it is gone, the server's typed error (``UnknownHandleError`` naming why: the request time
        limit, memory, the idle reaper, a restart) is raised instead of the timeout; if it lives and the
        request was never queued, the server's endpoint carries this one request (the environment runs
        requests from both one at a time); otherwise the timeout is raised."""
        if self._direct is None:
            raise err
        try:
            self._conn.call_raw("ping", '{"handle":' + self._handle_json + "}")
        except BridgeError as gone:
            raise gone from None
        except BridgeException:
            raise err from None
        if not err.sent:
            return self._conn.call_once(cmd, args_json)
        raise err

    @property
    def closed(self):
        return self._closed

    def _handle_lost(self, err, cmd):
        """Turn an ``UnknownHandleError`` after a server restart into ``ServerRestarted`` (re-making the
        environment first with ``auto_remake``). Returns True when it re-made it; raises otherwise."""
        if not isinstance(err, BridgeError) or err.type != "UnknownHandleError" or self._instance is None:
            raise err
        try:
            hello = self._conn.hello()
        except BridgeException:
            raise err from None
        now = hello.get("instance")
        if now is None or now == self._instance:
            raise err
        old = self.handle
        if not self._auto_remake or self._make_args is None:
            raise ServerRestarted(
                "the server at %s restarted since %s was made (instance %s, now %s): handle %s and its environment are gone; "
                "make a new environment, or pass auto_remake=True to make() to have it re-made" % (self._conn.address, self.env_id, self._instance, now, old),
                cmd,
            ) from None
        args = dict(self._make_args)
        if hello.get("direct") is not True:
            args.pop("direct", None)  # the restarted server offers no direct endpoints: everything through its own
        made = self._conn.call("make", args)
        self._instance = now
        self._set_handle(made)
        return True

    def ping(self):
        """Ask the server whether this environment is still there; counts as use (the idle reaper spares it)."""
        try:
            self._conn.call_raw("ping", '{"handle":' + self._handle_json + "}")
        except BridgeError as err:
            self._handle_lost(err, "ping")
            raise ServerRestarted("the server restarted; %s was re-made as %s: call reset()" % (self.env_id, self.handle), "ping", remade=True) from None

    def close(self):
        """Close the environment on the server and the socket. Idempotent.

        A handle the server already reaped (idle timeout) is not an error here;
        a server that does not answer raises ``BridgeTimeout`` once, and the
        environment counts as closed all the same (the server's idle reaper
        frees it)."""
        if getattr(self, "_closed", True):
            return
        self._closed = True
        if self._conn.forked:
            self._conn.close()  # a forked child never closes its parent's environment
            if self._direct is not None:
                self._direct.close()
            return
        try:
            self._conn.call_raw("close", '{"handle":' + self._handle_json + "}")
        except BridgeError as err:
            if err.type != "UnknownHandleError":
                raise
        finally:
            self._conn.close()
            if self._direct is not None:
                self._direct.close()

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

    def __init__(self, conn, made, **remake):
        if made.get("kind") != "single":
            raise BridgeProtocolError("RemoteEnv needs a single-agent environment, got kind %r" % (made.get("kind"),))
        self.env_id = made.get("spec", {}).get("id")
        self._attach(conn, made, **remake)
        self.observation_space = space_from_json(made["observationSpace"])
        self.action_space = space_from_json(made["actionSpace"])
        self._decode = decoder(made["observationSpace"])
        self._encode_text = text_encoder(made["actionSpace"])

    def _on_handle(self):
        self._step_prefix = '{"handle":' + self._handle_json + ',"action":'

    def reset(self, *, seed=None, options=None):
        """``(obs, info)``; ``seed`` re-seeds the server-side environment (same seed, same trajectory)."""
        if _gym is not None:
            super().reset(seed=seed)  # seeds self.np_random as Gymnasium does
        try:
            r = self._hot_call("reset", _reset_args(self._handle_json, seed, options))
        except BridgeError as err:
            self._handle_lost(err, "reset")  # re-made after a server restart: reset the new one
            r = self._hot_call("reset", _reset_args(self._handle_json, seed, options))
        return self._decode(r["obs"]), r["info"]

    def step(self, action):
        """``(obs, reward, terminated, truncated, info)``; an action outside the space raises ``BridgeError('InvalidActionError')``."""
        text = self._encode_text(action)
        try:
            r = self._hot.call_once("step", self._step_prefix + text + "}")
        except BridgeTimeout as err:
            r = self._step_after_timeout(err, text)
        except BridgeError as err:
            self._handle_lost(err, "step")
            raise ServerRestarted("the server restarted; %s was re-made as %s: call reset()" % (self.env_id, self.handle), "step", remade=True) from None
        reward = r["reward"]
        return self._decode(r["obs"]), math.nan if reward is None else float(reward), r["terminated"], r["truncated"], r["info"]

    def _step_after_timeout(self, err, text):
        try:
            return self._after_timeout(err, "step", self._step_prefix + text + "}")
        except BridgeError as lost:
            self._handle_lost(lost, "step")
            raise ServerRestarted("the server restarted; %s was re-made as %s: call reset()" % (self.env_id, self.handle), "step", remade=True) from None

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

    def __init__(self, conn, made, **remake):
        if made.get("kind") != "parallel":
            raise BridgeProtocolError("RemoteParallelEnv needs a parallel environment, got kind %r" % (made.get("kind"),))
        self.env_id = made.get("spec", {}).get("id")
        self._attach(conn, made, **remake)
        self.possible_agents = list(made["agents"])
        self.agents = []
        self.observation_spaces = {a: space_from_json(made["observationSpaces"][a]) for a in self.possible_agents}
        self.action_spaces = {a: space_from_json(made["actionSpaces"][a]) for a in self.possible_agents}
        self._decode = {a: decoder(made["observationSpaces"][a]) for a in self.possible_agents}
        self._encode = {a: encoder(made["actionSpaces"][a], "action for agent %r" % (a,)) for a in self.possible_agents}

    def _on_handle(self):
        self._step_prefix = '{"handle":' + self._handle_json + ',"actions":'

    def observation_space(self, agent):
        return self.observation_spaces[agent]

    def action_space(self, agent):
        return self.action_spaces[agent]

    def _decode_all(self, obs):
        return {a: self._decode[a](o) for a, o in obs.items()}

    def reset(self, seed=None, options=None):
        """``(observations, infos)``, each keyed by agent."""
        try:
            r = self._hot_call("reset", _reset_args(self._handle_json, seed, options))
        except BridgeError as err:
            self._handle_lost(err, "reset")
            r = self._hot_call("reset", _reset_args(self._handle_json, seed, options))
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
        try:
            r = self._hot_call("step", self._step_prefix + _encode(wire) + "}")
        except BridgeError as err:
            self._handle_lost(err, "step")
            raise ServerRestarted("the server restarted; %s was re-made as %s: call reset()" % (self.env_id, self.handle), "step", remade=True) from None
        self.agents = list(r["agents"])
        rewards = {a: _num(v) for a, v in r["rewards"].items()}
        return self._decode_all(r["obs"]), rewards, r["terminations"], r["truncations"], r["infos"]

    def _query(self, cmd):
        try:
            return self._hot_call(cmd, '{"handle":' + self._handle_json + "}")[cmd]
        except BridgeError as err:
            self._handle_lost(err, cmd)
            raise ServerRestarted("the server restarted; %s was re-made as %s: call reset()" % (self.env_id, self.handle), cmd, remade=True) from None

    def state(self):
        """The global state for centralised critics (``ParallelEnv.state()`` on the server), a float64 array."""
        return np.asarray(self._query("state"), dtype=np.float64)

    def adjacency(self):
        """The workflow topology (adjacency matrix of the agents) for mean-field and attention agents."""
        return np.asarray(self._query("adjacency"), dtype=np.float64)

    def render(self):
        return None

    def __repr__(self):
        return "<RemoteParallelEnv %s %s at %s>" % (self.env_id, self.handle, self._conn.address)


def _wrapper_spec(w):
    if isinstance(w, str):
        return {"type": w}
    if isinstance(w, dict) and isinstance(w.get("type"), str):
        return dict(w)
    raise ValueError('a wrapper is a name ("ClipAction", "NormalizeObservation") or a dict such as {"type": "RescaleAction", "min": -1, "max": 1}, got %r' % (w,))


def make(env_id, address=DEFAULT_ADDRESS, timeout=30.0, *, connect_timeout=None, max_episode_steps=None, wrappers=None, auto_remake=False,
         curve_server_key=None, curve_client_keys=None, retries=2, context=None, direct=None, **config):
    """Make ``env_id`` on the bridge server at ``address``.

    Returns a ``RemoteEnv`` (Gymnasium API) for single-agent ids and a
    ``RemoteParallelEnv`` (PettingZoo parallel API) for multi-agent ids. Keyword
    arguments other than the options below are the environment's config, sent as
    they are (faasgym's config keys are camelCase; numbers, booleans, strings and
    lists of them). ``backend="name"`` picks a backend the server offers.

    Args:
        env_id: a registered id, e.g. ``"CartPole-v1"``.
        address: the server's endpoint.
        timeout: seconds each call (make, reset, step, ...) may take before ``BridgeTimeout``.
        connect_timeout: seconds the first ``hello`` may take, tried once (default ``min(5, timeout)``):
            with no server there, ``make`` fails after this long.
        max_episode_steps: override the registered episode length (the server's ``TimeLimit``).
        wrappers: wrappers applied on the server, innermost first (single-agent ids):
            ``"ClipAction"``, ``"NormalizeObservation"``, ``{"type": "RescaleAction", "min": -1, "max": 1}``.
        auto_remake: after a server restart, make the environment again (``reset`` then goes on;
            a ``step`` raises ``ServerRestarted`` with ``remade=True``: call ``reset()``).
        curve_server_key: the server's public key (Z85 text or ``server.key``) for a CURVE server.
        curve_client_keys: this client's ``.key_secret`` file or ``(public, secret)``; generated when omitted.
        retries: extra attempts of idempotent calls after a timeout.
        context: a ``zmq.Context`` (default: the process's shared instance).
        direct: send ``reset``/``step``/``state``/``adjacency`` to the environment's own endpoint (its
            worker's socket, announced by the server in the ``make`` reply), which skips a hop through the
            server's thread. ``None`` (default): when the server offers it (``hello``'s ``direct``);
            ``True``: require it; ``False``: everything through the server's endpoint.
    """
    if direct not in (None, True, False):
        raise ValueError("direct must be None, True or False, got %r" % (direct,))
    if not isinstance(env_id, str) or not env_id:
        raise ValueError("env_id must be a non-empty string, got %r" % (env_id,))
    options = {}
    if max_episode_steps is not None:
        if isinstance(max_episode_steps, bool) or int(max_episode_steps) != max_episode_steps or max_episode_steps < 1:
            raise ValueError("max_episode_steps must be a positive integer, got %r" % (max_episode_steps,))
        options["maxEpisodeSteps"] = int(max_episode_steps)
    if wrappers:
        options["wrappers"] = [_wrapper_spec(w) for w in wrappers]
    conn = Connection(address, timeout, retries, curve_server_key, curve_client_keys, context, connect_timeout=connect_timeout)
    try:
        hello = conn.hello()
        spoken = hello.get("protocols", [hello.get("protocol")])
        if PROTOCOL_VERSION not in spoken:
            raise BridgeProtocolError("server at %s speaks protocol %r, this client speaks %d" % (address, hello.get("protocol"), PROTOCOL_VERSION))
        args = {"env": env_id, "client": client_id()}
        offered = hello.get("direct") is True
        if direct is True and not offered:
            raise BridgeProtocolError("the server at %s offers no direct endpoints (it needs worker isolation, a loopback tcp:// bind and no CURVE); pass direct=None or False" % (address,))
        if offered and direct is not False:
            args["direct"] = True
        if config:
            args["config"] = config
        if options:
            args["options"] = options
        made = conn.call("make", args)
        remake = {"make_args": args, "instance": hello.get("instance"), "auto_remake": auto_remake}
        try:
            if made.get("kind") == "parallel":
                return RemoteParallelEnv(conn, made, **remake)
            return RemoteEnv(conn, made, **remake)
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
