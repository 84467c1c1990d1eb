/** SIGINT/SIGTERM close the registered environments (restoring a real cluster) before the process exits (issue 17 §6). */
import { closeOnSignal, registeredForSignals, setSignalHooksForTests } from '../../src/experiment/close-on-signal.js';

function fakeEnv(delayMs = 20) {
  const env = { closed: 0, close: async () => { await new Promise((r) => setTimeout(r, delayMs)); env.closed++; } };
  return env;
}

test('the handlers exist only while an environment is registered; close() unregisters', async () => {
  const before = process.listenerCount('SIGTERM');
  const env = closeOnSignal(fakeEnv());
  expect(registeredForSignals()).toBe(1);
  expect(process.listenerCount('SIGTERM')).toBe(before + 1);
  expect(process.listenerCount('SIGINT')).toBeGreaterThanOrEqual(1);
  await env.close();
  expect(env.closed).toBe(1);
  expect(registeredForSignals()).toBe(0);
  expect(process.listenerCount('SIGTERM')).toBe(before);
});

test('SIGTERM closes every registered environment, then exits 143', async () => {
  const exits: number[] = [];
  const lines: string[] = [];
  const reset = setSignalHooksForTests({ exit: (c) => exits.push(c), write: (l) => lines.push(l) });
  const before = process.listenerCount('SIGTERM');
  try {
    const a = closeOnSignal(fakeEnv(50));
    const b = closeOnSignal(fakeEnv(10));
    process.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([]); // waits for the closes (a cluster's restore)
    for (let i = 0; i < 100 && exits.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect([a.closed, b.closed]).toEqual([1, 1]);
    expect(exits).toEqual([143]);
    expect(lines[0]).toBe('faasgym: SIGTERM: closing 2 environment(s) (a real cluster is restored first; SIGTERM again to exit at once)\n');
    // a second signal while closing exits at once
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([143, 130]);
  } finally {
    reset();
  }
  expect(process.listenerCount('SIGTERM')).toBe(before);
});
