#!/usr/bin/env python3
"""faasgym bridge benchmark, the Python side (run by `faasgym bench bridge`, see bench/README.md).

Measures, in one run and in alternating short windows so that both see the
same machine load:

- bridge: CartPole-v1 ``env.step`` calls per second through ``faasgym_client``
  (a one-comparison policy that pushes the way the pole turns, so that episodes
  last about 200 steps; resets are included in the time, not in the count);
- raw: ZeroMQ REQ/REP round trips per second against a server that does
  nothing but reply, with request and reply frames of the same sizes as the
  bridge's ``step`` frames;
- inproc (with ``--inproc``): the same steps through a server that runs its
  environments on its own thread, without the worker isolation of ``faasgym serve``
  (what the isolation costs);
- batched (with ``--batch N``): environment steps per second of ``make_vec(env, N)``,
  N steps in one ``steps`` round trip;
- relay (with ``--relay``): the same steps with ``direct=False``, through the server's own
  socket and the hand-off to the environment's worker (the path before direct endpoints);
- rawZmtp (with ``--raw-zmtp``): raw round trips, as ``raw``, against a reply-only endpoint of
  the transport that direct endpoints use (ZMTP on node:net, src/bridge/zmtp.ts).

``bridge`` is what ``faasgym_client.make`` gives by default: the environment's direct endpoint
when the server offers one (the report's ``direct``).

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


def batched_window(vec, state, seconds):
    obs = state["vobs"]
    steps = 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    end = t0 + seconds
    while True:
        obs, _r, _te, _tr, _i = vec.step([1 if o[3] > 0 else 0 for o in obs])
        steps += 1
        if (steps & 3) == 0 and time.perf_counter() >= end:
            break
    state["vobs"] = obs
    return steps * vec.num_envs, time.perf_counter() - t0, time.process_time() - c0


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
    p.add_argument("--inproc", help="endpoint of a bridge server running environments in process")
    p.add_argument("--batch", type=int, default=0, help="also measure make_vec(env, BATCH), one round trip per BATCH steps")
    p.add_argument("--relay", action="store_true", help="also measure single steps with direct=False (through the server's socket)")
    p.add_argument("--raw-zmtp", help="endpoint of a reply-only ZMTP endpoint on node:net (the direct endpoints' transport)")
    p.add_argument("--seconds", type=float, default=6.0, help="total measured time, split over the rounds and the two sides")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--timeout", type=float, default=10.0)
    args = p.parse_args(argv)
    if args.rounds < 1 or args.seconds <= 0:
        p.error("--rounds must be >= 1 and --seconds > 0")

    env = faasgym_client.make(args.env, args.bridge, timeout=args.timeout)
    state = {"obs": env.reset(seed=0)[0]}
    inproc = faasgym_client.make(args.env, args.inproc, timeout=args.timeout) if args.inproc else None
    istate = {"obs": inproc.reset(seed=0)[0]} if inproc else None
    relay = faasgym_client.make(args.env, args.bridge, timeout=args.timeout, direct=False) if args.relay else None
    rstate = {"obs": relay.reset(seed=0)[0]} if relay else None
    if relay is not None:
        bridge_window(relay, rstate, 0.3)
    vec = faasgym_client.make_vec(args.env, args.batch, args.bridge, timeout=args.timeout) if args.batch > 0 else None
    if vec is not None:
        state["vobs"] = vec.reset(seed=0)[0]
        batched_window(vec, state, 0.3)  # warm-up
    if inproc is not None:
        bridge_window(inproc, istate, 0.3)

    # Sizes of the bridge's step frames, as this client sends and receives them.
    conn = env._hot  # the connection that steps go through (the direct endpoint when there is one)
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
    zsock = None
    if args.raw_zmtp:
        zsock = ctx.socket(zmq.REQ)
        for opt, val in ((zmq.LINGER, 0), (zmq.RCVTIMEO, timeout_ms), (zmq.SNDTIMEO, timeout_ms), (zmq.IMMEDIATE, 1)):
            zsock.setsockopt(opt, val)
        zsock.connect(args.raw_zmtp)
        zsock.send(("SIZE %d" % reply_bytes).encode())
        if zsock.recv() != b"OK":
            raise SystemExit("the raw ZMTP endpoint did not accept the reply size")
        raw_window(zsock, request, 0.3)

    sides = ["raw", "bridge"] + (["relay"] if relay else []) + (["rawZmtp"] if zsock else []) + (["inproc"] if inproc else []) + (["batched"] if vec else [])
    window = args.seconds / args.rounds / len(sides)
    measured = []  # (side, calls, wall, client cpu), in the order run; server CPU comes from the marks
    for r in range(args.rounds):
        # Alternate the order, so that drift in machine load cancels out.
        order = sides if r % 2 == 0 else sides[::-1]
        for side in order:
            mark(sock)
            if side == "raw":
                measured.append(("raw",) + raw_window(sock, request, window))
            elif side == "bridge":
                measured.append(("bridge",) + bridge_window(env, state, window))
            elif side == "relay":
                measured.append(("relay",) + bridge_window(relay, rstate, window))
            elif side == "rawZmtp":
                measured.append(("rawZmtp",) + raw_window(zsock, request, window))
            elif side == "inproc":
                measured.append(("inproc",) + bridge_window(inproc, istate, window))
            else:
                measured.append(("batched",) + batched_window(vec, state, window))
        mark(sock)
    sock.send(b"CPU")
    marks = json.loads(sock.recv())  # Node.js CPU microseconds at each MARK: two per round
    sock.close(linger=0)
    env.close()
    if inproc is not None:
        inproc.close()
    if relay is not None:
        relay.close()
    if zsock is not None:
        zsock.close(linger=0)
    if vec is not None:
        vec.close()

    rounds = []
    cpu = {side: {"client": [], "server": []} for side in sides}
    k = 0
    n = len(sides)
    for r in range(args.rounds):
        rates = {}
        for i in range(n):
            side, calls, wall, client_cpu = measured[n * r + i]
            rates[side] = calls / wall
            cpu[side]["client"].append(client_cpu * 1e6 / calls)
            cpu[side]["server"].append((marks[k + i + 1] - marks[k + i]) / calls)
        k += n + 1
        row = {"raw": round(rates["raw"], 1), "bridge": round(rates["bridge"], 1), "ratio": round(rates["bridge"] / rates["raw"], 4)}
        for side in sides[2:]:
            row[side] = round(rates[side], 1)
            row[side + "Ratio"] = round(rates[side] / rates["raw"], 4)
        rounds.append(row)
    cpu_per_call = {side: {who: round(statistics.median(v), 2) for who, v in d.items()} for side, d in cpu.items()}
    extra = {}
    if inproc is not None:
        extra["inProcessStepsPerSecond"] = round(statistics.median(x["inproc"] for x in rounds), 1)
        extra["inProcessRatio"] = round(statistics.median(x["inprocRatio"] for x in rounds), 4)
    if relay is not None:
        extra["relayStepsPerSecond"] = round(statistics.median(x["relay"] for x in rounds), 1)
        extra["relayRatio"] = round(statistics.median(x["relayRatio"] for x in rounds), 4)
    if zsock is not None:
        extra["rawZmtpRoundTripsPerSecond"] = round(statistics.median(x["rawZmtp"] for x in rounds), 1)
        extra["rawZmtpRatio"] = round(statistics.median(x["rawZmtpRatio"] for x in rounds), 4)
        extra["bridgeToRawZmtp"] = round(statistics.median(x["bridge"] / x["rawZmtp"] for x in rounds), 4)
    if vec is not None:
        extra["batchSize"] = args.batch
        extra["batchedStepsPerSecond"] = round(statistics.median(x["batched"] for x in rounds), 1)
        extra["batchedRatio"] = round(statistics.median(x["batchedRatio"] for x in rounds), 4)

    print(
        json.dumps(
            {
                "env": args.env,
                "direct": env.direct_endpoint is not None,
                "bridgeStepsPerSecond": round(statistics.median(x["bridge"] for x in rounds), 1),
                "rawRoundTripsPerSecond": round(statistics.median(x["raw"] for x in rounds), 1),
                "ratio": round(statistics.median(x["ratio"] for x in rounds), 4),
                "cpuMicrosPerCall": cpu_per_call,
                "requestBytes": request_bytes,
                "replyBytes": reply_bytes,
                "rounds": rounds,
                **extra,
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
