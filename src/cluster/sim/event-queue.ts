/**
 * The simulator's future-event list: a binary min-heap ordered by (time,
 * insertion sequence), stored in parallel typed arrays so that pushing and
 * popping millions of events allocates nothing. Equal times pop in insertion
 * order, which keeps runs deterministic.
 */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private a: Int32Array;
  private b: Int32Array;
  private n = 0;
  private counter = 0;

  // Fields of the event last returned by pop().
  popTime = 0;
  popKind = 0;
  popA = 0;
  popB = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.n > 0 ? (this.time[0] as number) : Infinity;
  }

  push(time: number, kind: number, a: number, b: number): void {
    if (this.n === this.time.length) this.grow();
    const s = this.counter++;
    // sift up
    let i = this.n++;
    const T = this.time, S = this.seq;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = T[p] as number;
      if (pt < time || (pt === time && (S[p] as number) < s)) break;
      this.move(p, i);
      i = p;
    }
    T[i] = time;
    S[i] = s;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** Remove the earliest event into popTime/popKind/popA/popB; false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const T = this.time, S = this.seq;
    this.popTime = T[0] as number;
    this.popKind = this.kind[0] as number;
    this.popA = this.a[0] as number;
    this.popB = this.b[0] as number;
    const last = --this.n;
    if (last === 0) return true;
    const t = T[last] as number, s = S[last] as number;
    const k = this.kind[last] as number, a = this.a[last] as number, b = this.b[last] as number;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last) {
        const ct = T[c] as number, rt = T[r] as number;
        if (rt < ct || (rt === ct && (S[r] as number) < (S[c] as number))) c = r;
      }
      const ct = T[c] as number;
      if (t < ct || (t === ct && s < (S[c] as number))) break;
      this.move(c, i);
      i = c;
    }
    T[i] = t;
    S[i] = s;
    this.kind[i] = k;
    this.a[i] = a;
    this.b[i] = b;
    return true;
  }

  clear(): void {
    this.n = 0;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from] as number;
    this.seq[to] = this.seq[from] as number;
    this.kind[to] = this.kind[from] as number;
    this.a[to] = this.a[from] as number;
    this.b[to] = this.b[from] as number;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const grow = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(cap);
      next.set(old);
      return next;
    };
    this.time = grow(this.time, (n) => new Float64Array(n));
    this.seq = grow(this.seq, (n) => new Float64Array(n));
    this.kind = grow(this.kind, (n) => new Int32Array(n));
    this.a = grow(this.a, (n) => new Int32Array(n));
    this.b = grow(this.b, (n) => new Int32Array(n));
  }
}
