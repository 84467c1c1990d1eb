"""Client-side robustness checks (test/bridge/python.test.ts); prints one JSON object of findings.

usage: robust.py SERVER_ADDRESS BLACKHOLE_ADDRESS DEAD_ADDRESS
"""

import json
import sys
import time

import numpy as np

import faasgym_client
from faasgym_client import BridgeError, BridgeTimeout


def main():
    server, blackhole, dead = sys.argv[1:4]
    found = {"gymnasium": faasgym_client.HAVE_GYMNASIUM}

    env = faasgym_client.make("CartPole-v1", server, timeout=5.0)
    found["obs_space"] = repr(env.observation_space)
    obs, _ = env.reset(seed=0)
    try:
        env.step(5)
    except BridgeError as err:
        found["bad_action"] = [err.type, err.message]
    try:
        env.step(np.array([1, 0]))
    except (TypeError, BridgeError) as err:
        found["array_action"] = type(err).__name__
    obs, reward, *_ = env.step(np.int64(1))  # NumPy integers are fine
    found["numpy_action_reward"] = reward
    env.close()
    env.close()
    try:
        env.step(0)
    except BridgeError as err:
        found["after_close"] = err.type

    try:
        faasgym_client.make("CartPol-v1", server, timeout=5.0)
    except BridgeError as err:
        found["unknown_env"] = [err.type, err.message]
    try:
        faasgym_client.make("CartPole-v1", server, timeout=5.0, kinematicsIntegrator="rk4")
    except BridgeError as err:
        found["bad_config"] = err.type
    with faasgym_client.make("CartPole-v1", server, timeout=5.0, kinematicsIntegrator="semi-implicit euler") as ctx:
        found["config_ok"] = ctx.reset(seed=1)[0].shape == (4,)

    pend = faasgym_client.make("Pendulum-v1", server, timeout=5.0)
    pend.reset(seed=0)
    try:
        pend.step(np.array([float("nan")], dtype=np.float32))
    except ValueError:
        found["nan_action"] = "ValueError"
    try:
        pend.step(np.array([3.0], dtype=np.float32))
    except BridgeError as err:
        found["out_of_box"] = err.type
    pend.close()

    # A server that never answers: each call times out, and the next call works again (the REQ socket was replaced).
    conn = faasgym_client.Connection(blackhole, timeout=0.4, retries=0)
    timeouts = []
    for _ in range(3):
        t0 = time.monotonic()
        try:
            conn.call("step", {"handle": "x", "action": 0})
        except BridgeTimeout as err:
            timeouts.append(round(time.monotonic() - t0, 2))
            found["timeout_message"] = str(err)
    found["blackhole_timeouts"] = timeouts
    conn.close()
    conn.close()

    # Idempotent calls are retried: 1 + retries attempts.
    conn = faasgym_client.Connection(blackhole, timeout=0.3, retries=2)
    t0 = time.monotonic()
    try:
        conn.call("ping")
    except BridgeTimeout:
        found["retried_ping_seconds"] = round(time.monotonic() - t0, 2)
    conn.close()

    # Nobody listening at all.
    t0 = time.monotonic()
    try:
        faasgym_client.make("CartPole-v1", dead, timeout=0.5, retries=0)
    except BridgeTimeout:
        found["dead_server_seconds"] = round(time.monotonic() - t0, 2)
    print(json.dumps(found))


if __name__ == "__main__":
    main()
