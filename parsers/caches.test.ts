import { describe, expect, it } from 'vitest';
import { NumberCache, TextCache } from './caches.js';

describe('NumberCache', () => {
  it('returns what was stored under the same key, and nothing for another key', () => {
    const cache = new NumberCache<string>(4);
    expect(cache.set(7, 'seven')).toBe('seven');
    expect(cache.get(7)).toBe('seven');
    expect(cache.get(8)).toBeUndefined();
    expect(cache.get(0)).toBeUndefined();
  });

  it('never answers for a key with the value of another, also above 2^32 (IPv4 prefixes are keyed start * 64 + length)', () => {
    const cache = new NumberCache<number>(2);
    const keys = [0, 1, 2, 3, 4, 5, 2 ** 32, 2 ** 32 + 1, 3 * 2 ** 32, 4294967295 * 64 + 32, 4294967294 * 64 + 32, 2 ** 53 - 1];
    for (const key of keys) {
      cache.set(key, key);
      expect(cache.get(key)).toBe(key);
      // With 4 slots most keys have been pushed out again; none may come back as another key's value.
      for (const other of keys) expect([other, cache.get(other) ?? other]).toEqual([other, other]);
    }
  });
});

describe('TextCache', () => {
  it('returns what was stored under the same text, and nothing for another text', () => {
    const cache = new TextCache<number>(10);
    cache.set('80,443', 1);
    expect(cache.get('80,443')).toBe(1);
    expect(cache.get('80,4430')).toBeUndefined();
  });

  it('starts over when full instead of growing', () => {
    const cache = new TextCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, 3]);
  });
});
