"""Ping a CURVE server with the given keys; print ok or the exception class (test/bridge/python.test.ts).

usage: curve_client.py ADDRESS [SERVER_KEY_FILE [CLIENT_SECRET_FILE]]
CURVE_TEST_TIMEOUT (seconds, default 1): refused clients get no reply, so they wait this long.
"""

import json
import os
import sys

import faasgym_client

address = sys.argv[1]
kwargs = {}
if len(sys.argv) > 2:
    kwargs["curve_server_key"] = sys.argv[2]
if len(sys.argv) > 3:
    kwargs["curve_client_keys"] = sys.argv[3]
try:
    env = faasgym_client.make("CartPole-v1", address, timeout=float(os.environ.get("CURVE_TEST_TIMEOUT", "1")), retries=0, **kwargs)
    obs, _ = env.reset(seed=0)
    env.close()
    print(json.dumps({"result": "ok", "obs0": obs.tolist()}))
except faasgym_client.BridgeException as err:
    print(json.dumps({"result": type(err).__name__}))
