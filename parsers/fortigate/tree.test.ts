import { describe, expect, it } from 'vitest';
import { ConfigError, parseTree, valuesOf, type ConfigTree, type KeepBlock } from './tree.js';

const keepAll: KeepBlock = () => true;
const tree = (lines: string[], keep: KeepBlock = keepAll): ConfigTree => parseTree(lines.join('\n') + '\n', keep);

function error(lines: string[]): ConfigError {
  try {
    tree(lines);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('parsed without error');
}

describe('parseTree', () => {
  it('reads the header comments, blocks, entries and settings with their lines', () => {
    const t = tree([
      '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin',
      '#conf_file_ver=1234',
      'config firewall policy',
      '    edit 12',
      '        set name "in"',
      '        set srcintf "wan1" "wan2"',
      '    next',
      'end',
    ]);
    expect(t.header).toEqual([
      { line: 1, text: '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin' },
      { line: 2, text: '#conf_file_ver=1234' },
    ]);
    const [block] = t.blocks;
    expect(block!.path).toEqual(['firewall', 'policy']);
    expect([block!.line, block!.endLine]).toEqual([3, 8]);
    const [entry] = block!.entries;
    expect(entry!.name).toBe('12');
    expect([entry!.line, entry!.endLine]).toEqual([4, 7]);
    expect(entry!.settings.map((s) => [s.key, s.values, s.line])).toEqual([
      ['name', ['in'], 5],
      ['srcintf', ['wan1', 'wan2'], 6],
    ]);
    expect(t.text.slice(entry!.start, entry!.end)).toBe('    edit 12\n        set name "in"\n        set srcintf "wan1" "wan2"\n    next');
  });

  it('unquotes double and single quotes, keeps spaces inside them and takes escaped characters literally', () => {
    const t = tree(['config firewall address', '    edit "Edge \\"AP\\" pool"', `        set comment 'one two' "a\\\\b" don't`, '    next', 'end']);
    const entry = t.blocks[0]!.entries[0]!;
    expect(entry.name).toBe('Edge "AP" pool');
    expect(valuesOf(entry, 'comment')).toEqual(['one two', 'a\\b', "don't"]);
  });

  it('reads a quoted value over several lines and counts the lines inside it', () => {
    const t = tree([
      'config vpn certificate local',
      '    edit "Fortinet_SSL"',
      '        set comments "first',
      'second"',
      '        set range global',
      '    next',
      'end',
    ]);
    const entry = t.blocks[0]!.entries[0]!;
    expect(entry.settings.map((s) => [s.key, s.values, s.line, s.endLine])).toEqual([
      ['comments', ['first\nsecond'], 3, 4],
      ['range', ['global'], 5, 5],
    ]);
  });

  it('drops secret values as it reads them, multi-line keys included', () => {
    const t = tree([
      'config vpn certificate local',
      '    edit "Fortinet_SSL"',
      '        set password ENC c59xfBvv5giNERqdXIiYxvVGJ566VlXX1qs4',
      '        set private-key "-----BEGIN ENCRYPTED PRIVATE KEY-----',
      'MIIBtDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQIZybEZhcEafICAggA',
      '-----END ENCRYPTED PRIVATE KEY-----"',
      '    next',
      'end',
    ]);
    const entry = t.blocks[0]!.entries[0]!;
    expect(entry.settings.map((s) => [s.key, s.values, s.secret, s.line, s.endLine])).toEqual([
      ['password', ['<redacted>'], true, 3, 3],
      ['private-key', ['<redacted>'], true, 4, 6],
    ]);
    expect(JSON.stringify(entry.settings)).not.toMatch(/c59x|MIIB/);
  });

  it('drops any value FortiOS wrote encrypted (ENC), whatever the setting is called', () => {
    const t = tree(['config user fsso', '    edit "collector"', '        set credential ENC QmFzZTY0Q2FuYXJ5', '        set server "10.1.1.1"', '    next', 'end']);
    expect(t.blocks[0]!.entries[0]!.settings.map((s) => [s.key, s.values, s.secret])).toEqual([
      ['credential', ['<redacted>'], true],
      ['server', ['10.1.1.1'], false],
    ]);
  });

  it('applies unset, append, select and unselect in order', () => {
    const t = tree([
      'config firewall policy',
      '    edit 1',
      '        set srcintf "wan1"',
      '        append srcintf "wan2"',
      '        set service "HTTP" "HTTPS" "SSH"',
      '        unselect service "SSH"',
      '        select dstintf "dmz"',
      '        set comments "x"',
      '        unset comments',
      '    next',
      'end',
    ]);
    const entry = t.blocks[0]!.entries[0]!;
    expect(Object.fromEntries(entry.settings.map((s) => [s.key, s.values]))).toEqual({ srcintf: ['wan1', 'wan2'], service: ['HTTP', 'HTTPS'], dstintf: ['dmz'] });
  });

  it('nests blocks in entries and in blocks, and reads CRLF line ends', () => {
    const t = parseTree(
      ['config system interface', '    edit "port1"', '        config ipv6', '            set ip6-address 2001:db8::1/64', '        end', '    next', 'end', 'config system sdwan', '    config zone', '        edit "virtual-wan-link"', '        next', '    end', 'end', ''].join('\r\n'),
      keepAll,
    );
    const ipv6 = t.blocks[0]!.entries[0]!.blocks[0]!;
    expect(ipv6.path).toEqual(['ipv6']);
    expect(valuesOf(ipv6, 'ip6-address')).toEqual(['2001:db8::1/64']);
    expect(ipv6.line).toBe(3);
    expect(t.blocks[1]!.blocks[0]!.entries[0]!.name).toBe('virtual-wan-link');
    expect(t.text.slice(ipv6.start, ipv6.end)).toBe('        config ipv6\r\n            set ip6-address 2001:db8::1/64\r\n        end');
  });

  it('reads CR alone as a line break, lines and lazy entries included', () => {
    const lines = ['#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin', 'config firewall policy', '    edit 7', '        set name "two', 'lines"', '        set action accept', '    next', 'end', ''];
    for (const lazy of [false, true]) {
      const t = parseTree(lines.join('\r'), keepAll, () => lazy);
      const entry = t.blocks[0]!.entries[0]!;
      expect(t.header.map((h) => h.line)).toEqual([1]);
      expect(entry.name).toBe('7');
      expect([entry.line, entry.endLine]).toEqual([3, 7]);
      expect(valuesOf(entry, 'name')).toEqual(['two\nlines']);
      expect(valuesOf(entry, 'action')).toEqual(['accept']);
    }
  });

  it('skips the blocks the caller does not want as a whole, nested blocks and quotes included', () => {
    const asked: string[] = [];
    const t = tree(
      [
        'config system replacemsg mail "email-block"',
        '    set buffer "line with end',
        'end"',
        'end',
        'config system admin',
        '    edit "admin"',
        '        config gui-dashboard',
        '        end',
        '    next',
        'end',
        'config firewall policy',
        'end',
      ],
      (chain) => {
        asked.push(chain.map((p) => p.join(' ')).join(' > '));
        return chain[0]![0] === 'firewall';
      },
    );
    expect(asked).toEqual(['system replacemsg mail email-block', 'system admin', 'firewall policy']);
    expect(t.skipped).toEqual([
      { path: ['system', 'replacemsg', 'mail', 'email-block'], line: 1 },
      { path: ['system', 'admin'], line: 5 },
    ]);
    expect(t.blocks.map((b) => b.path.join(' '))).toEqual(['firewall policy']);
  });

  it('closes an entry and its block with "end" alone, as CLI scripts do', () => {
    const t = tree(['config firewall address', '    edit "a"', '        set subnet 10.0.0.0 255.0.0.0', 'end']);
    expect(t.blocks[0]!.entries[0]!.endLine).toBe(4);
  });

  const cases: [string, string[], number, RegExp][] = [
    ['a truncated file', ['config firewall policy', '    edit 1', '        set action accept'], 1, /ends inside "config firewall policy".*truncated/],
    ['a truncated skipped block', ['config system dns', '    set primary 8.8.8.8'], 1, /ends inside "config system dns"/],
    ['an unterminated quote', ['config firewall policy', '    edit 1', '        set name "open', '    next', 'end'], 3, /unterminated quote/],
    ['next without edit', ['config firewall policy', '    next', 'end'], 2, /"next" without an open "edit"/],
    ['end without config', ['end'], 1, /"end" without an open "config"/],
    ['edit outside config', ['edit 1'], 1, /"edit" outside/],
    ['edit inside edit', ['config firewall policy', '    edit 1', '    edit 2'], 3, /inside entry "1" \(line 2\)/],
    ['set outside config', ['set hostname "x"'], 1, /"set" outside/],
    ['an unknown statement', ['config firewall policy', '    move 1 before 2', 'end'], 2, /"move" is not a FortiOS configuration statement/],
    ['a CLI prompt', ['FGT60F # show firewall policy'], 1, /"FGT60F" is not/],
    ['a header line alone', ['#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin'], 1, /no configuration statement.*truncated/],
    ['comments and blank lines only', ['#config-version=FGT60F-7.2.5', '#global_vdom=1', ''], 2, /no configuration statement/],
  ];
  for (const [what, lines, line, message] of cases) {
    it(`refuses ${what}, naming the line`, () => {
      const e = error(lines);
      expect(e.line).toBe(line);
      expect(e.message).toMatch(message);
    });
  }
});
