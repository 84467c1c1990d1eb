"""Python client of the faasgym ZeroMQ bridge.

Start a server with ``faasgym serve`` (Node.js), then::

    import faasgym_client
    env = faasgym_client.make("CartPole-v1")          # a gymnasium.Env when Gymnasium is installed
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
    env.close()

Multi-agent ids give a PettingZoo-style ``ParallelEnv``. Every call has a
timeout and raises ``BridgeTimeout`` or ``BridgeError`` instead of hanging.
The protocol is in docs/bridge-protocol.md of the faasgym repository.
"""

from .connection import DEFAULT_ADDRESS, Connection, load_key_pair, load_public_key
from .env import PROTOCOL_VERSION, RemoteEnv, RemoteParallelEnv, client_id, env_fns, make
from .errors import BridgeError, BridgeException, BridgeProtocolError, BridgeTimeout, BridgeUsageError, InvalidAction, ServerRestarted
from .vector import RemoteVectorEnv, make_vec
from .spaces import HAVE_GYMNASIUM, light_space_from_json, space_from_json

__version__ = "0.2.0"

__all__ = [
    "make",
    "make_vec",
    "RemoteVectorEnv",
    "env_fns",
    "RemoteEnv",
    "RemoteParallelEnv",
    "Connection",
    "BridgeException",
    "BridgeError",
    "BridgeTimeout",
    "BridgeProtocolError",
    "BridgeUsageError",
    "InvalidAction",
    "ServerRestarted",
    "client_id",
    "space_from_json",
    "light_space_from_json",
    "load_public_key",
    "load_key_pair",
    "HAVE_GYMNASIUM",
    "DEFAULT_ADDRESS",
    "PROTOCOL_VERSION",
    "__version__",
]
