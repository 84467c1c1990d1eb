/**
 * HTTP plumbing of the twin: replies as values (so a fault can replace one
 * after the request was carried out), bounded body reading, JSON parsing, and
 * basic-auth checking.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  /** Always set: every response has a content type. */
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  /** A streamed answer (a watch): called with the response after the head is written; `body` is ignored. */
  stream?: (res: ServerResponse) => void;
  /** Called instead of `stream` when the answer is never sent (the client left, a fault replaced it). */
  abandon?: () => void;
}

/** Thrown by handlers; the router turns it into a Status (Kubernetes paths) or plain text (gateway paths). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string = defaultReason(status),
    readonly details?: { name?: string; group?: string; kind?: string },
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function defaultReason(status: number): string {
  switch (status) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 406: return 'NotAcceptable';
    case 409: return 'Conflict';
    case 413: return 'RequestEntityTooLarge';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return 'InternalError';
  }
}

export function json(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, contentType: 'application/json', body: `${JSON.stringify(value)}\n`, ...(headers ? { headers } : {}) };
}

export function text(status: number, body: string, headers?: Record<string, string>): Reply {
  return { status, contentType: 'text/plain; charset=utf-8', body, ...(headers ? { headers } : {}) };
}

/** Read a request body of at most `limit` bytes; HttpError 413 beyond it. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new HttpError(413, `request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(new HttpError(400, `reading the request body failed: ${err.message}`));
    });
    req.on('aborted', () => {
      if (done) return;
      done = true;
      reject(new HttpError(400, 'the client aborted the request'));
    });
  });
}

/**
 * Deepest JSON nesting a request may have. A Deployment nests about a dozen
 * levels; 100 leaves room for any real object while keeping the recursive
 * code after parsing (patches, canonical JSON, structuredClone) far from the
 * stack limit ("Maximum call stack size exceeded" at ~10^4 levels).
 */
export const MAX_JSON_DEPTH = 100;

/** Nesting depth of a JSON text (brackets outside strings), stopping as soon as it passes `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** Parse a JSON body; HttpError 400 (malformed, or nested deeper than MAX_JSON_DEPTH) naming the problem. */
export function parseJson(body: Buffer, what = 'request body'): unknown {
  const textBody = body.toString('utf8');
  if (textBody.trim() === '') throw new HttpError(400, `${what} is empty; expected JSON`);
  if (jsonDepth(textBody) > MAX_JSON_DEPTH) throw new HttpError(400, `${what} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(textBody);
  } catch (err) {
    throw new HttpError(400, `${what} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Send a reply (unless the response already ended). */
export function send(res: ServerResponse, reply: Reply): void {
  if (res.writableEnded || res.destroyed) {
    reply.abandon?.();
    return;
  }
  if (reply.stream) {
    res.writeHead(reply.status, { ...reply.headers, 'Content-Type': reply.contentType, 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    reply.stream(res);
    return;
  }
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  res.writeHead(reply.status, {
    ...reply.headers,
    'Content-Type': reply.contentType,
    'Content-Length': String(body.length),
  });
  res.end(body);
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time check of an `Authorization: Basic` header against user and password. */
export function basicAuthOk(header: string | undefined, user: string, password: string): boolean {
  if (typeof header !== 'string') return false;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return false;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return false;
  const userOk = timingSafeEqual(digest(decoded.slice(0, i)), digest(user));
  const passOk = timingSafeEqual(digest(decoded.slice(i + 1)), digest(password));
  return userOk && passOk;
}

/** Constant-time check of an `Authorization: Bearer` header against a token. */
export function bearerOk(header: string | undefined, token: string): boolean {
  if (typeof header !== 'string') return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return false;
  return timingSafeEqual(digest(m[1] as string), digest(token));
}
