"""Make an environment, step it, print its handle, and vanish without closing (test/bridge/python.test.ts)."""

import json
import os
import sys

import faasgym_client

env = faasgym_client.make("CartPole-v1", sys.argv[1], timeout=5.0)
env.reset(seed=0)
for _ in range(5):
    env.step(0)
print(json.dumps({"handle": env.handle}), flush=True)
os._exit(0)  # no close(), no interpreter clean-up: a crashed agent
