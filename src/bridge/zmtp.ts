/**
 * A minimal ZeroMQ (ZMTP 3.0, RFC 23, NULL security) ROUTER-side endpoint on
 * `node:net`, for an environment's direct endpoint (env-worker.ts): a REQ or
 * DEALER peer (pyzmq, libzmq) connects to it as to any ZeroMQ socket, and each
 * message is answered on the connection it came from.
 *
 * Why not the zeromq addon here: it runs in the environment's worker thread,
 * and terminating a worker whose zeromq socket has a receive pending aborts
 * the whole process (zeromq.js issue #411), while a worker must be stoppable
 * at any time (a request past the time limit, a server shutting down). Sockets
 * of `node:net` end cleanly with their thread.
 *
 * Everything from the peer is checked: the greeting (signature, version >= 3,
 * the NULL mechanism), the READY command (a REQ or DEALER socket type), frame
 * flags, frame sizes (over `maxFrameBytes` the body is skipped and the message
 * reported as too large; over 8 times that, the connection is dropped, as
 * libzmq's ZMQ_MAXMSGSIZE does), frames per message, the number of
 * connections and the handshake time. A peer that breaks the protocol loses
 * its connection; nothing it sends can throw out of this module.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** What a received message looks like to the handler: its frames, or why it could not be read. */
export type ZmtpMessage = { frames: Buffer[]; tooLarge?: undefined } | { frames: Buffer[]; tooLarge: number };

export interface ZmtpOptions {
  /** Largest frame whose body is kept; larger bodies are skipped and the message flagged `tooLarge`. */
  maxFrameBytes: number;
  /** Most frames one message may have; more drops the connection. @default 32 */
  maxFrames?: number;
  /** Most connections at once; more are closed at once. @default 16 */
  maxConnections?: number;
  /** A peer must finish the greeting and READY within this. @default 10000 */
  handshakeTimeoutMs?: number;
}

const GREETING_BYTES = 64;
const FLAG_MORE = 1;
const FLAG_LONG = 2;
const FLAG_COMMAND = 4;
const PEER_TYPES = new Set(['REQ', 'DEALER']);

/** Our greeting: signature, version 3.0, NULL mechanism, as-server 0, filler. */
const GREETING = (() => {
  const g = Buffer.alloc(GREETING_BYTES);
  g[0] = 0xff;
  g[8] = 1;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = 0;
  g.write('NULL', 12, 'latin1');
  return g;
})();

/** Our READY command: Socket-Type ROUTER. */
const READY = (() => {
  const name = Buffer.from('\x05READY', 'latin1');
  const key = Buffer.from('\x0bSocket-Type', 'latin1');
  const value = Buffer.from('ROUTER', 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(value.length);
  const body = Buffer.concat([name, key, len, value]);
  return Buffer.concat([Buffer.from([FLAG_COMMAND, body.length]), body]);
})();

/** One peer connection; `send` writes a message (frames) back to it. */
export class ZmtpConnection {
  private state: 'greeting' | 'ready' | 'open' = 'greeting';
  private buf: Buffer = Buffer.alloc(0);
  private frames: Buffer[] = [];
  private tooLarge = 0;
  /** Body bytes still to skip of a frame that was too large. */
  private skip = 0;
  private skipMore = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly socket: Socket,
    private readonly opts: Required<ZmtpOptions>,
    private readonly onMessage: (conn: ZmtpConnection, msg: ZmtpMessage) => void,
  ) {
    socket.setNoDelay(true);
    this.timer = setTimeout(() => this.drop(), opts.handshakeTimeoutMs);
    this.timer.unref();
    socket.on('data', (chunk: Buffer) => {
      try {
        this.feed(chunk);
      } catch {
        this.drop(); // a bug here must cost only this connection
      }
    });
    socket.on('error', () => this.drop());
    socket.on('close', () => clearTimeout(this.timer));
    socket.write(GREETING);
  }

  /** Send one message: each frame as a string (UTF-8) or bytes. Ignored once the connection is gone. */
  send(frames: readonly (Buffer | string)[]): void {
    if (this.socket.destroyed) return;
    let total = 0;
    const bodies = frames.map((f) => (typeof f === 'string' ? Buffer.from(f, 'utf8') : f));
    for (const b of bodies) total += (b.length > 255 ? 9 : 2) + b.length;
    const out = Buffer.allocUnsafe(total);
    let o = 0;
    bodies.forEach((b, i) => {
      const more = i < bodies.length - 1 ? FLAG_MORE : 0;
      if (b.length > 255) {
        out[o] = more | FLAG_LONG;
        out.writeBigUInt64BE(BigInt(b.length), o + 1);
        o += 9;
      } else {
        out[o] = more;
        out[o + 1] = b.length;
        o += 2;
      }
      o += b.copy(out, o);
    });
    this.socket.write(out);
  }

  /** Close the connection at once. */
  drop(): void {
    clearTimeout(this.timer);
    this.socket.destroy();
  }

  private feed(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    const buf = this.buf;
    while (!this.socket.destroyed) {
      if (this.state === 'greeting') {
        if (buf.length - pos < GREETING_BYTES) break;
        if (!validGreeting(buf.subarray(pos, pos + GREETING_BYTES))) return this.drop();
        pos += GREETING_BYTES;
        this.state = 'ready';
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - pos);
        this.skip -= n;
        pos += n;
        if (this.skip > 0) break;
        if (!this.skipMore) this.finishMessage();
        continue;
      }
      if (buf.length - pos < 2) break;
      const flags = buf[pos] as number;
      if ((flags & ~(FLAG_MORE | FLAG_LONG | FLAG_COMMAND)) !== 0) return this.drop();
      let size: number;
      let head: number;
      if ((flags & FLAG_LONG) !== 0) {
        if (buf.length - pos < 9) break;
        const big = buf.readBigUInt64BE(pos + 1);
        if (big > BigInt(this.opts.maxFrameBytes * 8)) return this.drop();
        size = Number(big);
        head = 9;
      } else {
        size = buf[pos + 1] as number;
        head = 2;
      }
      if ((flags & FLAG_COMMAND) !== 0) {
        if ((flags & FLAG_MORE) !== 0 || size > 4096) return this.drop();
        if (buf.length - pos < head + size) break;
        const body = buf.subarray(pos + head, pos + head + size);
        pos += head + size;
        if (this.state === 'ready') {
          if (!validReady(body)) return this.drop();
          this.state = 'open';
          clearTimeout(this.timer);
          this.socket.write(READY);
        }
        continue; // other commands (PING without heartbeats configured, ...) are ignored
      }
      if (this.state !== 'open') return this.drop(); // a message before READY
      if (this.frames.length >= this.opts.maxFrames) return this.drop();
      const more = (flags & FLAG_MORE) !== 0;
      if (size > this.opts.maxFrameBytes) {
        this.tooLarge = Math.max(this.tooLarge, size);
        this.frames.push(Buffer.alloc(0));
        pos += head;
        this.skip = size;
        this.skipMore = more;
        continue;
      }
      if (buf.length - pos < head + size) break;
      // A view of the chunk: chunks are never reused (the remainder below is copied), so the handler may keep it.
      this.frames.push(buf.subarray(pos + head, pos + head + size));
      pos += head + size;
      if (!more) this.finishMessage();
    }
    this.buf = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
  }

  private finishMessage(): void {
    const frames = this.frames;
    const tooLarge = this.tooLarge;
    this.frames = [];
    this.tooLarge = 0;
    this.onMessage(this, tooLarge > 0 ? { frames, tooLarge } : { frames });
  }
}

function validGreeting(g: Buffer): boolean {
  if (g[0] !== 0xff || ((g[9] as number) & 1) !== 1 || (g[10] as number) < 3) return false;
  const mechanism = g.toString('latin1', 12, 32).replace(/\0+$/, '');
  return mechanism === 'NULL';
}

/** A READY command whose Socket-Type is one this endpoint answers (REQ, DEALER). */
function validReady(body: Buffer): boolean {
  if (body.length < 6 || body[0] !== 5 || body.toString('latin1', 1, 6) !== 'READY') return false;
  let p = 6;
  let type: string | undefined;
  while (p < body.length) {
    const nameLen = body[p] as number;
    if (p + 1 + nameLen + 4 > body.length) return false;
    const name = body.toString('latin1', p + 1, p + 1 + nameLen);
    const valueLen = body.readUInt32BE(p + 1 + nameLen);
    const start = p + 1 + nameLen + 4;
    if (start + valueLen > body.length) return false;
    if (name.toLowerCase() === 'socket-type') type = body.toString('latin1', start, start + valueLen);
    p = start + valueLen;
  }
  return type !== undefined && PEER_TYPES.has(type);
}

/** A listening endpoint; every complete message goes to `onMessage`. */
export class ZmtpServer {
  private readonly connections = new Set<ZmtpConnection>();

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {}

  /** Listen on `host`, on a port the system picks. */
  static listen(host: string, opts: ZmtpOptions, onMessage: (conn: ZmtpConnection, msg: ZmtpMessage) => void): Promise<ZmtpServer> {
    const full: Required<ZmtpOptions> = { maxFrames: 32, maxConnections: 16, handshakeTimeoutMs: 10_000, ...opts };
    return new Promise((resolve, reject) => {
      let zs: ZmtpServer | undefined;
      const server = createServer({ noDelay: true }, (socket) => {
        if (zs === undefined || zs.connections.size >= full.maxConnections) {
          socket.destroy();
          return;
        }
        const conn = new ZmtpConnection(socket, full, onMessage);
        zs.connections.add(conn);
        socket.on('close', () => zs?.connections.delete(conn));
      });
      server.once('error', reject);
      server.listen({ host, port: 0, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => {}); // accept errors after listening cost only that connection
        const address = server.address();
        if (address === null || typeof address === 'string') {
          server.close();
          reject(new Error('the direct endpoint has no TCP address'));
          return;
        }
        zs = new ZmtpServer(server, host, address.port);
        resolve(zs);
      });
    });
  }

  /** `tcp://host:port` (IPv6 hosts in brackets). */
  get endpoint(): string {
    return `tcp://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** Stop listening and drop every connection. */
  close(): void {
    this.server.close();
    for (const c of this.connections) c.drop();
    this.connections.clear();
  }
}
