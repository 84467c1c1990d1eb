"""The client against real ``faasgym serve`` processes (issue 12's Python items).

Run: python3 -m pytest python/tests   (test/bridge/python-client.test.ts does, after ``npm run build``).
Starts its own servers from dist/ (``FAASGYM_CLI``, ``FAASGYM_NODE`` override where they are).
"""

import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import faasgym_client  # noqa: E402
from faasgym_client import BridgeError, BridgeTimeout, BridgeUsageError, InvalidAction, ServerRestarted  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CLI = os.environ.get("FAASGYM_CLI", os.path.join(REPO, "dist", "src", "experiment", "cli.js"))
NODE = os.environ.get("FAASGYM_NODE") or shutil.which("node") or "node"
FIXTURE = os.path.join(REPO, "test", "bridge", "fixtures", "parallel-env.mjs")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """``faasgym serve --json`` on a loopback port, stopped with SIGTERM."""

    def __init__(self, *args, port=None):
        bind = "tcp://127.0.0.1:%s" % (port if port is not None else "*")
        self.proc = subprocess.Popen([NODE, CLI, "serve", "--json", "--quiet", "--bind", bind, *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if '"listening"' not in line:
            self.proc.kill()
            raise RuntimeError("faasgym serve did not start: %r %s" % (line, self.proc.stderr.read()))
        self.endpoint = json.loads(line)["endpoint"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def server():
    s = Serve("--require", FIXTURE)
    yield s.endpoint
    s.stop()


def test_make_with_no_server_fails_after_the_short_connect_timeout_and_says_how_long_it_waited():
    address = "tcp://127.0.0.1:%d" % free_port()
    t0 = time.monotonic()
    with pytest.raises(BridgeTimeout) as caught:
        faasgym_client.make("CartPole-v1", address, timeout=30.0)
    waited = time.monotonic() - t0
    assert 4.5 <= waited < 8, waited  # the default connect_timeout (5 s), not 3 x 30 s
    message = str(caught.value)
    assert "no reply to 'hello' from %s within the connect_timeout of 5 s (waited 5." % address in message
    t0 = time.monotonic()
    with pytest.raises(BridgeTimeout, match=r"connect_timeout of 0.5 s \(waited 0\.[5-9]"):
        faasgym_client.make("CartPole-v1", address, connect_timeout=0.5)
    assert time.monotonic() - t0 < 2


def test_state_and_adjacency_of_a_parallel_environment(server):
    with faasgym_client.make("BridgeToy-Parallel-v0", server, horizon=5) as env:
        obs, _ = env.reset(seed=3)
        state = env.state()
        assert state.dtype == np.float64
        assert state.tolist() == [obs["a"][0], obs["b"][0], 0]
        env.step({"a": 1, "b": -1})
        assert env.state().tolist() == [obs["a"][0] + 1, obs["b"][0] - 1, 1]
        assert env.adjacency().tolist() == [[0, 1], [1, 0]]


def test_max_episode_steps_and_wrappers_as_make_options(server):
    with faasgym_client.make("CartPole-v1", server, max_episode_steps=4) as env:
        assert env.faasgym_spec["maxEpisodeSteps"] == 4
        env.reset(seed=0)
        ends = [env.step(i % 2)[3] for i in range(4)]
        assert ends == [False, False, False, True]
    with faasgym_client.make("Pendulum-v1", server, wrappers=[{"type": "RescaleAction", "min": -1, "max": 1}, "ClipAction", "NormalizeObservation"]) as env:
        assert np.isinf(env.action_space.high).all()
        assert np.isinf(env.observation_space.low).all()
        env.reset(seed=0)
        obs, reward, *_ = env.step(np.array([7.0], np.float32))  # clipped into [-1, 1], then rescaled
        assert obs.shape == (3,) and math.isfinite(reward)
    with pytest.raises(BridgeError, match="ConfigError: make: options.wrappers\\[0\\] must be"):
        faasgym_client.make("CartPole-v1", server, wrappers=["Exec"])


def test_actions_of_the_wrong_shape_or_not_finite_are_refused_naming_the_agent(server):
    with faasgym_client.make("Pendulum-v1", server) as env:
        env.reset(seed=0)
        for bad in (np.zeros((1, 1)), np.zeros(2), [[0.5]]):
            with pytest.raises(InvalidAction, match=r"action has shape \(.*\), but the action space is a Box of shape \(1,\)"):
                env.step(bad)
        for bad in ([math.nan], [math.inf]):
            with pytest.raises(InvalidAction, match=r"action has non-finite values \((nan|inf) at index 0\)"):
                env.step(bad)
        env.step(np.array([0.5], np.float32))  # still usable
    box4 = {"type": "Box", "low": [0] * 4, "high": [1] * 4, "shape": [4], "dtype": "float32"}
    made = {"kind": "parallel", "handle": "h0-x", "agents": ["f1", "f2"], "observationSpaces": {"f1": box4, "f2": box4}, "actionSpaces": {"f1": box4, "f2": box4}, "spec": {"id": "X-v0"}}
    penv = faasgym_client.RemoteParallelEnv(None, made)
    for bad in (np.zeros((2, 2)), np.zeros((4, 1))):
        with pytest.raises(InvalidAction, match=r"action for agent 'f2' has shape \((2, 2|4, 1)\), but the action space is a Box of shape \(4,\)"):
            penv.step({"f1": np.zeros(4), "f2": bad})
    with pytest.raises(InvalidAction, match=r"action for agent 'f1' has non-finite values \(nan at index 2\)"):
        penv.step({"f1": [0, 0, math.nan, 0], "f2": np.zeros(4)})


def test_two_threads_sharing_one_environment_get_a_clear_error(server):
    with faasgym_client.make("CartPole-v1", server) as env:
        env.reset(seed=0)
        errors = []

        def drive():
            for _ in range(300):
                try:
                    _, _, terminated, truncated, _ = env.step(0)
                    if terminated or truncated:
                        return
                except BridgeUsageError as err:
                    errors.append(err)
                    return
                except BridgeError as err:
                    if err.type != "ResetNeededError":
                        errors.append(err)
                    return

        threads = [threading.Thread(target=drive) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors, "no thread noticed the sharing"
        assert all(isinstance(e, BridgeUsageError) for e in errors), errors
        assert "another thread is using this environment's connection" in str(errors[0])
        env.reset(seed=1)  # the connection is intact
        env.step(1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_cannot_drive_its_parents_environment(server):
    with faasgym_client.make("CartPole-v1", server) as env:
        env.reset(seed=0)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(r)
            try:
                env.step(0)
                msg = "stepped"
            except BridgeUsageError as err:
                msg = str(err)
            env.close()  # must not close the parent's environment
            os.write(w, msg.encode())
            os._exit(0)
        os.close(w)
        os.waitpid(pid, 0)
        with os.fdopen(r) as f:
            msg = f.read()
        assert "this environment was made in process %d; this is a forked child (pid %d)" % (os.getpid(), pid) in msg
        obs, *_ = env.step(0)  # the parent's environment is still open and usable
        assert obs.shape == (4,)


def test_ping_keeps_a_handle_alive():
    reaping = Serve("--idle-timeout", "1.5")
    try:
        with faasgym_client.make("CartPole-v1", reaping.endpoint) as env, faasgym_client.make("CartPole-v1", reaping.endpoint) as idle:
            env.reset(seed=0)
            idle.reset(seed=0)
            for _ in range(10):  # 3 s, past the 1.5 s idle timeout
                time.sleep(0.3)
                env.ping()
            env.step(0)
            with pytest.raises(BridgeError, match=r"UnknownHandleError: handle .* is closed: closed after 1.5 s idle"):
                idle.step(0)
    finally:
        reaping.stop()


def test_after_a_server_restart_the_error_says_so_and_auto_remake_makes_it_again():
    port = free_port()
    first = Serve(port=port)
    try:
        plain = faasgym_client.make("CartPole-v1", first.endpoint)
        again = faasgym_client.make("CartPole-v1", first.endpoint, auto_remake=True)
        plain.reset(seed=0)
        old = again.handle
        again.reset(seed=0)
    finally:
        first.stop()
    second = Serve(port=port)
    try:
        with pytest.raises(ServerRestarted) as caught:
            plain.step(0)
        assert "the server at %s restarted since CartPole-v1 was made" % first.endpoint in str(caught.value)
        assert "pass auto_remake=True to make()" in str(caught.value)
        with pytest.raises(ServerRestarted, match="re-made as") as remade:
            again.step(0)
        assert remade.value.remade and again.handle != old
        obs, _ = again.reset(seed=0)
        assert obs.shape == (4,)
        plain.close()
        again.close()
    finally:
        second.stop()


def test_a_vector_of_environments_steps_in_one_round_trip_and_matches_separate_ones(server):
    n = 4
    with faasgym_client.make_vec("CartPole-v1", n, server) as vec:
        singles = [faasgym_client.make("CartPole-v1", server) for _ in range(n)]
        try:
            obs, _ = vec.reset(seed=10)
            assert obs.shape == (n, 4) and obs.dtype == np.float32
            for i, env in enumerate(singles):
                o, _ = env.reset(seed=10 + i)
                np.testing.assert_array_equal(obs[i], o)
            calls = vec._conn.calls
            ended = 0
            for t in range(60):
                actions = [(t + i) % 2 for i in range(n)]
                obs, rewards, terms, truncs, infos = vec.step(actions)
                for i, env in enumerate(singles):
                    o, r, term, trunc, _ = env.step(actions[i])
                    assert (r, term, trunc) == (rewards[i], terms[i], truncs[i])
                    if term or trunc:
                        ended += 1
                        np.testing.assert_array_equal(infos[i]["final_obs"], o)
                        o, _ = env.reset()
                    np.testing.assert_array_equal(obs[i], o)
            assert ended > 0
            assert vec._conn.calls - calls == 60 + ended  # one request per step of all four, plus the autoresets
        finally:
            for env in singles:
                env.close()
    with pytest.raises(InvalidAction, match=r"action of environment 1 has non-finite values"):
        with faasgym_client.make_vec("Pendulum-v1", 2, server) as vec:
            vec.reset(seed=0)
            vec.step([[0.0], [math.nan]])
