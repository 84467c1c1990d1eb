/**
 * Progress of a run on stderr: one line per finished cell, and an overall bar
 * (cells done / total, elapsed, time left) — live on a TTY (cli-progress),
 * as `[done/total, elapsed, ETA]` at the end of each line otherwise.
 */
import cliProgress from 'cli-progress';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

export class RunProgress {
  private readonly t0 = Date.now();
  private done: number;
  private ranNow = 0;
  private readonly multi: cliProgress.MultiBar | null = null;
  private readonly bar: cliProgress.SingleBar | null = null;

  /** `done`: cells already finished (resumed); `write`: null for no output. */
  constructor(private readonly total: number, done: number, private readonly write: ((s: string) => void) | null, tty: boolean) {
    this.done = done;
    if (write && tty) {
      this.multi = new cliProgress.MultiBar({ stream: process.stderr, format: ' {bar} {value}/{total} cells | {elapsed} elapsed | ETA {left}', hideCursor: true, clearOnComplete: false, barsize: 30 }, cliProgress.Presets.shades_classic);
      this.bar = this.multi.create(total, done, { elapsed: '0s', left: '?' });
    }
  }

  private eta(): number {
    const el = (Date.now() - this.t0) / 1000;
    return this.ranNow ? (el / this.ranNow) * (this.total - this.done) : Number.NaN;
  }

  line(text: string): void {
    if (!this.write) return;
    if (this.multi) this.multi.log(`${text}\n`);
    else this.write(`${text}\n`);
  }

  cellDone(text: string): void {
    this.done++;
    this.ranNow++;
    const elapsed = clock((Date.now() - this.t0) / 1000), left = clock(this.eta());
    if (!this.write) return;
    if (this.multi && this.bar) {
      this.multi.log(`${text}\n`);
      this.bar.update(this.done, { elapsed, left });
    } else this.write(`${text} [${this.done}/${this.total} cells, ${elapsed} elapsed, ETA ${left}]\n`);
  }

  stop(): void {
    this.multi?.stop();
  }
}
