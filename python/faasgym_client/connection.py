"""One REQ connection to a faasgym bridge server, that never hangs.

Every request has a send and a receive timeout. When one expires, the REQ
socket (now stuck between send and receive) is closed with linger 0 and a new
one is opened: ZeroMQ's "lazy pirate" pattern. Idempotent commands (``hello``,
``ping``, ``list``, ``spaces``) are retried on the new socket; the others raise
``BridgeTimeout`` at once, since the server may already have carried them out.
"""

import json
import os

import zmq

from .errors import BridgeError, BridgeProtocolError, BridgeTimeout

__all__ = ["Connection", "DEFAULT_ADDRESS", "load_public_key", "load_key_pair"]

DEFAULT_ADDRESS = "tcp://127.0.0.1:5555"
IDEMPOTENT = frozenset(("hello", "ping", "list", "spaces"))

# Compact, and refuses NaN/Infinity (not JSON: the server would answer ProtocolError).
_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
# The C scanner without json.loads' wrappers: about twice as fast on small replies.
_scan = json.JSONDecoder().scan_once

# Bumped in a forked child, so that connections inherited from the parent open new sockets
# (a ZeroMQ socket must never be used from two processes).
_fork_generation = 0


def _bump_fork_generation():
    global _fork_generation
    _fork_generation += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_bump_fork_generation)


def _read_cert(path):
    public = secret = None
    with open(path, "rb") as f:
        for raw in f:
            line = raw.strip()
            if line.startswith(b"#"):
                continue
            if line.startswith(b"public-key"):
                public = line.split(b"=", 1)[1].strip(b" \t'\"")
            elif line.startswith(b"secret-key"):
                secret = line.split(b"=", 1)[1].strip(b" \t'\"")
    return public, secret


def _as_key(value, what):
    if isinstance(value, str):
        value = value.encode("ascii")
    if not isinstance(value, bytes) or len(value) != 40:
        raise ValueError("%s must be a 40-character Z85 key or a certificate file, got %r" % (what, value))
    return value


def load_public_key(value):
    """A Z85 public key (bytes) from Z85 text or a certificate file (``server.key`` from ``faasgym keys``)."""
    if isinstance(value, (str, bytes, os.PathLike)) and os.path.isfile(value):
        public, _ = _read_cert(value)
        if public is None:
            raise ValueError("%s has no public-key line" % (value,))
        return _as_key(public, "public key")
    return _as_key(value, "public key")


def load_key_pair(value):
    """``(public, secret)`` Z85 keys from a ``.key_secret`` certificate file or a pair of Z85 strings."""
    if isinstance(value, (str, bytes, os.PathLike)) and os.path.isfile(value):
        public, secret = _read_cert(value)
        if public is None or secret is None:
            raise ValueError("%s must hold both a public-key and a secret-key line" % (value,))
        return _as_key(public, "public key"), _as_key(secret, "secret key")
    public, secret = value
    return _as_key(public, "public key"), _as_key(secret, "secret key")


class Connection:
    """A REQ socket to ``address`` with a timeout on every call.

    Args:
        address: the server's endpoint (``faasgym serve --bind``).
        timeout: seconds to wait for each reply (and to queue each request).
        retries: extra attempts for idempotent commands after a timeout.
        curve_server_key: the server's CURVE public key (Z85 text, or ``server.key``) to talk to a
            server started with ``--curve-keys``.
        curve_client_keys: this client's key pair (a ``.key_secret`` file or ``(public, secret)``);
            a fresh pair is generated when only ``curve_server_key`` is given.
        context: the ZeroMQ context (``zmq.Context.instance()`` by default).

    Not thread-safe: use one connection (one environment) per thread.
    """

    def __init__(self, address=DEFAULT_ADDRESS, timeout=30.0, retries=2, curve_server_key=None, curve_client_keys=None, context=None):
        if not isinstance(address, str) or "://" not in address:
            raise ValueError("address must be a ZeroMQ endpoint such as %r, got %r" % (DEFAULT_ADDRESS, address))
        timeout = float(timeout)
        if not timeout > 0 or timeout != timeout:
            raise ValueError("timeout must be a number of seconds > 0, got %r" % (timeout,))
        if int(retries) < 0:
            raise ValueError("retries must be >= 0, got %r" % (retries,))
        self.address = address
        self.timeout = timeout
        self.retries = int(retries)
        self._timeout_ms = max(1, int(round(timeout * 1000)))
        self._context = context or zmq.Context.instance()
        self._curve = None
        if curve_server_key is not None:
            if not zmq.has("curve"):
                raise RuntimeError("this libzmq was built without CURVE support")
            server_key = load_public_key(curve_server_key)
            if curve_client_keys is None:
                public, secret = zmq.curve_keypair()
            else:
                public, secret = load_key_pair(curve_client_keys)
            self._curve = (server_key, public, secret)
        elif curve_client_keys is not None:
            raise ValueError("curve_client_keys needs curve_server_key too")
        self._next_id = 0
        #: Requests sent, and the bytes of their frames and of the replies (for benchmarks and logs).
        self.calls = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        self._socket = None
        self._generation = _fork_generation
        self.closed = False
        self._open()

    def _open(self):
        s = self._context.socket(zmq.REQ)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.RCVTIMEO, self._timeout_ms)
        s.setsockopt(zmq.SNDTIMEO, self._timeout_ms)
        # Queue requests only on completed connections: a server that is down (or refuses our
        # CURVE handshake) makes `send` time out instead of queueing forever.
        s.setsockopt(zmq.IMMEDIATE, 1)
        if self._curve is not None:
            server_key, public, secret = self._curve
            s.setsockopt(zmq.CURVE_SERVERKEY, server_key)
            s.setsockopt(zmq.CURVE_PUBLICKEY, public)
            s.setsockopt(zmq.CURVE_SECRETKEY, secret)
        s.connect(self.address)
        self._socket = s

    def _reopen(self):
        """Lazy pirate: drop the stuck REQ socket (its late reply with it) and start a fresh one."""
        try:
            self._socket.close(linger=0)
        finally:
            self._socket = None
            self._open()

    def call(self, cmd, args=None):
        """Send ``cmd`` with ``args`` (a dict) and return the reply's ``result``."""
        return self.call_raw(cmd, "{}" if not args else _encode(args))

    def call_raw(self, cmd, args_json):
        """Like ``call`` with the arguments already encoded as JSON text (the hot path of ``step``)."""
        if cmd not in IDEMPOTENT:
            return self.call_once(cmd, args_json)
        for attempt in range(self.retries):
            try:
                return self.call_once(cmd, args_json)
            except BridgeTimeout:
                continue  # the socket was replaced: try again on the new one
        return self.call_once(cmd, args_json)

    def call_once(self, cmd, args_json):
        """One request, no retry: ``BridgeTimeout`` (socket replaced) when no reply comes in time."""
        if self._generation != _fork_generation:
            self._after_fork(cmd)
        self._next_id = rid = self._next_id + 1
        frame = ('{"v":1,"id":%d,"cmd":"%s","args":%s}' % (rid, cmd, args_json)).encode()
        sock = self._socket
        try:
            sock.send(frame)
            reply = sock.recv()
        except zmq.Again:
            self._reopen()
            raise BridgeTimeout(
                "no reply to %r from %s within %g s (server down, busy, unreachable, or refusing this client's "
                "CURVE keys); the socket was replaced" % (cmd, self.address, self.timeout),
                self.address,
                cmd,
            ) from None
        except AttributeError:
            if sock is None:
                raise BridgeError("ConnectionClosed", "this connection was closed", cmd) from None
            raise
        self.calls += 1
        self.bytes_sent += len(frame)
        self.bytes_received += len(reply)
        try:
            msg = _scan(reply.decode(), 0)[0]
            if msg["ok"] is True and msg["id"] == rid:
                return msg["result"]
        except (StopIteration, ValueError, TypeError, KeyError) as err:
            raise BridgeProtocolError("malformed reply to %r: %r" % (cmd, err)) from None
        return self._failure(msg, rid, cmd)

    @staticmethod
    def _failure(msg, rid, cmd):
        if msg.get("v") != 1:
            raise BridgeProtocolError("reply to %r has protocol version %r, expected 1" % (cmd, msg.get("v")))
        if msg.get("id") not in (rid, None):
            raise BridgeProtocolError("reply to %r has id %r, expected %r" % (cmd, msg.get("id"), rid))
        if msg.get("ok") is not False:
            raise BridgeProtocolError("reply to %r has neither ok: true nor ok: false" % (cmd,))
        error = msg.get("error")
        if not isinstance(error, dict):
            raise BridgeProtocolError("error reply to %r without an error object" % (cmd,))
        raise BridgeError(str(error.get("type", "Error")), str(error.get("message", "")), cmd)

    def _after_fork(self, cmd):
        """In a forked child: never touch the parent's socket; open a fresh one on a fresh context."""
        if self._socket is None:
            raise BridgeError("ConnectionClosed", "this connection was closed", cmd)
        self._generation = _fork_generation
        self._context = zmq.Context.instance()
        self._open()

    def close(self):
        """Close the socket; safe to call twice."""
        if self.closed:
            return
        self.closed = True
        sock, self._socket = self._socket, None
        if sock is not None and self._generation == _fork_generation:
            sock.close(linger=0)
