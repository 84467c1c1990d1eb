#!/usr/bin/env python3
"""PyTorch references for `faasgym bench agents` (bench/README.md).

One reference per learner, each the same networks, minibatch, optimiser and
update as the registered faasgym agent it is timed against (the TypeScript
side sends the sizes and hyperparameters it built the agent with):

- dqn: Stable-Baselines3's DQN.train (Darly section 4.5): an MLP Q-network and a
  target network, TD target r + gamma (1 - done) max_a Q'(s', a), Huber loss on
  the gathered Q(s, a), clip_grad_norm_, Adam; the loss read back.
- ddpg: SB3's DDPG (TD3 with one critic): critic (Q(s, a) - y)^2 with
  y = r + gamma (1 - done) Q'(s', mu'(s')), then the actor maximising
  Q(s, mu(s)) with the updated critic, then Polyak averaging of both targets.
- maddpg, meanfield, attmf (FaaSConf section 4): one actor and one critic per
  agent (or one shared), critic inputs (global state and joint action; own
  action and the neighbours' mean action; attention-weighted neighbour states
  and actions with topology-masked attention, eq. 9), the critics' loss, the
  actors' loss with every agent's own action from its actor, Polyak
  averaging of every target (attention modules included).
- ppo (CleanRL ppo.py): one whole PPO update of a stored rollout: GAE(lambda)
  outside the graph, `epochs` passes of shuffled minibatches, per-minibatch
  advantage normalisation, clipped surrogate, (clipped) value loss, entropy
  bonus, clip_grad_norm_, Adam or AdamW. Variant "mlp": separate actor and
  critic MLPs, categorical over the actor's logits. Variant "rank" (FaaSRank
  score-rank-select, 003 section IV-B): a score network and a baseline network
  applied to every candidate row (its features and the shared ones), logits
  of masked rows at -1e9, softmax over the candidates, value = mean baseline
  over the valid rows. An action is the greedy action of one observation.

An action is one greedy action of one observation (a float32 NumPy row in,
numbers out). Replay rows are random (the timing does not depend on them).

  python3 bench/torch_agents_bench.py --serve
      prints a JSON header line, then answers commands on stdin, one JSON line
      each: `setup <learner> <json spec>` builds a learner, `round <learner>
      <threads> <train steps> <actions>` measures one round with
      torch.set_num_threads(<threads>) (0: torch's default), `quit` ends.

Threads: torch.set_num_threads(n) and, when torch's products go through
OpenBLAS, openblas_set_num_threads(n). The header reports which BLAS is
loaded: Debian's python3-torch calls whatever libblas.so.3 is installed (the
unoptimised netlib reference BLAS unless e.g. libopenblas0 is).

Needs torch and NumPy; Debian: `apt-get install python3-torch`.
"""
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

BUFFER = 10_000
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "elu": nn.ELU, "sigmoid": nn.Sigmoid}


def mlp(inputs, hidden, outputs, activation="relu", out=None):
    layers, width = [], inputs
    for h in hidden:
        layers += [nn.Linear(width, h), ACTIVATIONS[activation]()]
        width = h
    layers.append(nn.Linear(width, outputs))
    if out == "tanh":
        layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def polyak(target, source, tau):
    with torch.no_grad():
        for t, s in zip(target, source):
            t.mul_(1 - tau).add_(s, alpha=tau)


def adam_step(optimizer, params, loss, max_norm):
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if max_norm > 0:
        nn.utils.clip_grad_norm_(params, max_norm)
    optimizer.step()


class Dqn:
    def __init__(self, s, gen):
        self.s = s
        self.online = mlp(s["obs"], s["hidden"], s["actions"], s.get("activation", "relu"))
        self.target = mlp(s["obs"], s["hidden"], s["actions"], s.get("activation", "relu"))
        self.target.load_state_dict(self.online.state_dict())
        self.target.requires_grad_(False)
        self.params = list(self.online.parameters())
        self.optimizer = torch.optim.Adam(self.params, lr=s["lr"])
        self.gen = gen
        self.obs = torch.rand(BUFFER, s["obs"], generator=gen) * 2 - 1
        self.next_obs = torch.rand(BUFFER, s["obs"], generator=gen) * 2 - 1
        self.actions = torch.randint(0, s["actions"], (BUFFER,), generator=gen)
        self.rewards = torch.rand(BUFFER, generator=gen) * 2 - 1
        self.dones = (torch.rand(BUFFER, generator=gen) < 0.05).float()
        self.row = np.random.default_rng(0).uniform(-1, 1, s["obs"]).astype(np.float32)

    def train_step(self):
        s = self.s
        idx = torch.randint(0, BUFFER, (s["batch"],), generator=self.gen)
        with torch.no_grad():
            y = self.rewards[idx] + (1 - self.dones[idx]) * s["gamma"] * self.target(self.next_obs[idx]).max(dim=1).values
        q = self.online(self.obs[idx]).gather(1, self.actions[idx].unsqueeze(1)).squeeze(1)
        loss = F.smooth_l1_loss(q, y)
        adam_step(self.optimizer, self.params, loss, s["maxGradNorm"])
        return loss.item()

    def act(self):
        with torch.inference_mode():
            return int(self.online(torch.from_numpy(self.row).unsqueeze(0)).argmax(dim=1).item())


class Ddpg:
    def __init__(self, s, gen):
        self.s = s
        o, a, h, act = s["obs"], s["act"], s["hidden"], s.get("activation", "relu")
        self.actor, self.actor_t = mlp(o, h, a, act, "tanh"), mlp(o, h, a, act, "tanh")
        self.critic, self.critic_t = mlp(o + a, h, 1, act), mlp(o + a, h, 1, act)
        self.actor_t.load_state_dict(self.actor.state_dict())
        self.critic_t.load_state_dict(self.critic.state_dict())
        self.actor_t.requires_grad_(False)
        self.critic_t.requires_grad_(False)
        self.opt_a = torch.optim.Adam(self.actor.parameters(), lr=s["lrActor"])
        self.opt_c = torch.optim.Adam(self.critic.parameters(), lr=s["lrCritic"])
        self.gen = gen
        self.obs = torch.rand(BUFFER, o, generator=gen) * 2 - 1
        self.next_obs = torch.rand(BUFFER, o, generator=gen) * 2 - 1
        self.actions = torch.rand(BUFFER, a, generator=gen) * 2 - 1
        self.rewards = torch.rand(BUFFER, 1, generator=gen) * 2 - 1
        self.dones = (torch.rand(BUFFER, 1, generator=gen) < 0.05).float()
        self.row = np.random.default_rng(0).uniform(-1, 1, o).astype(np.float32)
        self.targets = list(self.actor_t.parameters()) + list(self.critic_t.parameters())
        self.sources = list(self.actor.parameters()) + list(self.critic.parameters())

    def train_step(self):
        s = self.s
        idx = torch.randint(0, BUFFER, (s["batch"],), generator=self.gen)
        obs, next_obs = self.obs[idx], self.next_obs[idx]
        with torch.no_grad():
            next_q = self.critic_t(torch.cat([next_obs, self.actor_t(next_obs)], 1))
            y = self.rewards[idx] + (1 - self.dones[idx]) * s["gamma"] * next_q
        critic_loss = F.mse_loss(self.critic(torch.cat([obs, self.actions[idx]], 1)), y)
        adam_step(self.opt_c, list(self.critic.parameters()), critic_loss, s["maxGradNorm"])
        actor_loss = -self.critic(torch.cat([obs, self.actor(obs)], 1)).mean()
        adam_step(self.opt_a, list(self.actor.parameters()), actor_loss, s["maxGradNorm"])
        polyak(self.targets, self.sources, s["tau"])
        return critic_loss.item(), actor_loss.item()

    def act(self):
        with torch.inference_mode():
            return self.actor(torch.from_numpy(self.row).unsqueeze(0)).numpy()


class Attention(nn.Module):
    """Topology-masked scaled dot-product attention over agents (FaaSConf eq. 9), W_q and W_k shared or per agent."""

    def __init__(self, n, d, dk, shared, adjacency):
        super().__init__()
        shape = (d, dk) if shared else (n, d, dk)
        bound = 1 / math.sqrt(d)
        self.wq = nn.Parameter(torch.empty(shape).uniform_(-bound, bound))
        self.wk = nn.Parameter(torch.empty(shape).uniform_(-bound, bound))
        self.shared, self.dk = shared, dk
        self.register_buffer("adj", torch.tensor(adjacency, dtype=torch.float32))

    def forward(self, states):  # [B, N, D] -> weights [B, N, N]
        if self.shared:
            q, k = states @ self.wq, states @ self.wk
            scores = q @ k.transpose(1, 2) / math.sqrt(self.dk)
        else:
            q = torch.einsum("bnd,ndk->bnk", states, self.wq)
            u = torch.einsum("bnk,ndk->bnd", q, self.wk)
            scores = u @ states.transpose(1, 2) / math.sqrt(self.dk)
        mask = self.adj > 0
        scores = scores.masked_fill(~mask, float("-inf"))
        row_max = scores.max(-1, keepdim=True).values
        row_max = torch.where(torch.isfinite(row_max), row_max, torch.zeros_like(row_max))
        e = (scores - row_max).exp() * self.adj
        total = e.sum(-1, keepdim=True)
        return e / torch.where(total > 0, total, torch.ones_like(total))


class Nets(nn.Module):
    def __init__(self, s, actor_in, critic_in):
        super().__init__()
        n, h, act = s["agents"], s["hidden"], s.get("activation", "relu")
        groups = 1 if s["shared"] else n
        self.actors = nn.ModuleList([mlp(actor_in, h, s["act"], act, "tanh") for _ in range(groups)])
        self.critics = nn.ModuleList([mlp(critic_in, h, 1, act) for _ in range(groups)])
        att = s["variant"] == "attmf"
        self.actor_att = Attention(n, s["obs"], s["attentionDim"], s["shared"], s["adjacency"]) if att else None
        self.critic_att = Attention(n, s["obs"], s["attentionDim"], s["shared"], s["adjacency"]) if att else None

    @staticmethod
    def apply(nets, x):  # x [N, B, in] -> [N, B, out]
        if len(nets) == 1:
            return nets[0](x)
        return torch.stack([net(x[j]) for j, net in enumerate(nets)])


class Marl:
    def __init__(self, s, gen):
        self.s = s
        n, d, m, g = s["agents"], s["obs"], s["act"], s["globalState"]
        v = s["variant"]
        actor_in = 2 * d if v == "attmf" else d
        critic_in = (g if g > 0 else n * d) + n * m if v == "maddpg" else d + 2 * m if v == "meanfield" else 2 * d + 2 * m
        self.online, self.target = Nets(s, actor_in, critic_in), Nets(s, actor_in, critic_in)
        self.target.load_state_dict(self.online.state_dict())
        self.target.requires_grad_(False)
        adj = torch.tensor(s["adjacency"], dtype=torch.float32)
        rows = adj.sum(1, keepdim=True)
        self.mean_field = adj / torch.where(rows > 0, rows, torch.ones_like(rows))
        self.own = torch.zeros(n, 1, n * m)
        for j in range(n):
            self.own[j, 0, j * m:(j + 1) * m] = 1
        self.actor_params = list(self.online.actors.parameters()) + (list(self.online.actor_att.parameters()) if self.online.actor_att else [])
        self.critic_params = list(self.online.critics.parameters()) + (list(self.online.critic_att.parameters()) if self.online.critic_att else [])
        self.opt_a = torch.optim.Adam(self.actor_params, lr=s["lrActor"])
        self.opt_c = torch.optim.Adam(self.critic_params, lr=s["lrCritic"])
        self.gen = gen
        self.obs = torch.rand(BUFFER, n, d, generator=gen) * 2 - 1
        self.next_obs = torch.rand(BUFFER, n, d, generator=gen) * 2 - 1
        self.actions = torch.rand(BUFFER, n, m, generator=gen) * 2 - 1
        self.rewards = torch.rand(BUFFER, n, 1, generator=gen) * 2 - 1
        self.dones = (torch.rand(BUFFER, n, 1, generator=gen) < 0.05).float()
        self.state = torch.rand(BUFFER, g, generator=gen) if g > 0 else None
        self.row = np.random.default_rng(0).uniform(-1, 1, (n, 1, d)).astype(np.float32)

    @staticmethod
    def weighted(w, x):  # w [B, N, N], x [N, B, X] -> [N, B, X]
        return (w @ x.transpose(0, 1)).transpose(0, 1)

    def actor_input(self, nets, obs):
        if nets.actor_att is None:
            return obs
        return torch.cat([obs, self.weighted(nets.actor_att(obs.transpose(0, 1)), obs)], 2)

    def policy(self, nets, obs):
        return Nets.apply(nets.actors, self.actor_input(nets, obs))

    def critic_input(self, nets, obs, own, others, state):
        n, b = obs.shape[0], obs.shape[1]
        v = self.s["variant"]
        if v == "maddpg":
            joint = others.transpose(0, 1).reshape(1, b, -1)
            acts = joint * (1 - self.own) + own.transpose(0, 1).reshape(1, b, -1) * self.own if own is not others else joint.expand(n, b, -1)
            g = state if state is not None else obs.transpose(0, 1).reshape(b, -1)
            return torch.cat([g.unsqueeze(0).expand(n, b, -1), acts], 2)
        if v == "meanfield":
            mean = (self.mean_field @ others.reshape(n, -1)).reshape(n, b, -1)
            return torch.cat([obs, own, mean], 2)
        w = nets.critic_att(obs.transpose(0, 1))
        return torch.cat([obs, self.weighted(w, obs), own, self.weighted(w, others)], 2)

    def train_step(self):
        s = self.s
        idx = torch.randint(0, BUFFER, (s["batch"],), generator=self.gen)
        obs, next_obs = self.obs[idx].transpose(0, 1), self.next_obs[idx].transpose(0, 1)
        actions = self.actions[idx].transpose(0, 1)
        state = self.state[idx] if self.state is not None else None
        with torch.no_grad():
            na = self.policy(self.target, next_obs)
            next_q = Nets.apply(self.target.critics, self.critic_input(self.target, next_obs, na, na, state))
            y = self.rewards[idx].transpose(0, 1) + (1 - self.dones[idx].transpose(0, 1)) * s["gamma"] * next_q
        q = Nets.apply(self.online.critics, self.critic_input(self.online, obs, actions, actions, state))
        critic_loss = (q - y).square().mean()
        adam_step(self.opt_c, self.critic_params, critic_loss, s["maxGradNorm"])
        own = self.policy(self.online, obs)
        actor_loss = -Nets.apply(self.online.critics, self.critic_input(self.online, obs, own, actions, state)).mean()
        adam_step(self.opt_a, self.actor_params, actor_loss, s["maxGradNorm"])
        polyak(list(self.target.parameters()), list(self.online.parameters()), s["tau"])
        return critic_loss.item(), actor_loss.item()

    def act(self):
        with torch.inference_mode():
            return self.policy(self.online, torch.from_numpy(self.row)).numpy()


class Ppo:
    def __init__(self, s, gen):
        self.s = s
        h, act = s["hidden"], s.get("activation", "tanh")
        rank = s["variant"] == "rank"
        inputs = s["features"] + s["globalSize"] if rank else s["obs"]
        outputs = 1 if rank else s["actions"]
        self.actor, self.critic = mlp(inputs, h, outputs, act), mlp(inputs, h, 1, act)
        self.params = list(self.actor.parameters()) + list(self.critic.parameters())
        if s["weightDecay"] > 0:
            self.optimizer = torch.optim.AdamW(self.params, lr=s["lr"], eps=s["eps"], weight_decay=s["weightDecay"])
        else:
            self.optimizer = torch.optim.Adam(self.params, lr=s["lr"], eps=s["eps"])
        self.gen = gen
        n = s["n"]
        self.obs = torch.rand(n, s["obs"], generator=gen) * 2 - 1
        if rank:
            rows, valid = s["rows"], s["validRows"]
            mask = torch.zeros(rows)
            mask[:valid] = 1
            self.obs[:, s["maskOffset"]:s["maskOffset"] + rows] = mask
            self.actions = torch.randint(0, valid, (n,), generator=gen)
        else:
            self.actions = torch.randint(0, s["actions"], (n,), generator=gen)
        self.logp = -torch.rand(n, generator=gen) - 0.5
        self.values = torch.rand(n, generator=gen)
        self.rewards = torch.rand(n, generator=gen) * 2 - 1
        self.dones = (torch.rand(n, generator=gen) < 0.05).float()
        self.row = self.obs[0].numpy().copy()

    def inputs(self, obs):  # rank: [B, obsDim] -> [B, rows, features + shared], mask [B, rows]
        s = self.s
        b, rows, f = obs.shape[0], s["rows"], s["features"]
        x = obs[:, s["rowOffset"]:s["rowOffset"] + rows * f].reshape(b, rows, f)
        if s["globalSize"] > 0:
            g = obs[:, s["globalOffset"]:s["globalOffset"] + s["globalSize"]]
            x = torch.cat([x, g.unsqueeze(1).expand(b, rows, s["globalSize"])], 2)
        return x, (obs[:, s["maskOffset"]:s["maskOffset"] + rows] > 0.5).float()

    def evaluate(self, obs, actions):
        if self.s["variant"] == "rank":
            x, mask = self.inputs(obs)
            scores = self.actor(x).squeeze(2) + (mask - 1) * 1e9
            logp = torch.log_softmax(scores, 1)
            entropy = -(logp.exp() * logp * mask).sum(1)
            value = (self.critic(x).squeeze(2) * mask).sum(1) / mask.sum(1).clamp(min=1)
        else:
            logp = torch.log_softmax(self.actor(obs), 1)
            entropy = -(logp.exp() * logp).sum(1)
            value = self.critic(obs).squeeze(1)
        return logp.gather(1, actions.unsqueeze(1)).squeeze(1), entropy, value

    def train_step(self):
        s = self.s
        n = s["n"]
        with torch.no_grad():  # GAE outside the graph (the rollout's last step bootstraps from the stored value)
            adv = torch.zeros(n)
            gae = 0.0
            next_value = float(self.values[-1])
            for t in reversed(range(n)):
                not_done = 1.0 - float(self.dones[t])
                delta = float(self.rewards[t]) + s["gamma"] * next_value * not_done - float(self.values[t])
                gae = delta + s["gamma"] * s["gaeLambda"] * not_done * gae
                adv[t] = gae
                next_value = float(self.values[t])
            returns = adv + self.values
        mb = math.ceil(n / s["minibatches"])
        clip = s["clip"]
        for _ in range(s["epochs"]):
            order = torch.randperm(n, generator=self.gen)
            for start in range(0, n, mb):
                idx = order[start:start + mb]
                logp, entropy, value = self.evaluate(self.obs[idx], self.actions[idx])
                a = adv[idx]
                if s["normalizeAdvantages"]:
                    a = (a - a.mean()) / (a.std() + 1e-8)
                log_ratio = logp - self.logp[idx]
                ratio = log_ratio.exp()
                pg = torch.max(-a * ratio, -a * ratio.clamp(1 - clip, 1 + clip)).mean()
                r, v0 = returns[idx], self.values[idx]
                if s["clipValueLoss"]:
                    clipped = v0 + (value - v0).clamp(-clip, clip)
                    v_loss = 0.5 * torch.max((value - r) ** 2, (clipped - r) ** 2).mean()
                else:
                    v_loss = 0.5 * ((value - r) ** 2).mean()
                loss = pg - s["entCoef"] * entropy.mean() + s["vfCoef"] * v_loss
                adam_step(self.optimizer, self.params, loss, s["maxGradNorm"])
                with torch.no_grad():  # the diagnostics CleanRL logs
                    ((ratio - 1) - log_ratio).mean().item()
                    ((ratio - 1.0).abs() > clip).float().mean().item()
        return loss.item()

    def act(self):
        with torch.inference_mode():
            obs = torch.from_numpy(self.row).unsqueeze(0)
            if self.s["variant"] == "rank":
                x, mask = self.inputs(obs)
                return int((self.actor(x).squeeze(2) + (mask - 1) * 1e9).argmax(1).item())
            return int(self.actor(obs).argmax(1).item())


KINDS = {"dqn": Dqn, "ddpg": Ddpg, "marl": Marl, "ppo": Ppo}


def measure(learner, threads, steps, actions, default_threads):
    set_threads(threads if threads > 0 else default_threads)
    used = torch.get_num_threads()
    for _ in range(max(1, steps // 10)):  # settle after the other side ran
        learner.train_step()
    cpu0, t0 = time.process_time(), time.perf_counter()
    for _ in range(steps):
        learner.train_step()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    for _ in range(max(1, actions // 10)):
        learner.act()
    lat = []
    clock = time.perf_counter_ns
    for _ in range(actions):
        t = clock()
        learner.act()
        lat.append((clock() - t) / 1000)
    lat.sort()
    after = []  # the first action after each training step (as in a training loop)
    for _ in range(min(100, steps)):
        learner.train_step()
        t = clock()
        learner.act()
        after.append((clock() - t) / 1000)
    after.sort()
    return {
        "threads": used,
        "blasThreads": blas_threads(),
        "trainStepsPerSecond": steps / wall if wall > 0 else None,
        "trainCpuMicrosPerStep": cpu / steps * 1e6 if steps else None,
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



def main():
    if "--serve" not in sys.argv[1:]:
        sys.stderr.write(__doc__)
        return
    torch.manual_seed(0)
    default_threads = torch.get_num_threads()
    emit({
        "available": True,
        "version": torch.__version__,
        "defaultThreads": default_threads,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas": blas_in_use(),
    })
    set_threads(1)
    learners = {}
    for line in sys.stdin:
        parts = line.split(maxsplit=2)
        if not parts:
            continue
        try:
            if parts[0] == "quit":
                break
            if parts[0] == "setup" and len(parts) == 3:
                spec = json.loads(parts[2])
                learner = KINDS[spec["kind"]](spec, torch.Generator().manual_seed(1))
                for _ in range(int(spec.get("warmup", 50))):
                    learner.train_step()
                    learner.act()
                learners[parts[1]] = learner
                emit({"ok": True})
            elif parts[0] == "round":
                name, rest = parts[1], parts[2].split()
                emit(measure(learners[name], int(rest[0]), int(rest[1]), int(rest[2]), default_threads))
            else:
                emit({"error": f"unknown command {line.strip()!r}"})
        except Exception as err:  # noqa: BLE001 - reported to the caller
            emit({"error": f"{type(err).__name__}: {err}"})


if __name__ == "__main__":
    main()
