import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './secrets.js';

const R = REDACTED;

describe('redactSecrets (Windows)', () => {
  it.each([
    ['"{A}"="v2.10|Name=x|1Method=PreSharedKey|1PreSharedKey=Key-1|2Method=Anonymous|"', `"{A}"="v2.10|Name=x|1Method=PreSharedKey|1PreSharedKey=${R}|2Method=Anonymous|"`],
    ['"PreSharedKey"="Key 2"', `"PreSharedKey"="${R}"`],
    ['"PreSharedKey"="Key \\"3\\""', `"PreSharedKey"="${R}"`],
    ['Auth1PSK:                             Key-4', `Auth1PSK:                             ${R}`],
    ['  "PreSharedKey":  "Key-5",', `  "PreSharedKey":  "${R}",`],
    ['<PreSharedKey>Key-6</PreSharedKey>', `<PreSharedKey>${R}</PreSharedKey>`],
    ['v2.10|Auth1PSK=Key 7|Auth1=ComputerPSK|', `v2.10|Auth1PSK=${R}|Auth1=ComputerPSK|`],
    ['"{B}"="v2.10|Name=y|1PreSharedKey=Key-8', `"{B}"="v2.10|Name=y|1PreSharedKey=${R}`],
  ])('%s', (line, redacted) => {
    expect(redactSecrets(line)).toBe(redacted);
  });

  it('leaves rules alone, whatever their names and paths say', () => {
    for (const line of ['v2.30|Action=Allow|Dir=In|Name=Password reset|App=C:\\passwords\\x.exe|Desc=PSK tunnel|', 'Auth1=ComputerPSK']) {
      expect(redactSecrets(line)).toBe(line);
    }
  });

  it('keeps the line count, so every line number still points where it did', () => {
    const text = '"PreSharedKey"="a\r\nb"\r\n"X"=dword:00000001\r\n';
    expect(redactSecrets(text).split('\n')).toHaveLength(text.split('\n').length);
  });
});

describe('redactSecrets (Windows) on hostile text', () => {
  it('stays linear on long words and long runs of secret names', () => {
    const text = `${'a'.repeat(1_000_000)} ${'psk'.repeat(300_000)}=x ${'<psk'.repeat(100_000)} ${'Secret '.repeat(100_000)}`;
    const started = performance.now();
    redactSecrets(text);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
