/** `faasgym keys`: a CurveZMQ key pair for `faasgym serve --curve-keys` (docs/bridge-protocol.md, Security). */
import type { Command } from 'commander';
import { generateKeyPair, writeKeyPair } from '../../bridge/curve.js';

interface KeysOptions {
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function registerKeysCommand(program: Command, out: (s: string) => void): void {
  program
    .command('keys')
    .description('generate a CurveZMQ key pair for the bridge: --out NAME writes NAME.key (public, for clients) and NAME.key_secret (mode 0600, for the server)')
    .option('--out <prefix>', 'write the pair as ZeroMQ certificate files <prefix>.key and <prefix>.key_secret')
    .option('--force', 'overwrite existing files')
    .option('--json', 'print JSON ({publicKey, secretKey} without --out; {publicKey, publicFile, secretFile} with it)')
    .action((opts: KeysOptions) => {
      const pair = generateKeyPair();
      if (opts.out === undefined) {
        out(opts.json ? `${JSON.stringify(pair)}\n` : `public-key = "${pair.publicKey}"\nsecret-key = "${pair.secretKey}"\n`);
        return;
      }
      const files = writeKeyPair(opts.out, pair, { force: opts.force ?? false });
      if (opts.json) out(`${JSON.stringify({ publicKey: pair.publicKey, ...files })}\n`);
      else out(`wrote ${files.publicFile} (public key ${pair.publicKey}: give it to clients) and ${files.secretFile} (keep it with the server)\n`);
    });
}
