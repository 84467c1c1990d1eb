"""Several copies of one single-agent environment on one server, stepped in one round trip
(the ``steps`` command of protocol 2): a vectorised learner pays one request per batch."""

import json

import numpy as np

from .connection import DEFAULT_ADDRESS, Connection, _encode
from .env import PROTOCOL_VERSION, _reset_args, _wrapper_spec, client_id
from .errors import BridgeError, BridgeProtocolError
from .spaces import decoder, encoder, space_from_json

__all__ = ["RemoteVectorEnv", "make_vec"]


class RemoteVectorEnv:
    """``num_envs`` copies of a single-agent environment, Gymnasium ``VectorEnv``-style.

    ``step(actions)`` sends one ``steps`` request for all copies and returns stacked
    ``(obs, rewards, terminations, truncations, infos)``; ``infos`` is a list of dicts. A copy whose
    episode ended is reset in the same call (Gymnasium's same-step autoreset): its
    ``infos[i]["final_obs"]`` and ``["final_info"]`` hold the last observation and info.
    One thread at a time, like every environment of this client.
    """

    def __init__(self, conn, made_list):
        self._conn = conn
        self.num_envs = len(made_list)
        first = made_list[0]
        if first.get("kind") != "single":
            raise BridgeProtocolError("RemoteVectorEnv needs a single-agent environment, got kind %r" % (first.get("kind"),))
        self.handles = [m["handle"] for m in made_list]
        self._handles_json = [json.dumps(h) for h in self.handles]
        self.env_id = first.get("spec", {}).get("id")
        self.single_observation_space = space_from_json(first["observationSpace"])
        self.single_action_space = space_from_json(first["actionSpace"])
        self._decode = decoder(first["observationSpace"])
        self._encode = [encoder(first["actionSpace"], "action of environment %d" % i) for i in range(self.num_envs)]
        self._closed = False

    def reset(self, *, seed=None, options=None):
        """Reset every copy (copy ``i`` with ``seed + i`` when a seed is given); ``(obs, infos)``."""
        obs, infos = [], []
        for i, h in enumerate(self._handles_json):
            r = self._conn.call_raw("reset", _reset_args(h, None if seed is None else seed + i, options))
            obs.append(self._decode(r["obs"]))
            infos.append(r["info"])
        return np.stack(obs), infos

    def step(self, actions):
        """One round trip for all copies: ``actions[i]`` goes to copy ``i``."""
        if len(actions) != self.num_envs:
            raise ValueError("step needs %d actions, got %d" % (self.num_envs, len(actions)))
        batch = ",".join('{"handle":%s,"action":%s}' % (h, _encode(enc(a))) for h, enc, a in zip(self._handles_json, self._encode, actions))
        results = self._conn.call_once("steps", '{"batch":[' + batch + "]}")["results"]
        obs, rewards, terms, truncs, infos = [], np.empty(self.num_envs), np.empty(self.num_envs, bool), np.empty(self.num_envs, bool), []
        for i, entry in enumerate(results):
            if not entry.get("ok"):
                error = entry.get("error", {})
                raise BridgeError(str(error.get("type", "Error")), "environment %d: %s" % (i, error.get("message", "")), "steps")
            r = entry["result"]
            o, info = self._decode(r["obs"]), r["info"]
            rewards[i] = np.nan if r["reward"] is None else r["reward"]
            terms[i], truncs[i] = r["terminated"], r["truncated"]
            if r["terminated"] or r["truncated"]:
                reset = self._conn.call_raw("reset", _reset_args(self._handles_json[i], None, None))
                info = dict(reset["info"], final_obs=o, final_info=info)
                o = self._decode(reset["obs"])
            obs.append(o)
            infos.append(info)
        return np.stack(obs), rewards, terms, truncs, infos

    def close(self):
        """Close every copy and the connection. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            for h in self._handles_json:
                try:
                    self._conn.call_raw("close", '{"handle":' + h + "}")
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


def make_vec(env_id, num_envs, address=DEFAULT_ADDRESS, timeout=30.0, *, connect_timeout=None, max_episode_steps=None, wrappers=None,
             curve_server_key=None, curve_client_keys=None, retries=2, context=None, **config):
    """``num_envs`` copies of ``env_id`` on one server, stepped in one round trip (``RemoteVectorEnv``).

    The options are ``make``'s; ``config`` is the environment's config, the same for every copy."""
    if int(num_envs) != num_envs or not 1 <= num_envs <= 256:
        raise ValueError("num_envs must be an integer in [1, 256], got %r" % (num_envs,))
    conn = Connection(address, timeout, retries, curve_server_key, curve_client_keys, context, connect_timeout=connect_timeout)
    made = []
    try:
        hello = conn.hello()
        if PROTOCOL_VERSION not in hello.get("protocols", [hello.get("protocol")]):
            raise BridgeProtocolError("server at %s speaks protocol %r, this client speaks %d" % (address, hello.get("protocol"), PROTOCOL_VERSION))
        args = {"env": env_id, "client": client_id()}
        if config:
            args["config"] = config
        options = {}
        if max_episode_steps is not None:
            options["maxEpisodeSteps"] = int(max_episode_steps)
        if wrappers:
            options["wrappers"] = [_wrapper_spec(w) for w in wrappers]
        if options:
            args["options"] = options
        for _ in range(int(num_envs)):
            made.append(conn.call("make", args))
        return RemoteVectorEnv(conn, made)
    except BaseException:
        for m in made:
            try:
                conn.call_raw("close", '{"handle":' + json.dumps(m["handle"]) + "}")
            except Exception:  # noqa: BLE001 - best effort: the idle reaper frees the rest
                break
        conn.close()
        raise
