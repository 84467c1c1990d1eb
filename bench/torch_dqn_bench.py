#!/usr/bin/env python3
"""PyTorch reference for `faasgym bench agents` (bench/README.md).

The same Q-network and update as the TensorFlow.js side: an MLP
35 -> 256 -> 128 -> 64 -> 15 with ReLU (Darly section 4.5), a target network,
minibatches of 32 drawn uniformly from a replay buffer of 10,000 random
transitions, TD target r + 0.99 (1 - done) max_a Q'(s', a), Huber loss
(smooth L1, delta 1) on the gathered Q(s, a), gradients clipped to global norm
10, Adam with learning rate 0.0025, and the loss read back every step: Stable-
Baselines3's DQN.train, which the faasgym DQN follows. Action latency is one
greedy action of one observation: a float32 NumPy row in, a Python int out.

Two ways to run it:

  python3 bench/torch_dqn_bench.py --steps 500 --actions 2000 --rounds 5
      measures `--rounds` rounds and prints one JSON object (medians).

  python3 bench/torch_dqn_bench.py --serve
      prints a JSON header line, then answers commands on stdin, one JSON line
      each: `round <threads> <train steps> <actions>` measures one round with
      torch.set_num_threads(<threads>) (0: torch's default), `quit` ends. The
      TypeScript side drives it this way to alternate rounds with its own.

Threads: torch.set_num_threads(n) and, when torch's products go through
OpenBLAS (Debian's python3-torch calls whichever libblas.so.3 is installed),
openblas_set_num_threads(n), since torch does not size OpenBLAS's own pool in
that build. The header reports which BLAS is loaded: Debian's default is the
unoptimised netlib reference BLAS (package libblas3).

Needs only torch (and NumPy, which torch's `from_numpy` uses); Debian:
`apt-get install python3-torch`.
"""
import argparse
import ctypes
import json
import math
import os
import re
import sys
import time


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except Exception as err:  # noqa: BLE001 - any import failure means "no torch"
    emit({"available": False, "reason": f"cannot import torch: {type(err).__name__}: {err}"})
    sys.exit(0)
try:
    import numpy as np
except Exception as err:  # noqa: BLE001
    emit({"available": False, "reason": f"torch imports but numpy does not: {type(err).__name__}: {err}"})
    sys.exit(0)

OBS_DIM, N_ACTIONS, HIDDEN = 35, 15, (256, 128, 64)
BATCH, LR, GAMMA, MAX_GRAD_NORM, BUFFER = 32, 0.0025, 0.99, 10.0, 10_000


def q_network():
    layers, width = [], OBS_DIM
    for h in HIDDEN:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, N_ACTIONS))
    return nn.Sequential(*layers)


class Bench:
    def __init__(self, seed=0):
        torch.manual_seed(seed)
        self.default_threads = torch.get_num_threads()
        self.blas = blas_in_use()
        self.online = q_network()
        self.target = q_network()
        self.target.load_state_dict(self.online.state_dict())
        self.target.requires_grad_(False)
        self.params = list(self.online.parameters())
        self.optimizer = torch.optim.Adam(self.params, lr=LR)
        g = torch.Generator().manual_seed(seed + 1)
        self.gen = g
        self.obs = torch.rand(BUFFER, OBS_DIM, generator=g) * 2 - 1
        self.next_obs = torch.rand(BUFFER, OBS_DIM, generator=g) * 2 - 1
        self.actions = torch.randint(0, N_ACTIONS, (BUFFER,), generator=g)
        self.rewards = torch.rand(BUFFER, generator=g) * 2 - 1
        self.dones = (torch.rand(BUFFER, generator=g) < 0.05).float()
        self.row = np.random.default_rng(seed).uniform(-1, 1, OBS_DIM).astype(np.float32)

    def train_step(self):
        idx = torch.randint(0, BUFFER, (BATCH,), generator=self.gen)
        obs, next_obs = self.obs[idx], self.next_obs[idx]
        actions, rewards, dones = self.actions[idx], self.rewards[idx], self.dones[idx]
        with torch.no_grad():
            next_q = self.target(next_obs).max(dim=1).values
            y = rewards + (1 - dones) * GAMMA * next_q
        q = self.online(obs).gather(1, actions.unsqueeze(1)).squeeze(1)
        loss = F.smooth_l1_loss(q, y)
        self.optimizer.zero_grad(set_to_none=True)  # the default from torch 2.0 on
        loss.backward()
        nn.utils.clip_grad_norm_(self.params, MAX_GRAD_NORM)
        self.optimizer.step()
        return loss.item()

    def act(self, row):
        with torch.inference_mode():
            return int(self.online(torch.from_numpy(row).unsqueeze(0)).argmax(dim=1).item())

    def round(self, threads, steps, actions):
        set_threads(threads if threads > 0 else self.default_threads)
        used = torch.get_num_threads()
        for _ in range(max(1, steps // 10)):  # settle after a thread-count change
            self.train_step()
        cpu0, t0 = time.process_time(), time.perf_counter()
        for _ in range(steps):
            self.train_step()
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        row = self.row
        for _ in range(max(1, actions // 10)):
            self.act(row)
        lat = []
        clock = time.perf_counter_ns
        for _ in range(actions):
            t = clock()
            self.act(row)
            lat.append((clock() - t) / 1000)
        lat.sort()
        after = []  # the first action after each training step (as in a training loop)
        for _ in range(min(100, steps)):
            self.train_step()
            t = clock()
            self.act(row)
            after.append((clock() - t) / 1000)
        after.sort()
        return {
            "threads": used,
            "blasThreads": blas_threads(),
            "trainSteps": steps,
            "trainSeconds": wall,
            "trainStepsPerSecond": steps / wall if wall > 0 else None,
            "trainCpuMicrosPerStep": cpu / steps * 1e6 if steps else None,
            "actions": actions,
            "actionLatencyUs": {"median": quantile(lat, 0.5), "p99": quantile(lat, 0.99)},
            "actionAfterUpdateUs": quantile(after, 0.5),
        }


def quantile(sorted_values, q):
    """Nearest-rank quantile of a sorted list (the same rule as the TypeScript side)."""
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[i]


_openblas = None  # the loaded OpenBLAS, whose own thread pool torch.set_num_threads does not size


def set_threads(n):
    """torch.set_num_threads(n), and the same for OpenBLAS's pool (torch only sizes it in builds that link OpenBLAS)."""
    torch.set_num_threads(n)
    if _openblas is not None:
        _openblas.openblas_set_num_threads(n)


def blas_threads():
    return int(_openblas.openblas_get_num_threads()) if _openblas is not None else None


def blas_in_use():
    """Which BLAS torch's float32 matrix products go through.

    Debian's python3-torch is built with BLAS_INFO=generic: it calls whatever
    libblas.so.3 the alternatives system points to (the netlib reference BLAS
    unless e.g. libopenblas0 is installed). Wheels from pypi.org link MKL.
    """
    build = None
    m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    if m:
        build = m.group(1)
    libs = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if re.search(r"blas|mkl|blis|atlas", name) and path not in libs:
                    libs.append(path)
    except OSError:
        pass
    real = [os.path.realpath(p) for p in libs]
    global _openblas
    for path in real:
        if "openblas" in path.lower():
            try:
                _openblas = ctypes.CDLL(path)
                _openblas.openblas_get_num_threads()
            except (OSError, AttributeError):
                _openblas = None
            break
    text = " ".join(real).lower()
    if "openblas" in text:
        kind = "OpenBLAS"
    elif "mkl" in text or build == "mkl":
        kind = "MKL"
    elif "blis" in text:
        kind = "BLIS"
    elif "atlas" in text:
        kind = "ATLAS"
    elif any(re.search(r"/blas/libblas\.so", p) for p in real):
        kind = "reference BLAS (netlib)"
    else:
        kind = build or "unknown"
    return {"kind": kind, "library": real[0] if real else None, "buildInfo": build}


def median(values):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def header(bench):
    return {
        "available": True,
        "version": torch.__version__,
        "defaultThreads": bench.default_threads,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas": bench.blas,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--serve", action="store_true", help="answer `round` commands on stdin (used by faasgym bench agents)")
    ap.add_argument("--steps", type=int, default=500, help="timed training steps per round")
    ap.add_argument("--actions", type=int, default=2000, help="timed batch-1 actions per round")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (0: torch's default)")
    ap.add_argument("--warmup", type=int, default=50, help="untimed training steps and actions before the first round")
    args = ap.parse_args()

    bench = Bench()
    set_threads(1 if args.serve else (args.threads or bench.default_threads))
    for _ in range(args.warmup):  # as the TypeScript side: `warmup` steps, each followed by one action
        bench.train_step()
        bench.act(bench.row)

    if args.serve:
        emit(header(bench))
        for line in sys.stdin:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "quit":
                break
            if parts[0] == "round" and len(parts) == 4:
                try:
                    emit(bench.round(int(parts[1]), int(parts[2]), int(parts[3])))
                except Exception as err:  # noqa: BLE001 - reported to the caller
                    emit({"error": f"{type(err).__name__}: {err}"})
            else:
                emit({"error": f"unknown command {line.strip()!r}"})
        return

    rounds = [bench.round(args.threads, args.steps, args.actions) for _ in range(max(1, args.rounds))]
    emit({
        **header(bench),
        "threads": rounds[0]["threads"],
        "trainStepsPerSecond": median(r["trainStepsPerSecond"] for r in rounds),
        "actionLatencyUs": {
            "median": median(r["actionLatencyUs"]["median"] for r in rounds),
            "p99": median(r["actionLatencyUs"]["p99"] for r in rounds),
        },
        "actionAfterUpdateUs": median(r["actionAfterUpdateUs"] for r in rounds),
        "rounds": rounds,
    })


if __name__ == "__main__":
    main()
