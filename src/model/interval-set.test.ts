import { describe, expect, it } from 'vitest';
import { IntervalSet } from './interval-set.js';

const M = 65535n;
const set = (...r: [number, number][]) => IntervalSet.of(M, r.map(([a, b]) => [BigInt(a), BigInt(b)] as const));
const text = (s: IntervalSet) => s.intervals.map(([a, b]) => `${a}-${b}`).join(',');

describe('IntervalSet', () => {
  it('normalizes overlapping and adjacent intervals', () => {
    expect(text(set([10, 20], [21, 30], [5, 12], [40, 40]))).toBe('5-30,40-40');
  });
  it('complements within its universe', () => {
    expect(text(set([0, 21], [23, 65535]).complement())).toBe('22-22');
    expect(set().complement().isFull()).toBe(true);
    expect(IntervalSet.full(M).complement().isEmpty()).toBe(true);
  });
  it('intersects, subtracts and unions exactly', () => {
    const a = set([100, 200], [300, 400]);
    const b = set([150, 350]);
    expect(text(a.intersect(b))).toBe('150-200,300-350');
    expect(text(a.subtract(b))).toBe('100-149,351-400');
    expect(text(a.union(b))).toBe('100-400');
    expect(a.overlaps(set([201, 299]))).toBe(false);
    expect(a.overlaps(set([200, 200]))).toBe(true);
  });
  it('answers membership by binary search over many intervals', () => {
    const many = IntervalSet.of(M, Array.from({ length: 1000 }, (_, k) => [BigInt(k * 10), BigInt(k * 10 + 2)] as const));
    expect(many.has(5002n)).toBe(true);
    expect(many.has(5003n)).toBe(false);
    expect(many.size()).toBe(3000n);
  });
  it('refuses values outside the universe and mixing universes', () => {
    expect(() => IntervalSet.range(M, 0n, 70000n)).toThrow(RangeError);
    expect(() => set([1, 2]).union(IntervalSet.full(255n))).toThrow(RangeError);
  });
  it('compares by content', () => {
    expect(set([1, 5], [6, 9]).equals(set([1, 9]))).toBe(true);
    expect(set([1, 5]).isSubsetOf(set([0, 10]))).toBe(true);
    expect(set([1, 15]).isSubsetOf(set([0, 10]))).toBe(false);
  });

  it('agrees with a brute-force bitset on random sets, for number- and bigint-backed universes', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 16807) % 2147483647) % n);
    const N = 64;
    for (const max of [63n, (1n << 128n) - 1n]) {
      // Only values below N are used, so the brute force also works in the 128-bit universe.
      const members = (s: IntervalSet) => Array.from({ length: N }, (_, v) => s.has(BigInt(v)));
      const random = () => IntervalSet.of(max, Array.from({ length: rand(5) }, () => { const lo = rand(N); return [BigInt(lo), BigInt(Math.min(N - 1, lo + rand(12)))] as const; }));
      for (let k = 0; k < 300; k++) {
        const a = random();
        const b = random();
        const ma = members(a);
        const mb = members(b);
        expect(members(a.union(b))).toEqual(ma.map((x, v) => x || mb[v]));
        expect(members(a.intersect(b))).toEqual(ma.map((x, v) => x && mb[v]));
        expect(members(a.subtract(b))).toEqual(ma.map((x, v) => x && !mb[v]));
        expect(members(a.complement()).slice(0, N)).toEqual(ma.map((x) => !x));
        expect(a.overlaps(b)).toBe(ma.some((x, v) => x && mb[v]));
        expect(a.size()).toBe(BigInt(ma.filter(Boolean).length));
        // Canonical form: equal sets are equal however they were built.
        expect(a.union(b).equals(b.union(a))).toBe(true);
      }
    }
  });
});

