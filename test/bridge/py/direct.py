"""The Python client on direct endpoints (test/bridge/direct.test.ts): by default it steps through the
environment's own endpoint; a seeded episode there equals one through the server's socket; errors stay
typed; a step that the server stops for its time limit comes back as the server's UnknownHandleError
naming why, not as a bare timeout. Prints one JSON object."""

import json
import sys
import time

import numpy as np

import faasgym_client
from faasgym_client import BridgeError

endpoint = sys.argv[1]
out = {}
direct = faasgym_client.make("CartPole-v1", endpoint, timeout=20)
relay = faasgym_client.make("CartPole-v1", endpoint, timeout=20, direct=False)
out["direct"] = direct.direct_endpoint
out["relay"] = relay.direct_endpoint
a, _ = direct.reset(seed=5)
b, _ = relay.reset(seed=5)
same = bool(np.array_equal(a, b) and a.dtype == b.dtype)
steps = 0
while True:
    action = 1 if a[3] > 0 else 0
    ra = direct.step(action)
    rb = relay.step(action)
    same = same and bool(np.array_equal(ra[0], rb[0])) and ra[1:4] == rb[1:4]
    a = ra[0]
    steps += 1
    if ra[2] or ra[3]:
        break
out["episodeSteps"] = steps
out["same"] = same
try:
    direct.step(5)
except BridgeError as err:
    out["invalid"] = err.type
direct.close()
relay.close()

hog = faasgym_client.make("Hog-v0", endpoint, timeout=8)
hog.reset()
started = time.monotonic()
try:
    hog.step(1)
    out["hog"] = "stepped"
except BridgeError as err:
    out["hog"] = {"type": err.type, "message": err.message}
out["hogSeconds"] = time.monotonic() - started
hog.close()  # the handle is gone already: not an error
print(json.dumps(out))
