import { ByteInterner } from './interner.js';

/**
 * A value worked out once per distinct key (a date, a place, a status), for the first 100,000
 * keys: past that, a file of garbage is computed key by key rather than remembered. Exports
 * repeat the same few dates, places and statuses a million times: the sign-ups reader works each
 * out once, from its bytes.
 */
export class Memo {
  private readonly keys = new ByteInterner();
  private values = new Int32Array(64).fill(-2);
  get(buf: Uint8Array, start: number, end: number, compute: () => number): number {
    const k = this.keys.size < 100_000 ? this.keys.intern(buf, start, end) : this.keys.find(buf, start, end);
    if (k < 0) return compute();
    if (k >= this.values.length) {
      const v = new Int32Array(this.values.length * 2).fill(-2);
      v.set(this.values);
      this.values = v;
    }
    let value = this.values[k]!;
    if (value === -2) this.values[k] = value = compute();
    return value;
  }
}
