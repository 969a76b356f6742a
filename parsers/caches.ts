/**
 * Small caches for the shared, immutable values the conversion builds (address and port sets, state masks).
 *
 * Rule sets name the same host or `--dport 443` again and again, so sharing one set per value saves work
 * and memory. But a file of distinct values (every host different) only ever misses, and a miss must stay
 * cheap: these caches are small enough to stay in the CPU cache, and they forget old entries instead of
 * growing (a 50,000-entry Map cost more in cache misses than it saved).
 */

/** Keyed by text; emptied when full, so it follows what the file uses now. */
export class TextCache<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): V {
    if (this.map.size >= this.capacity) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}

/**
 * Keyed by an integer in [0, 2^53); direct-mapped: each key has one slot, and a new key takes it over.
 * The keys are kept unboxed, so a lookup allocates nothing and hashes no string.
 */
export class NumberCache<V> {
  private readonly keys: Float64Array;
  private readonly values: (V | undefined)[];
  private readonly shift: number;

  constructor(bits: number) {
    this.keys = new Float64Array(1 << bits).fill(-1);
    this.values = new Array<V | undefined>(1 << bits).fill(undefined);
    this.shift = 32 - bits;
  }

  get(key: number): V | undefined {
    const slot = this.slot(key);
    return this.keys[slot] === key ? this.values[slot] : undefined;
  }

  set(key: number, value: V): V {
    const slot = this.slot(key);
    this.keys[slot] = key;
    this.values[slot] = value;
    return value;
  }

  /** Multiplicative hashing of both 32-bit halves; the top bits of the product pick the slot. */
  private slot(key: number): number {
    const low = key >>> 0;
    const high = (key - low) / 0x1_0000_0000;
    return (Math.imul(low, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b)) >>> this.shift;
  }
}
