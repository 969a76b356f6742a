/** Jump loops and nesting depth, as the kernel takes them (checked with iptables-restore in a network namespace). */
import { describe, expect, it } from 'vitest';
import { ParseError } from '../parse-error.js';
import { exportFromText } from '../export-file.js';
import { iptablesParser } from './index.js';
import { MAX_NESTING } from './jump-loops.js';
import { evaluatePath } from '../../src/engine/evaluate.js';
import { headerSpace, Ports, Protocols } from '../../src/model/header-space.js';

const parse = (lines: string[]) => iptablesParser.parse(exportFromText('j.rules', lines.join('\n') + '\n'), {})[0]!;
function failure(lines: string[]): ParseError {
  try {
    parse(lines);
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error('parsed without error');
}

const HEAD = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];

/** INPUT → C0 → C1 → … → C(n-1), which accepts UDP 3478; each chain jumps `jumps` times to the next. */
function nested(n: number, jumps = 1): string[] {
  const chains = Array.from({ length: n }, (_, i) => `:C${i} - [0:0]`);
  const rules = Array.from({ length: n - 1 }, (_, i) => Array<string>(jumps).fill(`-A C${i} -j C${i + 1}`)).flat();
  return [...HEAD, ...chains, '-A INPUT -j C0', ...rules, `-A C${n - 1} -p udp --dport 3478 -j ACCEPT`, 'COMMIT'];
}

describe('jump loops', () => {
  it('refuses a loop reached from a built-in chain at the jump that closes it, naming every jump of the loop', () => {
    // iptables-restore (legacy: "line 10 failed"; nf_tables: "Too many links") refuses this file.
    const e = failure([...HEAD, ':A - [0:0]', ':B - [0:0]', ':C - [0:0]', '-A INPUT -p tcp -j A', '-A A -j B', '-A B -j C', '-A C -g A', 'COMMIT']);
    expect(e.line).toBe(11);
    expect(e.message).toBe('chains jump in a loop (A → B → C → A, lines 9, 10, 11), which the kernel refuses (iptables-restore fails)');
  });

  it('refuses a chain that jumps to itself, whatever the rule matches', () => {
    const e = failure([...HEAD, ':A - [0:0]', '-A FORWARD -j A', '-A A -s 10.0.0.1/32 -j A', 'COMMIT']);
    expect([e.line, e.message]).toEqual([7, expect.stringContaining('(A → A, lines 7)')]);
  });

  it('warns about a loop no built-in chain reaches: the kernel loads it, and it never runs', () => {
    const d = parse([...HEAD, ':A - [0:0]', ':B - [0:0]', '-A A -j B', '-A B -j A', '-A INPUT -j ACCEPT', 'COMMIT']);
    expect(d.diagnostics).toEqual([{ line: 8, level: 'warning', message: 'chains jump in a loop (A → B → A, lines 7, 8); no built-in chain reaches it, so it never runs' }]);
  });

  it('takes a chain reached on two paths (a diamond) as no loop', () => {
    const d = parse([...HEAD, ':A - [0:0]', ':B - [0:0]', ':C - [0:0]', '-A INPUT -j A', '-A INPUT -j B', '-A A -j C', '-A B -j C', 'COMMIT']);
    expect(d.diagnostics).toEqual([]);
  });
});

describe('nesting depth', () => {
  it(`reads user chains nested ${MAX_NESTING} jumps deep (legacy iptables loads any depth)`, () => {
    const d = parse(nested(MAX_NESTING));
    const input = d.filters.get('ipv4/filter/INPUT')!;
    const flows = [headerSpace({ family: 'ipv4', proto: Protocols.only(17), dport: Ports.range(3478, 3479) })];
    // The engine follows them all (without running out of stack): 3478 is accepted at the bottom, 3479 falls back.
    const out = evaluatePath(d, [input], flows, {});
    const accepted = out.find((o) => o.decision === 'permit')!;
    expect(accepted.decidedBy?.rule?.origin.text).toBe(`-A C${MAX_NESTING - 1} -p udp --dport 3478 -j ACCEPT`);
    expect(accepted.decidedBy?.via.map((j) => j.filter.name)).toEqual(['INPUT', ...Array.from({ length: MAX_NESTING - 1 }, (_, i) => `C${i}`)]);
    expect(out.find((o) => o.decision === 'deny')?.decidedBy?.rule).toBeUndefined();
  });

  it(`refuses nesting deeper than ${MAX_NESTING} at the first jump past the limit`, () => {
    const lines = nested(MAX_NESTING + 5);
    const e = failure(lines);
    expect(lines[e.line! - 1]).toBe(`-A C${MAX_NESTING - 1} -j C${MAX_NESTING}`);
    expect(e.message).toBe(`user chains nest more than ${MAX_NESTING} jumps deep below INPUT, deeper than edge-audit evaluates`);
  });

  it('measures the deepest path, not the first one', () => {
    // INPUT → SHORT (1 jump), then INPUT → C0 → … past the limit.
    const lines = nested(MAX_NESTING + 1);
    lines.splice(4, 0, ':SHORT - [0:0]');
    lines.splice(lines.indexOf('-A INPUT -j C0'), 0, '-A INPUT -j SHORT');
    expect(failure(lines).message).toContain(`more than ${MAX_NESTING} jumps deep below INPUT`);
  });
});
