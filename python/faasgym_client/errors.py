"""Exceptions of the faasgym bridge client.

Every failure of a bridge call is one of these, never a hang:

- ``BridgeTimeout``: the server did not answer within the timeout (it is down,
  unreachable, refused the CURVE handshake, or is overloaded). The socket has
  been replaced, so the next call starts clean.
- ``BridgeError``: the server answered with an error; ``type`` is the server's
  error class name (``InvalidActionError``, ``UnknownHandleError``, ...) and
  ``message`` its text. See docs/bridge-protocol.md for the list.
"""

__all__ = ["BridgeException", "BridgeTimeout", "BridgeError", "BridgeProtocolError", "BridgeUsageError", "InvalidAction", "ServerRestarted"]


class BridgeException(Exception):
    """Base class of every exception the client raises for a bridge call."""


class BridgeTimeout(BridgeException, TimeoutError):
    """No reply within the timeout (the socket was replaced: lazy pirate). ``sent`` is False when the
    request could not even be queued (no connected server), so the server never saw it."""

    def __init__(self, message, address=None, command=None, sent=True):
        super().__init__(message)
        self.address = address
        self.command = command
        self.sent = sent


class BridgeError(BridgeException):
    """The server answered ``ok: false``: ``type`` is the server's error class, ``message`` its text."""

    def __init__(self, type, message, command=None):  # noqa: A002 - mirrors the wire field name
        super().__init__("%s: %s" % (type, message))
        self.type = type
        self.message = message
        self.command = command


class BridgeProtocolError(BridgeException):
    """The server's reply is not a valid protocol-1 reply (wrong version, id or shape)."""


class BridgeUsageError(BridgeException, RuntimeError):
    """The environment was used in a way that cannot work: from two threads at once, or from a forked child."""


class InvalidAction(BridgeException, ValueError):
    """An action refused before it was sent: wrong shape for its space, or NaN/infinite values (names the agent)."""


class ServerRestarted(BridgeError):
    """The server restarted since this environment was made: its handle is gone.

    ``remade`` is True when ``auto_remake=True`` made a new environment in its place (call ``reset()``)."""

    def __init__(self, message, command=None, remade=False):
        super().__init__("ServerRestarted", message, command)
        self.remade = remade
