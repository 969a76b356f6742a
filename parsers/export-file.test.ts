import { describe, expect, it } from 'vitest';
import { exportFromBytes } from './export-file.js';

const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('exportFromBytes', () => {
  it('reads UTF-16LE text of Latin-1 characters and of others alike, and keeps no bytes for it', () => {
    for (const text of ['Windows Registry Editor Version 5.00\r\n"Name"="Microsoft® Backup"', 'Règle 防火墙 \u{1f525}']) {
      const input = exportFromBytes('a.reg', utf16(text));
      expect(input.text).toBe(text);
      expect(input.bytes).toBeUndefined();
    }
  });

  it('keeps the bytes of UTF-8 and binary files, and of a UTF-16 file cut in the middle of a character', () => {
    expect(exportFromBytes('a.rules', Buffer.from('\xef\xbb\xbf*filter', 'latin1'))).toMatchObject({ text: '*filter', bytes: expect.any(Uint8Array) });
    expect(exportFromBytes('r.pol', Buffer.from('PReg\x01\x00\x00\x00', 'latin1')).bytes).toHaveLength(8);
    expect(exportFromBytes('cut.reg', utf16('ab').subarray(0, 5)).bytes).toHaveLength(5);
  });

  it('reads UTF-16LE that does not start on an even offset of its buffer', () => {
    const shifted = Buffer.concat([Buffer.from([0]), utf16('Règle')]).subarray(1);
    expect(exportFromBytes('a.xml', shifted).text).toBe('Règle');
  });
});
