/**
 * Reports shaped as other inputs will shape them, built from the iptables fixtures: an export holding several rule
 * sets (FortiGate VDOMs), and findings under waivers.
 */
import { mergeRuleSets, type Report } from '../../src/report/report.js';
import { applyWaivers, parseWaivers, type Waiver } from '../../src/waivers/waivers.js';
import { fixtureReport } from './fixtures.js';

/** gap.rules as if it were one export with two VDOMs, `root` and `dmz`: the same file, two inputs. */
export function twoVdomReport(): Report {
  const base = fixtureReport(['network-firewall/gap.rules']);
  const vdoms = ['root', 'dmz'];
  return {
    ...base,
    inputs: vdoms.map((name) => ({ ...base.inputs[0]!, partition: { kind: 'vdom' as const, name } })),
    requirements: vdoms.flatMap((partition) => base.requirements.map((r) => ({ ...r, partition }))),
    // Found alike in both VDOMs, each finding is one finding of both, as buildReport merges them.
    findings: mergeRuleSets(vdoms.flatMap((partition) => base.findings.map((f) => ({ ...f, partition })))),
    summary: { ...base.summary, inputs: 2 },
  };
}

/** `report` with `waivers` (from a file named w.json) applied on `today`. */
export function waived(report: Report, today: string, ...waivers: Waiver[]): Report {
  return applyWaivers(report, parseWaivers({ waivers }, 'w.json'), today);
}
