/** How the CLI words a failure: one line, an exit code, the trace only under FAASGYM_DEBUG. */
import { CheckpointError } from '../../src/nn/checkpoint.js';
import { ConfigError, InvalidActionError } from '../../src/core/errors.js';
import { backendNote } from '../../src/nn/tf.js';
import { UsageError } from '../../src/experiment/commands/options.js';
import { debugEnabled, describeError, oneLine, reportError } from '../../src/experiment/cli-errors.js';

test('faasgym errors keep their name; usage and configuration errors exit 2, the rest 1', () => {
  expect(describeError(new UsageError('--steps must be a positive integer, got "0"'))).toEqual({ line: 'error: --steps must be a positive integer, got "0"', code: 2 });
  expect(describeError(new ConfigError('x: bad'))).toEqual({ line: 'ConfigError: x: bad', code: 2 });
  expect(describeError(new CheckpointError('c: corrupt'))).toEqual({ line: 'CheckpointError: c: corrupt', code: 1 });
  expect(describeError(new InvalidActionError('invoker 10 is masked'))).toEqual({ line: 'InvalidActionError: invoker 10 is masked', code: 1 });
});

test('errors from below faasgym are named with a hint, on one line', () => {
  let range: unknown;
  try {
    new Float64Array(2 ** 40);
  } catch (err) {
    range = err;
  }
  expect(describeError(range).line).toMatch(/^out of memory: a value in the command or its config asks for more memory than this machine can give \(.*\); use smaller sizes, counts or durations$/);
  const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x/y.key'"), { code: 'ENOENT', syscall: 'open', path: '/x/y.key' });
  expect(describeError(enoent)).toEqual({ line: 'open "/x/y.key" failed: no such file or directory (ENOENT); check the path and its permissions', code: 1 });
  expect(describeError(new TypeError('a\n   b'))).toEqual({ line: 'unexpected TypeError: a b (FAASGYM_DEBUG=1 prints the stack trace; please report it)', code: 1 });
  expect(describeError('thrown string').line).toBe('unexpected failure: thrown string (FAASGYM_DEBUG=1 shows where; please report it)');
  expect(oneLine('one\n  two\n\nthree')).toBe('one two three');
});

test('reportError writes one line, and the trace only under FAASGYM_DEBUG', () => {
  const saved = process.env.FAASGYM_DEBUG;
  try {
    let text = '';
    delete process.env.FAASGYM_DEBUG;
    expect(reportError(new RangeError('Invalid typed array length: 5000000000'), (s) => (text += s))).toBe(1);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).not.toMatch(/\n\s+at /);
    process.env.FAASGYM_DEBUG = '1';
    text = '';
    reportError(new Error('boom', { cause: new Error('root') }), (s) => (text += s));
    expect(text).toMatch(/^faasgym: unexpected Error: boom .*\nError: boom\n\s+at [^]*caused by:\nError: root\n/);
    expect(debugEnabled({ FAASGYM_DEBUG: '0' })).toBe(false);
    expect(debugEnabled({ FAASGYM_DEBUG: 'true' })).toBe(true);
  } finally {
    if (saved === undefined) delete process.env.FAASGYM_DEBUG;
    else process.env.FAASGYM_DEBUG = saved;
  }
});

test('the TensorFlow.js backend note is one line of information, with reasons only when they are not "not installed"', () => {
  const saved = process.env.FAASGYM_DEBUG;
  delete process.env.FAASGYM_DEBUG;
  try {
    expect(backendNote('tensorflow', [])).toBe('faasgym: TensorFlow.js backend "tensorflow"');
    expect(backendNote('wasm', ['tensorflow: not installed'])).toBe('faasgym: note: TensorFlow.js runs on its "wasm" backend; `npm install @tensorflow/tfjs-node` adds the faster native one');
    expect(backendNote('cpu', ['tensorflow: not installed', 'wasm: compile failed'])).toBe('faasgym: note: TensorFlow.js runs on its "cpu" backend; `npm install @tensorflow/tfjs-node` adds the faster native one (tensorflow: not installed; wasm: compile failed)');
  } finally {
    if (saved !== undefined) process.env.FAASGYM_DEBUG = saved;
  }
});
