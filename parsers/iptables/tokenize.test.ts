import { describe, expect, it } from 'vitest';
import { displayWord, quoteWord, tokenize, TokenizeError } from './tokenize.js';

const words = (line: string): string[] => tokenize(line).words;

describe('tokenize', () => {
  it('splits on single and repeated spaces and tabs', () => {
    expect(words('-A INPUT -s 10.0.0.0/8  -j\tACCEPT')).toEqual(['-A', 'INPUT', '-s', '10.0.0.0/8', '-j', 'ACCEPT']);
    expect(words('   ')).toEqual([]);
    expect(words('')).toEqual([]);
  });

  it('keeps spaces inside double quotes and drops the quotes', () => {
    expect(words('-m comment --comment "DNS from DMZ" -j ACCEPT')).toEqual(['-m', 'comment', '--comment', 'DNS from DMZ', '-j', 'ACCEPT']);
    expect(words('--log-prefix "FWD-DROP: "')).toEqual(['--log-prefix', 'FWD-DROP: ']);
    expect(words('--comment "two  spaces\tand tab"')).toEqual(['--comment', 'two  spaces\tand tab']);
  });

  it('undoes the escapes iptables-save writes inside quotes: \\" \\\\ \\\'', () => {
    // Copied from iptables v1.8.9 output (fixtures/iptables/README.md).
    expect(words(String.raw`--comment "Remote users + federation TLS to \"Access Edge\" pool"`)).toEqual([
      '--comment',
      'Remote users + federation TLS to "Access Edge" pool',
    ]);
    expect(words(String.raw`--comment "web proxy out - don\'t remove (CHG-4711)"`)).toEqual(['--comment', "web proxy out - don't remove (CHG-4711)"]);
    expect(words(String.raw`--comment "don\'t \"q\" back\\slash"`)).toEqual(['--comment', `don't "q" back\\slash`]);
  });

  it('reads "" as an empty word and ends a word at its closing quote, like iptables-restore', () => {
    expect(words('--comment "" -j ACCEPT')).toEqual(['--comment', '', '-j', 'ACCEPT']);
    expect(words('"abc"def')).toEqual(['abc', 'def']);
    expect(words('ab"c d"')).toEqual(['abc d']);
  });

  it('reads the words before and after the first quote or tab alike, whatever word that quote is in', () => {
    expect(words('-s 10.0.0.1  -m x ab"c d"e f\tg')).toEqual(['-s', '10.0.0.1', '-m', 'x', 'abc d', 'e', 'f', 'g']);
    expect(words('a\tb "c" d')).toEqual(['a', 'b', 'c', 'd']);
    expect(tokenize('-A X -j "Y"', 4).words).toEqual(['-j', 'Y']);
    expect(tokenize('-A X"a b"', 3).words).toEqual(['Xa b']);
  });

  it('treats a backslash outside quotes as an ordinary character', () => {
    expect(words(String.raw`a\b c`)).toEqual([String.raw`a\b`, 'c']);
  });

  it('marks which words were quoted, so a quoted "-x" is a value and not an option', () => {
    const t = tokenize('--comment "-x" -j ACCEPT');
    expect(t.words).toEqual(['--comment', '-x', '-j', 'ACCEPT']);
    expect([...(t.quoted ?? [])]).toEqual([1]);
    expect(tokenize('-j ACCEPT').quoted).toBeUndefined();
  });

  it('starts at an offset', () => {
    expect(tokenize('-A INPUT -j DROP', 8).words).toEqual(['-j', 'DROP']);
  });

  it('refuses an unterminated quote, naming its column', () => {
    expect(() => tokenize('--comment "abc')).toThrow(TokenizeError);
    expect(() => tokenize('--comment "abc\\"')).toThrow(/column 11/);
  });

  it('quotes values back the way iptables-save does', () => {
    expect(quoteWord('mgmt-ssh')).toBe('mgmt-ssh');
    expect(quoteWord('')).toBe('""');
    expect(quoteWord(`don't "q" back\\slash`)).toBe(String.raw`"don\'t \"q\" back\\slash"`);
    expect(quoteWord('5/min')).toBe('"5/min"');
    expect(displayWord('5/min')).toBe('5/min');
    expect(displayWord('GET /')).toBe('"GET /"');
    for (const value of ['a b', `x"y`, 'back\\slash', "it's", '']) {
      expect(tokenize(`--comment ${quoteWord(value)}`).words[1]).toBe(value);
    }
  });
});
