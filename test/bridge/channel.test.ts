/**
 * The server ↔ worker hand-off (channel.ts, host.ts `WorkerHost`): payloads in
 * the shared buffer and, when larger, through the port; lengths read from the
 * buffer are checked; a worker-hosted environment answers large requests and
 * replies, multi-byte text and typed errors exactly as the in-process host does.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { ChannelClient, ChannelServer, OP_CLOSE, OP_RUN } from '../../src/bridge/channel.js';
import { stopSpareWorkers, WorkerHost } from '../../src/bridge/host.js';

import { REPO } from './helpers.js';

/** Both ends in this thread: each side has already written when the other reads, so no wait blocks. */
function pair(capacity: number) {
  const { port1, port2 } = new MessageChannel();
  const { client, init } = ChannelClient.create(port1, port2, capacity);
  return { client, server: new ChannelServer(init, 1), init, close: () => (port1.close(), port2.close()) };
}

test('requests and replies go through the shared buffer up to its capacity and through the port beyond it, byte-exact', async () => {
  const { client, server, close } = pair(64);
  try {
    // ASCII at the capacity, two-byte characters just under and just over it, and a long text.
    const texts = ['x'.repeat(64), 'é'.repeat(32), 'é'.repeat(33), `{"a":"${'ü€'.repeat(500)}"}`, ''];
    for (const [i, text] of texts.entries()) {
      client.send(i === texts.length - 1 ? OP_CLOSE : OP_RUN, text);
      const req = await server.next();
      expect(req).toEqual({ op: i === texts.length - 1 ? OP_CLOSE : OP_RUN, text });
      expect(client.answered).toBe(false);
      server.answer(i % 2 === 0, `${text}!`);
      await client.reply();
      expect(client.answered).toBe(true);
      expect(client.read()).toEqual({ ok: i % 2 === 0, text: `${text}!` });
    }
  } finally {
    close();
  }
});

test('a length or status in the shared buffer that no writer could produce is refused, not read', async () => {
  const { client, server, init, close } = pair(64);
  try {
    const header = new Int32Array(init.buffer, 0, 8);
    client.send(OP_RUN, 'hello');
    await server.next();
    server.answer(true, 'world');
    header[3] = 65; // LEN past the capacity
    expect(() => client.read()).toThrow('channel: payload length 65 is outside [0, 64]');
    header[3] = -1; // "on the port", but nothing was posted
    expect(() => client.read()).toThrow('channel: the payload announced on the port is missing');
    header[3] = 5;
    header[4] = 7; // STATUS
    expect(() => client.read()).toThrow('channel: reply status 7 is neither ok nor failed');
  } finally {
    close();
  }
});

test('a worker-hosted environment answers requests and replies larger than the shared buffer, multi-byte text and typed errors', async () => {
  const limits = { memoryMb: 256, requestTimeoutMs: 20_000, modules: [pathToFileURL(join(REPO, 'test/bridge/fixtures/wide-envs.mjs')).href] };
  const host = await WorkerHost.start('Wide-v0', {}, {}, limits);
  try {
    expect(host.kind).toBe('single');
    await host.run({ cmd: 'reset', seed: 0 });
    const action = Array.from({ length: 30_000 }, (_, i) => (i * 7919) % 100_000);
    expect(JSON.stringify(action).length).toBeGreaterThan(64 * 1024); // the request takes the port
    // info.text of action[0] two-byte characters: replies of about 0.2, 64.1 (still in the buffer) and 80 kB (through the port).
    for (const first of [0, 100, 32_000, 40_000]) {
      action[0] = first;
      const text = await host.run({ cmd: 'step', action });
      const r = JSON.parse(text);
      expect(r.obs).toEqual(action.slice(-8).reverse());
      expect(r.reward).toBe(first);
      expect(r.info.text).toBe('é'.repeat(first));
    }
    action[0] = -3;
    await expect(host.run({ cmd: 'step', action })).rejects.toMatchObject({ name: 'EnvironmentError', message: 'RangeError: negative first action -3' });
    await expect(host.run({ cmd: 'step', action: [1, 2] })).rejects.toMatchObject({ name: 'InvalidActionError' });
    // Still serving after the errors.
    action[0] = 1;
    expect(JSON.parse(await host.run({ cmd: 'step', action })).info.text).toBe('é');
  } finally {
    await host.close();
    await stopSpareWorkers();
  }
  await expect(host.run({ cmd: 'reset' })).rejects.toMatchObject({ name: 'EnvironmentCrashedError', message: 'closed' });
});
