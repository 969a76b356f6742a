import { describe, expect, it } from 'vitest';
import { parseRuleOptions, RuleSyntaxError } from './rule-options.js';
import { tokenize } from './tokenize.js';

const parse = (line: string) => {
  const t = tokenize(line);
  return parseRuleOptions(t.words, t.quoted);
};

describe('parseRuleOptions', () => {
  it('reads generic options with negation placed before them, as iptables-save prints it', () => {
    const r = parse('! -s 10.0.0.0/8 -d 10.1.0.0/16 ! -i eth+ -o eth1 ! -p udp -f -j ACCEPT');
    expect(r.source).toEqual({ value: '10.0.0.0/8', negated: true });
    expect(r.destination).toEqual({ value: '10.1.0.0/16', negated: false });
    expect(r.inInterface).toEqual({ value: 'eth+', negated: true });
    expect(r.outInterface).toEqual({ value: 'eth1', negated: false });
    expect(r.protocol).toEqual({ value: 'udp', negated: true });
    expect(r.fragment).toEqual({ negated: false });
    expect(r.target).toEqual({ name: 'ACCEPT', goto: false, options: [] });
  });

  it('accepts long option names and the old "-s ! x" / "--dport ! 22" negation', () => {
    const r = parse('--source ! 10.0.0.0/8 --protocol tcp -m tcp --dport ! 22 --jump DROP');
    expect(r.source).toEqual({ value: '10.0.0.0/8', negated: true });
    expect(r.matches[0]!.options).toEqual([{ name: '--dport', args: ['22'], negated: true }]);
    expect(r.target?.name).toBe('DROP');
  });

  it('groups options under the module they follow, with the known number of values', () => {
    const r = parse('-p tcp -m tcp --sport 1024: --tcp-flags FIN,SYN,RST,ACK SYN -m multiport ! --dports 22,80:90 -m comment --comment "a b" -j LOG --log-prefix "x: "');
    expect(r.matches.map((m) => m.name)).toEqual(['tcp', 'multiport', 'comment']);
    expect(r.matches[0]!.options).toEqual([
      { name: '--sport', args: ['1024:'], negated: false },
      { name: '--tcp-flags', args: ['FIN,SYN,RST,ACK', 'SYN'], negated: false },
    ]);
    expect(r.matches[1]!.options).toEqual([{ name: '--dports', args: ['22,80:90'], negated: true }]);
    expect(r.matches[2]!.options).toEqual([{ name: '--comment', args: ['a b'], negated: false }]);
    expect(r.target).toEqual({ name: 'LOG', goto: false, options: [{ name: '--log-prefix', args: ['x: '], negated: false }] });
  });

  it('gives an unknown module every word up to the next option, flags included', () => {
    const r = parse('-m recent --rcheck --seconds 60 --name x --mask 255.255.255.255 --rsource -j DROP');
    expect(r.matches[0]!.options).toEqual([
      { name: '--rcheck', args: [], negated: false },
      { name: '--seconds', args: ['60'], negated: false },
      { name: '--name', args: ['x'], negated: false },
      { name: '--mask', args: ['255.255.255.255'], negated: false },
      { name: '--rsource', args: [], negated: false },
    ]);
    const unknown = parse('-m frobnicate --level 3 ! --quiet -j DROP');
    expect(unknown.matches[0]).toEqual({
      name: 'frobnicate',
      implicit: false,
      options: [
        { name: '--level', args: ['3'], negated: false },
        { name: '--quiet', args: [], negated: true },
      ],
    });
  });

  it('takes a known option value that looks like an option (a bare comment "-x")', () => {
    const r = parse('-m comment --comment -x -j ACCEPT');
    expect(r.matches[0]!.options).toEqual([{ name: '--comment', args: ['-x'], negated: false }]);
  });

  it('loads the protocol match implicitly for "-p tcp --dport 22" and after another module', () => {
    const r = parse('-p tcp --dport 22 -j ACCEPT');
    expect(r.matches).toEqual([{ name: 'tcp', implicit: true, options: [{ name: '--dport', args: ['22'], negated: false }] }]);
    const after = parse('-p udp -m multiport --dports 53,123 --sport 1024: -j ACCEPT');
    expect(after.matches.map((m) => [m.name, m.options.map((o) => o.name)])).toEqual([
      ['multiport', ['--dports']],
      ['udp', ['--sport']],
    ]);
  });

  it('reads -g, -4/-6 and the -c counters', () => {
    const r = parse('-c 10 20 -4 -g EDGE');
    expect(r.target).toEqual({ name: 'EDGE', goto: true, options: [] });
    expect(r.ipVersion).toBe(4);
    expect(parse('-j ACCEPT').ipVersion).toBeUndefined();
  });

  it('keeps options that belong to no module', () => {
    expect(parse('--dport 22 -j ACCEPT').strayOptions).toEqual([{ name: '--dport', args: ['22'], negated: false }]);
  });

  it('refuses what iptables-restore refuses', () => {
    for (const bad of ['-s', '-s 1.2.3.4 -s 5.6.7.8', '-j ACCEPT -j DROP', '! ! -s 1.2.3.4', '-j ACCEPT !', '! -m tcp', 'stray', '-m tcp --dport']) {
      expect(() => parse(bad), bad).toThrow(RuleSyntaxError);
    }
  });
});
