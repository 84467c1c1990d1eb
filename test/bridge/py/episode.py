"""Run one full episode through faasgym_client and print it as JSON (test/bridge/python.test.ts).

usage: episode.py ADDRESS ENV_ID SEED [CONFIG_JSON]
With FAASGYM_TEST_BARRIER=DIR: after `make`, create DIR/<seed>.ready and wait
(at most 30 s, pinging the environment to keep it) for DIR/go, so that several
clients hold environments at once.
Single-agent ids: CartPole is driven by a balancing policy, everything else by
actions sampled from the action space (seeded). Parallel ids: every live agent
samples from its action space. Every observation, reward and flag is recorded.
"""

import json
import os
import sys
import time

import numpy as np

import faasgym_client


def plain(x):
    """JSON-ready: NumPy values to lists and Python numbers (float32 → float is exact)."""
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x


def main():
    address, env_id, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    config = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    started = time.time()
    env = faasgym_client.make(env_id, address, timeout=10.0, **config)
    out = {"handle": env.handle, "class": type(env).__name__, "steps": [], "made": time.time()}
    barrier = os.environ.get("FAASGYM_TEST_BARRIER")
    if barrier:
        open(os.path.join(barrier, "%d.ready" % seed), "w").close()
        for i in range(3000):
            if os.path.exists(os.path.join(barrier, "go")):
                break
            time.sleep(0.01)
            if i % 50 == 49:
                env.ping()  # waiting longer than the server's idle timeout: keep the environment
        else:
            raise SystemExit("barrier: no go within 30 s")
    if isinstance(env, faasgym_client.RemoteParallelEnv):
        for agent in env.possible_agents:
            env.action_space(agent).seed(seed)
        obs, info = env.reset(seed=seed)
        out.update(obs0=plain(obs), info0=info, possible_agents=env.possible_agents)
        assert all(env.observation_space(a).contains(o) for a, o in obs.items())
        for _ in range(1000):
            if not env.agents:
                break
            actions = {a: env.action_space(a).sample() for a in env.agents}
            obs, rewards, terms, truncs, infos = env.step(actions)
            assert all(env.observation_space(a).contains(o) for a, o in obs.items())
            out["steps"].append(
                {"actions": plain(actions), "obs": plain(obs), "rewards": rewards, "terminations": terms, "truncations": truncs, "infos": infos, "agents": list(env.agents)}
            )
    else:
        env.action_space.seed(seed)
        obs, info = env.reset(seed=seed)
        out.update(obs0=plain(obs), info0=info, obs_dtype=str(obs.dtype), obs_shape=list(obs.shape))
        assert env.observation_space.contains(obs), obs
        for _ in range(2000):
            if env_id.startswith("CartPole"):
                action = 1 if obs[2] + 0.1 * obs[3] > 0 else 0
            else:
                action = env.action_space.sample()
            obs, reward, terminated, truncated, info = env.step(action)
            assert env.observation_space.contains(obs), obs
            assert isinstance(reward, float) and isinstance(terminated, bool) and isinstance(truncated, bool)
            wire_action = np.asarray(action, dtype=env.action_space.dtype).ravel().tolist() if env.action_space.shape else int(action)
            out["steps"].append({"action": wire_action, "obs": plain(obs), "reward": reward, "terminated": terminated, "truncated": truncated, "info": info})
            if terminated or truncated:
                break
    env.close()
    env.close()  # idempotent
    out["started"] = started
    out["ended"] = time.time()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
