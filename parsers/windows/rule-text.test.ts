import { describe, expect, it } from 'vitest';
import { exportFromBytes, exportFromText } from '../export-file.js';
import { ParseError } from '../parse-error.js';
import { ruleTextReader } from './rule-text.js';

const RULE = 'v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=5269|Name=XMPP|';

describe('ruleTextReader', () => {
  it('recognizes a list of rule strings after blank and comment lines, and nothing else', () => {
    expect(ruleTextReader.detect(exportFromText('r.txt', `\n# exported 2026-11-21\n${RULE}\n`))).toBe(true);
    expect(ruleTextReader.detect(exportFromText('r.txt', `*filter\n${RULE}\n`))).toBe(false);
    expect(ruleTextReader.detect(exportFromText('r.txt', '# only a comment\n'))).toBe(false);
  });

  it('reads UTF-16LE with BOM and CRLF line ends, each rule at its line with its text verbatim', () => {
    const text = `; Lync Edge\r\n${RULE}\r\n\r\n${RULE.replace('5269', '5061')}\r\n`;
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const p = ruleTextReader.read(exportFromBytes('r.txt', bytes));
    expect(p.rules.map((r) => [r.source.line, r.source.text, r.localPorts])).toEqual([
      [2, RULE, ['5269']],
      [4, RULE.replace('5269', '5061'), ['5061']],
    ]);
    expect(p.profiles).toEqual({});
    expect(p.formatNotes[0]).toContain('no profile settings');
  });

  it('names the line of a line that is not a rule string', () => {
    const input = exportFromText('r.txt', `${RULE}\nAction=Allow\n`);
    expect(() => ruleTextReader.read(input)).toThrow(ParseError);
    expect(() => ruleTextReader.read(input)).toThrow(expect.objectContaining({ line: 2, file: 'r.txt' }));
  });
});
