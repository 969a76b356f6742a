import { describe, expect, it } from 'vitest';
import { readConfigText, restOfLine } from './config-lines.js';

describe('readConfigText', () => {
  const text = [': Saved', ':', 'ASA Version 9.8(4) ', '!', 'interface GigabitEthernet1/1', ' nameif outside', ' security-level 0', '!', 'policy-map global_policy', ' class inspection_default', '  inspect ftp ', 'pager lines 24', '', ': end'].join('\r\n');
  const { commands, comments } = readConfigText(text);

  it('groups indented sub-commands under their top-level command, at any depth', () => {
    expect(commands.map((c) => [c.head.line, c.head.words[0], c.children.map((x) => x.line)])).toEqual([
      [3, 'ASA', []],
      [5, 'interface', [6, 7]],
      [9, 'policy-map', [10, 11]],
      [12, 'pager', []],
    ]);
  });

  it('keeps ":" lines apart and drops "!" and blank lines', () => {
    expect(comments.map((c) => c.text)).toEqual([': Saved', ':', ': end']);
  });

  it('keeps each line verbatim without its line break, and splits words', () => {
    const iface = commands[1]!;
    const nameif = iface.children[0]!;
    expect([nameif.line, nameif.text, nameif.indent, nameif.verb, nameif.words]).toEqual([6, ' nameif outside', 1, 'nameif', ['nameif', 'outside']]);
    expect(commands[0]!.head.text).toBe('ASA Version 9.8(4) ');
  });

  it('redacts secrets before a line is kept', () => {
    const { commands: c } = readConfigText('enable password 8Ry2YjIyt7RRXU24 encrypted\n');
    expect(c[0]!.head.text).toBe('enable password <redacted> encrypted');
    expect(c[0]!.head.words).not.toContain('8Ry2YjIyt7RRXU24');
  });
});

describe('restOfLine', () => {
  it('is the text after the first words, as written', () => {
    const [cmd] = readConfigText('access-list outside_access_in remark Lync  federation (CHG-2231)\n').commands;
    expect(restOfLine(cmd!.head, 3)).toBe('Lync  federation (CHG-2231)');
  });
});
