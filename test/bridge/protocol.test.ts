/** Unit tests of the bridge's pure parts: request parsing, error mapping, toWire, the handle table, CURVE helpers. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkBindSecurity,
  describeError,
  formatCertificate,
  HandleTable,
  isLocalEndpoint,
  parseCertificate,
  parseRequest,
  readClientKeys,
  toWire,
  z85Encode,
} from '../../src/bridge/index.js';
import { RequestFailure } from '../../src/bridge/protocol.js';
import type { EnvHost } from '../../src/bridge/host.js';
import { ConfigError, InvalidActionError } from '../../src/core/errors.js';

const frame = (s: string): Buffer => Buffer.from(s, 'utf8');

function failure(text: string | Buffer, max = 1 << 20): { id: number | null; type: string; message: string } {
  try {
    parseRequest(typeof text === 'string' ? frame(text) : text, max);
  } catch (err) {
    expect(err).toBeInstanceOf(RequestFailure);
    const f = err as RequestFailure;
    return { id: f.id, ...describeError(f.error) };
  }
  throw new Error('expected parseRequest to fail');
}

describe('parseRequest', () => {
  test('accepts version-1 requests, args optional', () => {
    expect(parseRequest(frame('{"v":1,"id":3,"cmd":"ping"}'), 100)).toEqual({ v: 1, id: 3, cmd: 'ping', args: {} });
    expect(parseRequest(frame('{"v":2,"id":3,"cmd":"state","args":{"handle":"h"}}'), 100)).toEqual({ v: 2, id: 3, cmd: 'state', args: { handle: 'h' } });
    expect(parseRequest(frame('{"v":1,"id":-4,"cmd":"step","args":{"handle":"h","action":[1,2]}}'), 100)).toEqual({
      v: 1,
      id: -4,
      cmd: 'step',
      args: { handle: 'h', action: [1, 2] },
    });
  });

  test('refuses malformed frames with typed errors naming the problem', () => {
    expect(failure('{"v":1,"id":1,"cmd":"ping"}', 10)).toMatchObject({ id: null, type: 'MessageTooLargeError', message: 'request frame of 27 bytes exceeds the limit of 10 bytes' });
    expect(failure(Buffer.from([0xc3, 0x28]))).toMatchObject({ id: null, type: 'ProtocolError', message: 'request frame is not valid UTF-8' });
    expect(failure('{')).toMatchObject({ id: null, type: 'ProtocolError' });
    expect(failure('"ping"')).toMatchObject({ id: null, message: expect.stringContaining('must be a JSON object') });
    expect(failure('{"v":1,"id":"7","cmd":"ping"}')).toMatchObject({ id: null, message: '"id" must be an integer within ±(2^53 - 1), got "7"' });
    expect(failure('{"v":1,"id":9007199254740992,"cmd":"ping"}')).toMatchObject({ id: null, type: 'ProtocolError' });
    expect(failure('{"v":"1","id":5,"cmd":"ping"}')).toMatchObject({ id: 5, message: 'unsupported protocol version "1" (this server speaks versions 1 and 2)' });
    expect(failure('{"v":1,"id":5,"cmd":"ping","arg":{}}')).toMatchObject({ id: 5, message: 'unknown request field "arg" (expected v, id, cmd, args)' });
    expect(failure('{"v":1,"id":5,"cmd":null}')).toMatchObject({ id: 5, message: '"cmd" must be a string, got null' });
    expect(failure('{"v":1,"id":5,"cmd":"toString"}')).toMatchObject({ id: 5, type: 'UnknownCommandError' });
    expect(failure('{"v":1,"id":5,"cmd":"reset","args":{"handle":"h","sed":1}}')).toMatchObject({
      id: 5,
      message: 'reset: unknown argument "sed" (expected handle, seed, options)',
    });
    expect(failure('{"v":1,"id":5,"cmd":"hello","args":{"x":1}}')).toMatchObject({ message: 'hello: unknown argument "x" (it takes none)' });
  });
});

test('describeError keeps faasgym error names and wraps everything else as EnvironmentError', () => {
  expect(describeError(new InvalidActionError('bad'))).toEqual({ type: 'InvalidActionError', message: 'bad' });
  expect(describeError(new RangeError('deep'))).toEqual({ type: 'EnvironmentError', message: 'RangeError: deep' });
  expect(describeError('text')).toEqual({ type: 'EnvironmentError', message: 'threw a non-Error value: "text"' });
});

test('toWire converts typed arrays anywhere and returns the same object when nothing needs converting', () => {
  const plain = { obs: [1, 2, [3]], info: { a: 'x', b: null } };
  expect(toWire(plain)).toBe(plain);
  const arr = [0.5, 1];
  expect(toWire(arr)).toBe(arr);
  const typed = { obs: new Float32Array([0.5, 1.5]), nested: [{ x: new Int32Array([3]) }], keep: [1] };
  const wired = toWire(typed) as Record<string, unknown>;
  expect(wired).toEqual({ obs: [0.5, 1.5], nested: [{ x: [3] }], keep: [1] });
  expect(wired.keep).toBe(typed.keep);
  expect(typed.obs).toBeInstanceOf(Float32Array); // the original is untouched
});

describe('HandleTable', () => {
  const fakeEnv = (log: string[], name: string): EnvHost =>
    ({
      close: async () => {
        log.push(`close ${name}`);
      },
    }) as unknown as EnvHost;

  test('runs the jobs of one handle in order, one at a time, and bounds the queue', async () => {
    const table = new HandleTable({ maxQueue: 2 });
    const h = table.add(fakeEnv([], 'a'), 'X-v0', 'single');
    const order: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    table.enqueue(h, async () => {
      order.push('1 start');
      await gate;
      order.push('1 end');
    });
    table.enqueue(h, () => {
      order.push('2');
    });
    table.enqueue(h, () => {
      order.push('3');
    });
    expect(() => table.enqueue(h, () => {})).toThrow(/2 requests are already waiting/);
    expect(h.busy).toBe(true);
    release();
    for (let i = 0; i < 10 && h.busy; i++) await new Promise((r) => setTimeout(r, 1));
    expect(order).toEqual(['1 start', '1 end', '2', '3']);
    expect(h.busy).toBe(false);
  });

  test('reaps only handles idle past the timeout, closing their environments', async () => {
    let now = 0;
    const log: string[] = [];
    const reaped: string[] = [];
    const table = new HandleTable({ idleTimeoutMs: 100, now: () => now, onReap: (h) => reaped.push(h.envId), maxHandles: 3 });
    const a = table.add(fakeEnv(log, 'a'), 'A-v0', 'single');
    now = 50;
    const b = table.add(fakeEnv(log, 'b'), 'B-v0', 'single');
    const c = table.add(fakeEnv(log, 'c'), 'C-v0', 'single');
    expect(() => table.add(fakeEnv(log, 'd'), 'D-v0', 'single')).toThrow(/--max-handles 3/);
    c.busy = true; // a long step in progress
    now = 120;
    expect(await table.reap()).toEqual([a]);
    expect(log).toEqual(['close a']);
    expect(() => table.get(a.id)).toThrow(/closed after 0.1 s idle/);
    now = 1000;
    await table.reap();
    expect(reaped).toEqual(['A-v0', 'B-v0']);
    expect(table.ids()).toEqual([c.id]);
    expect(b.closed).toBe(true);
    await table.closeAll();
    expect(log).toEqual(['close a', 'close b', 'close c']);
    expect(table.size).toBe(0);
  });

  test('validates its options and hands out unguessable ids', () => {
    expect(() => new HandleTable({ maxHandles: 0 })).toThrow(ConfigError);
    expect(() => new HandleTable({ idleTimeoutMs: -1 })).toThrow(/idleTimeoutMs must be a finite number > 0, got -1/);
    const table = new HandleTable();
    const ids = new Set(Array.from({ length: 50 }, () => table.add({} as EnvHost, 'X-v0', 'single').id));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^h\d+-[0-9a-f]{16}$/);
  });
});

describe('CURVE helpers', () => {
  test('Z85 matches the RFC 32 test vector', () => {
    expect(z85Encode(Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]))).toBe('HelloWorld');
    expect(() => z85Encode(new Uint8Array(3))).toThrow(ConfigError);
  });

  test('certificates round-trip and reject malformed keys', () => {
    const pair = { publicKey: 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7', secretKey: 'JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6' };
    expect(parseCertificate(formatCertificate(pair, true))).toEqual(pair);
    expect(parseCertificate(formatCertificate(pair, false))).toEqual({ publicKey: pair.publicKey });
    expect(() => parseCertificate('public-key = "short"')).toThrow(/40 characters of Z85/);
    expect(() => parseCertificate('# nothing')).toThrow(/no public-key line/);
  });

  test('client key lists from a directory of certificates or a plain file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-ck-'));
    try {
      const k1 = 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7';
      const k2 = 'Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID';
      writeFileSync(join(dir, 'alice.key'), formatCertificate({ publicKey: k1 }, false));
      writeFileSync(join(dir, 'bob.key'), formatCertificate({ publicKey: k2 }, false));
      writeFileSync(join(dir, 'ignored.txt'), 'not a key');
      expect(readClientKeys(dir)).toEqual(new Set([k1, k2]));
      writeFileSync(join(dir, 'list.txt'), `# allowed clients\n${k2}\n\n`);
      expect(readClientKeys(join(dir, 'list.txt'))).toEqual(new Set([k2]));
      writeFileSync(join(dir, 'bad.txt'), 'nope\n');
      expect(() => readClientKeys(join(dir, 'bad.txt'))).toThrow(/one 40-character Z85 public key per line/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('loopback detection and the bind rule', () => {
    for (const ep of ['tcp://127.0.0.1:5555', 'tcp://127.1.2.3:*', 'tcp://localhost:1', 'tcp://[::1]:5555', 'ipc:///tmp/x.sock', 'inproc://x']) {
      expect([ep, isLocalEndpoint(ep)]).toEqual([ep, true]);
    }
    for (const ep of ['tcp://0.0.0.0:5555', 'tcp://*:5555', 'tcp://eth0:5555', 'tcp://10.0.0.1:5555', 'tcp://127.0.0.1.evil.com:1']) {
      expect([ep, isLocalEndpoint(ep)]).toEqual([ep, false]);
    }
    expect(() => checkBindSecurity('tcp://*:5555', {})).toThrow(/pass --allow-remote/);
    expect(() => checkBindSecurity('tcp://*:5555', { allowRemote: true })).toThrow(/needs CurveZMQ/);
    expect(() => checkBindSecurity('tcp://*:5555', { allowRemote: true, curve: true })).not.toThrow();
    expect(() => checkBindSecurity('udp://x', {})).toThrow(/must look like/);
  });
});
