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
});
