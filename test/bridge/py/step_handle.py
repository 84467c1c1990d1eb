"""Try one step on someone else's handle; print the error type (test/bridge/python.test.ts)."""

import json
import sys

import faasgym_client

conn = faasgym_client.Connection(sys.argv[1], timeout=5.0)
try:
    conn.call("step", {"handle": sys.argv[2], "action": 0})
    print(json.dumps({"error": None}))
except faasgym_client.BridgeError as err:
    print(json.dumps({"error": err.type}))
conn.close()
