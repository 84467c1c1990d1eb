"""One REQ connection to a faasgym bridge server, that never hangs.

Every request has a send and a receive timeout. When one expires, the REQ
socket (now stuck between send and receive) is closed with linger 0 and a new
one is opened: ZeroMQ's "lazy pirate" pattern. Idempotent commands (``hello``,
``ping``, ``list``, ``spaces``) are retried on the new socket; the others raise
``BridgeTimeout`` at once, since the server may already have carried them out.
"""

import json
import os
import threading
import time

import zmq

from .errors import BridgeError, BridgeProtocolError, BridgeTimeout, BridgeUsageError

__all__ = ["Connection", "DEFAULT_ADDRESS", "load_public_key", "load_key_pair"]

DEFAULT_ADDRESS = "tcp://127.0.0.1:5555"
IDEMPOTENT = frozenset(("hello", "ping", "list", "spaces", "state", "adjacency"))
#: The protocol version of the requests this client sends (docs/bridge-protocol.md).
WIRE_VERSION = 2

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
        connect_timeout: seconds ``hello`` (the first call, which finds out whether a server is
            there at all) may take, tried once; default ``min(5, timeout)``.
        curve_server_key: the server's CURVE public key (Z85 text, or ``server.key``) to talk to a
            server started with ``--curve-keys``.
        curve_client_keys: this client's key pair (a ``.key_secret`` file or ``(public, secret)``);
            a fresh pair is generated when only ``curve_server_key`` is given.
        context: the ZeroMQ context (``zmq.Context.instance()`` by default).

    One thread at a time: a call while another thread's call is in flight raises
    ``BridgeUsageError`` (use one environment per thread, or a lock). A forked child
    cannot use its parent's connection (``BridgeUsageError``): it makes its own.
    """

    def __init__(self, address=DEFAULT_ADDRESS, timeout=30.0, retries=2, curve_server_key=None, curve_client_keys=None, context=None, connect_timeout=None,
                 send_timeout=None):
        if not isinstance(address, str) or "://" not in address:
            raise ValueError("address must be a ZeroMQ endpoint such as %r, got %r" % (DEFAULT_ADDRESS, address))
        timeout = float(timeout)
        if not timeout > 0 or timeout != timeout:
            raise ValueError("timeout must be a number of seconds > 0, got %r" % (timeout,))
        if int(retries) < 0:
            raise ValueError("retries must be >= 0, got %r" % (retries,))
        if connect_timeout is None:
            connect_timeout = min(5.0, timeout)
        connect_timeout = float(connect_timeout)
        if not connect_timeout > 0 or connect_timeout != connect_timeout:
            raise ValueError("connect_timeout must be a number of seconds > 0, got %r" % (connect_timeout,))
        self.address = address
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retries = int(retries)
        self._timeout_ms = max(1, int(round(timeout * 1000)))
        self._send_timeout_ms = self._timeout_ms if send_timeout is None else max(1, min(self._timeout_ms, int(round(float(send_timeout) * 1000))))
        self._socket_timeout_ms = self._timeout_ms
        self._busy = threading.Lock()
        self._pid = os.getpid()
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
        s.setsockopt(zmq.SNDTIMEO, self._send_timeout_ms)
        self._socket_timeout_ms = self._timeout_ms
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
        started = time.monotonic()
        for attempt in range(self.retries):
            try:
                return self.call_once(cmd, args_json)
            except BridgeTimeout:
                continue  # the socket was replaced: try again on the new one
        try:
            return self.call_once(cmd, args_json)
        except BridgeTimeout as err:
            if self.retries == 0:
                raise
            raise BridgeTimeout(
                "no reply to %r from %s in %d attempts of %g s (%.1f s in all; server down, busy, unreachable, "
                "or refusing this client's CURVE keys); the socket was replaced"
                % (cmd, self.address, self.retries + 1, self.timeout, time.monotonic() - started),
                self.address,
                cmd,
            ) from None

    def hello(self):
        """``hello`` with the short ``connect_timeout``, tried once: fails fast when no server is there."""
        started = time.monotonic()
        try:
            return self.call_once("hello", "{}", timeout=self.connect_timeout)
        except BridgeTimeout:
            raise BridgeTimeout(
                "no reply to 'hello' from %s within the connect_timeout of %g s (waited %.1f s): is `faasgym serve` "
                "running there, and does it accept this client (CURVE keys)?" % (self.address, self.connect_timeout, time.monotonic() - started),
                self.address,
                "hello",
            ) from None

    def call_once(self, cmd, args_json, timeout=None):
        """One request, no retry: ``BridgeTimeout`` (socket replaced) when no reply comes in time."""
        if self._generation != _fork_generation:  # bumped in a forked child (os.register_at_fork)
            self._after_fork(cmd)
        if not self._busy.acquire(False):
            raise BridgeUsageError(
                "%r: another thread is using this environment's connection right now (a faasgym_client "
                "environment is not thread-safe: make one per thread, or guard it with a lock)" % (cmd,)
            )
        try:
            return self._call_locked(cmd, args_json, timeout)
        finally:
            self._busy.release()

    def _call_locked(self, cmd, args_json, timeout):
        wait_ms = self._timeout_ms if timeout is None else max(1, int(round(timeout * 1000)))
        sock = self._socket
        if sock is not None and wait_ms != self._socket_timeout_ms:
            sock.setsockopt(zmq.RCVTIMEO, wait_ms)
            sock.setsockopt(zmq.SNDTIMEO, min(wait_ms, self._send_timeout_ms))
            self._socket_timeout_ms = wait_ms
        self._next_id = rid = self._next_id + 1
        frame = ('{"v":%d,"id":%d,"cmd":"%s","args":%s}' % (WIRE_VERSION, rid, cmd, args_json)).encode()
        started = time.monotonic()
        sent = False
        try:
            sock.send(frame)
            sent = True
            reply = sock.recv()
        except zmq.Again:
            self._reopen()
            if not sent:
                raise BridgeTimeout(
                    "%r could not be sent to %s within %g s (no connected server there: down, unreachable, or refusing this "
                    "client's CURVE keys); the socket was replaced" % (cmd, self.address, min(wait_ms, self._send_timeout_ms) / 1000.0),
                    self.address,
                    cmd,
                    sent=False,
                ) from None
            raise BridgeTimeout(
                "no reply to %r from %s within %g s (waited %.1f s; server down, busy, unreachable, or refusing this client's "
                "CURVE keys); the socket was replaced" % (cmd, self.address, wait_ms / 1000.0, time.monotonic() - started),
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
        if msg.get("v") != WIRE_VERSION:
            raise BridgeProtocolError("reply to %r has protocol version %r, expected %d" % (cmd, msg.get("v"), WIRE_VERSION))
        if msg.get("id") not in (rid, None):
            raise BridgeProtocolError("reply to %r has id %r, expected %r" % (cmd, msg.get("id"), rid))
        if msg.get("ok") is not False:
            raise BridgeProtocolError("reply to %r has neither ok: true nor ok: false" % (cmd,))
        error = msg.get("error")
        if not isinstance(error, dict):
            raise BridgeProtocolError("error reply to %r without an error object" % (cmd,))
        raise BridgeError(str(error.get("type", "Error")), str(error.get("message", "")), cmd)

    @property
    def forked(self):
        """True in a forked child of the process that opened this connection."""
        return self._generation != _fork_generation

    def _after_fork(self, cmd):
        """In a forked child: never touch the parent's socket, and never drive the parent's environment."""
        if self._socket is None:
            raise BridgeError("ConnectionClosed", "this connection was closed", cmd)
        raise BridgeUsageError(
            "%r: this environment was made in process %d; this is a forked child (pid %d), which must not drive "
            "its parent's environment: make one in the child (faasgym_client.env_fns gives thunks that do)" % (cmd, self._pid, os.getpid())
        )

    def close(self):
        """Close the socket; safe to call twice."""
        if self.closed:
            return
        self.closed = True
        sock, self._socket = self._socket, None
        if sock is not None and not self.forked:
            sock.close(linger=0)
