/**
 * The bridge's wire protocol, version 2 (docs/bridge-protocol.md; version 1
 * requests are still answered, in version 1 replies): request
 * parsing and validation, reply encoding, and the mapping from thrown errors to
 * `{type, message}`. Pure functions, no sockets.
 */
import { isUtf8 } from 'node:buffer';
import { FaasgymError, quote } from '../core/errors.js';

export const PROTOCOL_VERSION = 2;
/** The versions a request may carry; the reply carries the request's. */
export const PROTOCOL_VERSIONS: readonly number[] = [1, 2];

/** Base class of the errors the bridge itself raises (sent as their class name). */
export class BridgeError extends FaasgymError {}
/** The frame is not a well-formed version-1 request, or an argument is missing or has the wrong type. */
export class ProtocolError extends BridgeError {}
/** The request frame is larger than the server's `maxMessageBytes`. */
export class MessageTooLargeError extends BridgeError {}
/** `cmd` is not a command of the protocol. */
export class UnknownCommandError extends BridgeError {}
/** No open environment has this handle (never made, closed, or reaped while idle). */
export class UnknownHandleError extends BridgeError {}
/** Too many open handles, or too many requests waiting on one handle. */
export class LimitExceededError extends BridgeError {}
/** The environment threw something that is not a faasgym error, or returned a value JSON cannot carry. */
export class EnvironmentError extends BridgeError {}

export const COMMANDS = ['hello', 'ping', 'list', 'make', 'spaces', 'reset', 'step', 'steps', 'state', 'adjacency', 'close'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Arguments each command accepts (anything else is a `ProtocolError`). */
const ALLOWED_ARGS: Record<CommandName, readonly string[]> = {
  hello: [],
  ping: ['handle'],
  list: [],
  make: ['env', 'config', 'options', 'client', 'direct'],
  spaces: ['handle'],
  reset: ['handle', 'seed', 'options'],
  step: ['handle', 'action', 'actions'],
  steps: ['batch'],
  state: ['handle'],
  adjacency: ['handle'],
  close: ['handle'],
};

export type Args = Record<string, unknown>;

/** A validated request. */
export interface Request {
  /** The protocol version of the request (its reply carries the same). */
  v: number;
  id: number;
  cmd: CommandName;
  args: Args;
}

/** An error that carries the request id it belongs to (null when the id could not be read). */
export class RequestFailure {
  constructor(readonly id: number | null, readonly error: unknown, readonly v: number = PROTOCOL_VERSION) {}
}

const TOP_LEVEL = new Set(['v', 'id', 'cmd', 'args']);
const EMPTY_ARGS: Args = Object.freeze({}) as Args;

/**
 * Parse and validate one request frame. Throws a `RequestFailure` holding the
 * request id (when it could be read) and a typed error.
 */
export function parseRequest(frame: Uint8Array, maxBytes: number): Request {
  if (frame.length > maxBytes) {
    throw new RequestFailure(null, new MessageTooLargeError(`request frame of ${frame.length} bytes exceeds the limit of ${maxBytes} bytes`));
  }
  if (!isUtf8(frame)) throw new RequestFailure(null, new ProtocolError('request frame is not valid UTF-8'));
  const text = Buffer.from(frame.buffer, frame.byteOffset, frame.length).toString('utf8');
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    throw new RequestFailure(null, new ProtocolError(`request frame is not JSON: ${(err as Error).message}`));
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    throw new RequestFailure(null, new ProtocolError(`a request must be a JSON object {v, id, cmd, args}, got ${quote(msg, 60)}`));
  }
  const m = msg as Record<string, unknown>;
  const rawId = m.id;
  const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? rawId : null;
  if (id === null) throw new RequestFailure(null, new ProtocolError(`"id" must be an integer within ±(2^53 - 1), got ${quote(rawId, 60)}`));
  if (typeof m.v !== 'number' || !PROTOCOL_VERSIONS.includes(m.v)) {
    throw new RequestFailure(id, new ProtocolError(`unsupported protocol version ${quote(m.v, 40)} (this server speaks versions ${PROTOCOL_VERSIONS.join(' and ')})`));
  }
  const v = m.v;
  for (const key in m) {
    if (!TOP_LEVEL.has(key)) throw new RequestFailure(id, new ProtocolError(`unknown request field ${quote(key, 60)} (expected v, id, cmd, args)`), v);
  }
  const cmd = m.cmd;
  if (typeof cmd !== 'string') throw new RequestFailure(id, new ProtocolError(`"cmd" must be a string, got ${quote(cmd, 60)}`), v);
  const allowed = Object.prototype.hasOwnProperty.call(ALLOWED_ARGS, cmd) ? ALLOWED_ARGS[cmd as CommandName] : undefined;
  if (allowed === undefined) {
    throw new RequestFailure(id, new UnknownCommandError(`unknown command ${quote(cmd, 60)} (expected one of ${COMMANDS.join(', ')})`), v);
  }
  let args = m.args;
  if (args === undefined) args = EMPTY_ARGS;
  else if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new RequestFailure(id, new ProtocolError(`"args" must be an object, got ${quote(args, 60)}`), v);
  }
  for (const key in args as Args) {
    if (!allowed.includes(key)) {
      throw new RequestFailure(id, new ProtocolError(`${cmd}: unknown argument ${quote(key, 60)}${allowed.length ? ` (expected ${allowed.join(', ')})` : ' (it takes none)'}`), v);
    }
  }
  return { v, id, cmd: cmd as CommandName, args: args as Args };
}

/** A required string argument. */
export function stringArg(cmd: string, args: Args, name: string): string {
  const v = args[name];
  if (typeof v !== 'string' || v.length === 0) {
    throw new ProtocolError(`${cmd}: args.${name} must be a non-empty string, got ${v === undefined ? 'nothing' : quote(v, 60)}`);
  }
  return v;
}

/** An optional plain-object argument. */
export function objectArg(cmd: string, args: Args, name: string): Record<string, unknown> | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError(`${cmd}: args.${name} must be an object, got ${quote(v, 60)}`);
  return v as Record<string, unknown>;
}

/** An optional seed: a non-negative safe integer. */
export function seedArg(cmd: string, args: Args): number | undefined {
  const v = args.seed;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ProtocolError(`${cmd}: args.seed must be a non-negative integer below 2^53, got ${quote(v, 60)}`);
  }
  return v;
}

/** `{type, message}` for any thrown value: faasgym errors keep their class name, anything else is an `EnvironmentError`. */
export function describeError(err: unknown): { type: string; message: string } {
  if (err instanceof FaasgymError) return { type: err.name, message: err.message };
  if (err instanceof Error) {
    return { type: 'EnvironmentError', message: `${err.name || 'Error'}: ${err.message}` };
  }
  return { type: 'EnvironmentError', message: `threw a non-Error value: ${quote(err, 200)}` };
}

/** The JSON text of a success reply. `resultJson` is already-encoded JSON. */
export function okReplyText(id: number, resultJson: string, v = PROTOCOL_VERSION): string {
  return `{"v":${v},"id":${id},"ok":true,"result":${resultJson}}`;
}

/** The JSON text of an error reply. */
export function errorReplyText(id: number | null, err: unknown, v = PROTOCOL_VERSION): string {
  return `{"v":${v},"id":${id === null ? 'null' : id},"ok":false,"error":${JSON.stringify(describeError(err))}}`;
}

/**
 * A copy of `value` in which typed arrays became plain arrays (JSON would turn
 * them into objects). Returns `value` itself, without allocating, when there
 * is nothing to convert — the common case.
 */
export function toWire(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (ArrayBuffer.isView(value)) return value instanceof DataView ? null : Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      if (typeof v !== 'object' || v === null) continue;
      const w = toWire(v, depth + 1);
      if (w !== v) {
        if (copy === null) copy = value.slice();
        copy[i] = w;
      }
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | null = null;
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const v = obj[key];
    if (typeof v !== 'object' || v === null) continue;
    const w = toWire(v, depth + 1);
    if (w !== v) {
      if (copy === null) copy = { ...obj };
      copy[key] = w;
    }
  }
  return copy ?? value;
}

/** JSON text of a result; a value JSON cannot carry (a BigInt, a cycle) becomes an `EnvironmentError`. */
export function encodeResult(result: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(result);
  } catch (err) {
    throw new EnvironmentError(`the environment returned a value that cannot be sent as JSON: ${(err as Error).message}`);
  }
  if (text === undefined) throw new EnvironmentError('the environment returned a value that cannot be sent as JSON');
  return text;
}
