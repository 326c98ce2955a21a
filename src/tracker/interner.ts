/**
 * A set of byte strings, each given a small number in the order first seen. A million volunteer
 * ids held as JavaScript strings in a Map weigh about 150 MB and cost most of a tracker run; here
 * they are the bytes of the export copied into one buffer, found again by an open-addressing hash
 * table of 32-bit integers: about 25 bytes per id, and no string is made unless asked for.
 */
export class ByteInterner {
  private arena: Buffer;
  private used = 0;
  /** Where each entry's bytes start in the arena; entry i ends where i + 1 starts. */
  private offsets: Int32Array;
  /**
   * Pairs (hash, entry number + 1) per bucket, 0 when empty; kept at most half full. The hash
   * sits next to the entry number so that a miss costs one memory access, not three.
   */
  private table: Int32Array;
  private mask: number;
  private lastHash = 0;
  size = 0;
  /** Whether the last `intern` call added a new entry. */
  added = false;

  /** `expected`: how many entries are likely, to size the table once. */
  constructor(expected = 512) {
    let buckets = 1024;
    while (buckets < expected * 2) buckets *= 2;
    this.table = new Int32Array(buckets * 2);
    this.mask = buckets - 1;
    this.offsets = new Int32Array(buckets / 2 + 1);
    this.arena = Buffer.allocUnsafe(Math.max(64 * 1024, expected * 8));
  }

  /** The entry's number for bytes [start, end) of `buf`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    const slot = this.find(buf, start, end);
    this.added = slot < 0;
    return slot < 0 ? this.add(buf, start, end, this.lastHash) : slot;
  }

  /** The entry's number, or -1. */
  find(buf: Uint8Array, start: number, end: number): number {
    // FNV-1a: a few multiplications per byte, and ids differ mostly in their last characters.
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const len = end - start;
    const table = this.table;
    const mask = this.mask;
    for (let b = h & mask; ; b = (b + 1) & mask) {
      const slot = table[2 * b + 1]! - 1;
      if (slot < 0) break;
      if (table[2 * b] !== h) continue;
      const at = this.offsets[slot]!;
      if (this.offsets[slot + 1]! - at !== len) continue;
      let i = 0;
      while (i < len && this.arena[at + i] === buf[start + i]) i++;
      if (i === len) return slot;
    }
    this.lastHash = h;
    return -1;
  }

  /** The entry's bytes as text (UTF-8). */
  text(slot: number): string {
    return this.arena.toString('utf8', this.offsets[slot], this.offsets[slot + 1]);
  }

  private add(buf: Uint8Array, start: number, end: number, h: number): number {
    const slot = this.size++;
    const len = end - start;
    if (this.used + len > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + len));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    // A loop, not subarray + set: ids are a few bytes, and a million subarrays are garbage.
    for (let i = 0; i < len; i++) this.arena[this.used + i] = buf[start + i]!;
    this.used += len;
    if (this.size >= this.offsets.length) {
      const offsets = new Int32Array(this.offsets.length * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.offsets[slot + 1] = this.used;
    if (this.size * 2 > this.mask + 1) this.rehash();
    else this.place(slot, h);
    return slot;
  }

  private place(slot: number, h: number): void {
    let b = h & this.mask;
    while (this.table[2 * b + 1] !== 0) b = (b + 1) & this.mask;
    this.table[2 * b] = h;
    this.table[2 * b + 1] = slot + 1;
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = this.table.length / 2 - 1;
    for (let b = 0; b < old.length; b += 2) if (old[b + 1] !== 0) this.place(old[b + 1]! - 1, old[b]!);
  }
}
