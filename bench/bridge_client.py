#!/usr/bin/env python3
"""faasgym bridge benchmark, the Python side (run by `faasgym bench bridge`, see bench/README.md).

Measures, in one run and in alternating short windows so that both see the
same machine load:

- bridge: CartPole-v1 ``env.step`` calls per second through ``faasgym_client``
  (a one-comparison policy that pushes the way the pole turns, so that episodes
  last about 200 steps; resets are included in the time, not in the count);
- raw: ZeroMQ REQ/REP round trips per second against a server that does
  nothing but reply, with request and reply frames of the same sizes as the
  bridge's ``step`` frames.

Besides the rates, each window records the CPU time of this process and, through
``MARK`` requests to the raw server, of the Node.js process that runs both servers:
CPU microseconds per call are much less sensitive to other load than wall-clock
rates, so they show where the bridge's overhead is.

Prints one JSON object on stdout.
"""

import argparse
import json
import platform
import statistics
import sys
import time

import numpy as np
import zmq

import faasgym_client


def policy(obs):
    return 1 if obs[3] > 0 else 0


def bridge_window(env, state, seconds):
    obs = state["obs"]
    steps = 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    end = t0 + seconds
    while True:
        obs, _reward, terminated, truncated, _info = env.step(policy(obs))
        steps += 1
        if terminated or truncated:
            obs, _ = env.reset()
        if (steps & 15) == 0 and time.perf_counter() >= end:
            break
    elapsed = time.perf_counter() - t0
    state["obs"] = obs
    return steps, elapsed, time.process_time() - c0


def raw_window(sock, request, seconds):
    trips = 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    end = t0 + seconds
    send, recv = sock.send, sock.recv
    while True:
        send(request)
        recv()
        trips += 1
        if (trips & 15) == 0 and time.perf_counter() >= end:
            break
    return trips, time.perf_counter() - t0, time.process_time() - c0


def mark(sock):
    """Ask the raw server to record the Node.js process's CPU time now; returns nothing."""
    sock.send(b"MARK")
    if sock.recv() != b"OK":
        raise SystemExit("the raw server did not accept MARK")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bridge", required=True, help="endpoint of `faasgym serve`")
    p.add_argument("--raw", required=True, help="endpoint of the reply-only REP server")
    p.add_argument("--env", default="CartPole-v1")
    p.add_argument("--seconds", type=float, default=6.0, help="total measured time, split over the rounds and the two sides")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--timeout", type=float, default=10.0)
    args = p.parse_args(argv)
    if args.rounds < 1 or args.seconds <= 0:
        p.error("--rounds must be >= 1 and --seconds > 0")

    env = faasgym_client.make(args.env, args.bridge, timeout=args.timeout)
    state = {"obs": env.reset(seed=0)[0]}

    # Sizes of the bridge's step frames, as this client sends and receives them.
    conn = env._conn
    calls0, sent0, recv0 = conn.calls, conn.bytes_sent, conn.bytes_received
    bridge_window(env, state, 0.3)  # also the warm-up
    n = conn.calls - calls0
    request_bytes = round((conn.bytes_sent - sent0) / n)
    reply_bytes = round((conn.bytes_received - recv0) / n)

    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.REQ)
    timeout_ms = int(args.timeout * 1000)
    for opt, val in ((zmq.LINGER, 0), (zmq.RCVTIMEO, timeout_ms), (zmq.SNDTIMEO, timeout_ms), (zmq.IMMEDIATE, 1)):
        sock.setsockopt(opt, val)
    sock.connect(args.raw)
    sock.send(("SIZE %d" % reply_bytes).encode())
    if sock.recv() != b"OK":
        raise SystemExit("the raw server did not accept the reply size")
    request = b"x" * request_bytes
    raw_window(sock, request, 0.3)  # warm-up

    window = args.seconds / args.rounds / 2
    measured = []  # (side, calls, wall, client cpu), in the order run; server CPU comes from the marks
    for r in range(args.rounds):
        # Alternate which side goes first, so that drift in machine load cancels out.
        order = ("raw", "bridge") if r % 2 == 0 else ("bridge", "raw")
        for side in order:
            mark(sock)
            if side == "raw":
                measured.append(("raw",) + raw_window(sock, request, window))
            else:
                measured.append(("bridge",) + bridge_window(env, state, window))
        mark(sock)
    sock.send(b"CPU")
    marks = json.loads(sock.recv())  # Node.js CPU microseconds at each MARK: two per round
    sock.close(linger=0)
    env.close()

    rounds = []
    cpu = {"raw": {"client": [], "server": []}, "bridge": {"client": [], "server": []}}
    k = 0
    for r in range(args.rounds):
        rates = {}
        for i in range(2):
            side, calls, wall, client_cpu = measured[2 * r + i]
            rates[side] = calls / wall
            cpu[side]["client"].append(client_cpu * 1e6 / calls)
            cpu[side]["server"].append((marks[k + i + 1] - marks[k + i]) / calls)
        k += 3
        rounds.append({"raw": round(rates["raw"], 1), "bridge": round(rates["bridge"], 1), "ratio": round(rates["bridge"] / rates["raw"], 4)})
    cpu_per_call = {side: {who: round(statistics.median(v), 2) for who, v in d.items()} for side, d in cpu.items()}

    print(
        json.dumps(
            {
                "env": args.env,
                "bridgeStepsPerSecond": round(statistics.median(x["bridge"] for x in rounds), 1),
                "rawRoundTripsPerSecond": round(statistics.median(x["raw"] for x in rounds), 1),
                "ratio": round(statistics.median(x["ratio"] for x in rounds), 4),
                "cpuMicrosPerCall": cpu_per_call,
                "requestBytes": request_bytes,
                "replyBytes": reply_bytes,
                "rounds": rounds,
                "windowSeconds": window,
                "python": platform.python_version(),
                "pyzmq": zmq.pyzmq_version(),
                "libzmqPython": zmq.zmq_version(),
                "numpy": np.__version__,
                "gymnasium": faasgym_client.HAVE_GYMNASIUM,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
