/**
 * One intent, one verdict (issue 10 §4): every intent of intents.ts, written in each vendor's syntax, must give the
 * same requirement statuses and the same findings (check, requirement, port, severity) on every vendor.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BASE_STATUSES, INTENTS, VENDORS } from './intents.js';
import { auditIntent, iptablesRules } from './vendors.js';

describe('conformance: one intent, one verdict on every vendor', () => {
  it('every intent is written for every vendor, or says why a vendor cannot express it', () => {
    for (const intent of INTENTS) {
      for (const vendor of VENDORS) expect(intent[vendor] !== undefined || intent.absent?.[vendor] !== undefined, `${intent.id} on ${vendor}`).toBe(true);
    }
  });

  for (const intent of INTENTS) {
    describe(intent.title, () => {
      for (const vendor of VENDORS.filter((v) => intent[v] !== undefined)) {
        it(`${vendor}`, () => {
          const audit = auditIntent(intent, vendor);
          const statuses = Object.fromEntries(audit.requirements.map((r) => [r.requirement.id, r.status]));
          const findings = audit.findings.map((f) => `${f.check} ${f.requirement ?? ''}@${f.flow.dport} ${f.severity}`).sort();
          expect({ statuses, findings }).toEqual({ statuses: { ...BASE_STATUSES, ...intent.statuses }, findings: [...intent.findings].sort() });
        });
      }
    });
  }
});

/**
 * The iptables texts are what iptables-save prints: restored into a fresh network namespace and saved again, the
 * rules come back unchanged. Needs root with iptables, ipset and ip netns; skipped elsewhere.
 */
const canRun = process.getuid?.() === 0 && ['iptables-restore', 'iptables-save', 'ipset', 'ip'].every((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);

describe.skipIf(!canRun)('conformance: the iptables texts are real iptables-save output', () => {
  const run = (args: string[], input?: string) => {
    const r = spawnSync(args[0]!, args.slice(1), { input, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const rulesOf = (text: string) => text.split('\n').filter((l) => l.startsWith('-A ') || l.startsWith('*') || l.startsWith(':')).map((l) => l.replace(/ \[\d+:\d+\]$/, ''));

  for (const intent of INTENTS.filter((i) => i.iptables)) {
    it(intent.id, () => {
      const ns = `edgeaudit-conf-${process.pid}`;
      run(['ip', 'netns', 'add', ns]);
      try {
        for (const cmd of intent.iptables!.ipsets ?? []) run(['ip', 'netns', 'exec', ns, ...cmd.split(' ')]);
        const text = iptablesRules(intent.iptables!);
        run(['ip', 'netns', 'exec', ns, 'iptables-restore'], text);
        const saved = ['filter', ...(intent.iptables!.nat ? ['nat'] : [])].map((t) => run(['ip', 'netns', 'exec', ns, 'iptables-save', '-t', t])).join('\n');
        expect(rulesOf(saved)).toEqual(rulesOf(text));
      } finally {
        for (const cmd of intent.iptables!.ipsets ?? []) spawnSync('ip', ['netns', 'exec', ns, 'ipset', 'destroy', cmd.split(' ')[2]!]);
        spawnSync('ip', ['netns', 'del', ns]);
      }
    });
  }
});
