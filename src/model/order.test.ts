import { describe, expect, it } from 'vitest';
import { byCodePoints } from './order.js';

describe('byCodePoints', () => {
  it('orders by code point, whatever the locale: upper case first, "aa" before "z", astral after U+FFFD', () => {
    expect(['z', 'aa', 'a', 'B', 'é', 'e\u0301', '\u{1F600}', '\uFFFD', ''].sort(byCodePoints)).toEqual(['', 'B', 'a', 'aa', 'e\u0301', 'z', 'é', '\uFFFD', '\u{1F600}']);
    expect(byCodePoints('x', 'x')).toBe(0);
  });
});
