import { roleEnd } from '../audit/context.js';
import { evaluateFlow, verdictOf } from '../audit/flow-query.js';
import { describeQuery, portSet, queryOf, type EvaluatedRequirement } from '../audit/requirements.js';
import { partsEvidence, type Finding } from '../audit/result.js';
import type { PackRule } from '../policy/pack.js';
import { openedByOwnRules } from './after-rule.js';
import { requirementFinding, type Check, type CheckInput } from './check.js';

export const wrongDirection: Check = {
  id: 'wrong-direction',
  title: 'Documented port permitted in the wrong direction',
  description:
    'A rule permits a documented port in the direction opposite to the documentation (e.g. TCP 443 from the Access Edge out to the Internet instead of in, or 23456 from the Edge toward the Front End) where no documented rule covers that direction; or a row documented as bidirectional is permitted only one way. What only a permitting default policy opens (or a rule that merely stands in for it) is reported once, by any-rule.',
  defaultSeverity: 'medium',
  cites: 'Lync Server 2013 port summaries (TechNet JJ618371, JJ618373): each row gives the direction in which the connection is opened',
  run(input) {
    return [...reversedFlows(this, input), ...oneWayPairs(this, input)];
  },
};

function documents(rules: readonly PackRule[], from: string, to: string, rule: PackRule): boolean {
  const ports = portSet(rule.ports);
  return rules.some((r) => r.protocol === rule.protocol && r.from === from && r.to === to && portSet(r.ports).overlaps(ports));
}

function reversedFlows(check: Check, { ctx, requirements }: CheckInput): Finding[] {
  const documented = ctx.packs.flatMap((p) => p.rules);
  const known = (role: string) => ctx.roles.has(role) || ctx.roleZones.get(role) === 'internet' || ctx.placement.deviceRole === 'edge-host';
  const findings: Finding[] = [];
  for (const r of requirements) {
    const { rule } = r.requirement;
    if (r.status === 'not-applicable' || rule.obsoleteSince || !known(rule.from) || !known(rule.to)) continue;
    if (documents(documented, rule.to, rule.from, rule)) continue;
    const query = { ...queryOf(ctx, rule), from: roleEnd(ctx, rule.to), to: roleEnd(ctx, rule.from) };
    // A rule that only stands in for a permitting default opens nothing of its own: the default is any-rule's.
    const opened = openedByOwnRules(ctx.device, verdictOf(evaluateFlow(ctx.device, ctx.placement, query)).permitted);
    if (opened.length === 0) continue;
    findings.push(
      requirementFinding(check, ctx, r, {
        flow: describeQuery(query),
        message: (flow) => `${flow} is permitted, but the documentation opens it only ${rule.from} → ${rule.to} (${rule.title}).`,
        evidence: partsEvidence(opened, 'permit', ctx.device.file),
      }),
    );
  }
  return findings;
}

/** A bidirectional row permitted one way only, reported once per pair, on the direction that is closed. */
function oneWayPairs(check: Check, { ctx, requirements }: CheckInput): Finding[] {
  const byRule = new Map<string, EvaluatedRequirement>(requirements.map((r) => [r.requirement.rule.id, r]));
  const open = (r?: EvaluatedRequirement) => r?.status === 'satisfied' || r?.status === 'partial';
  return requirements
    .filter((r) => r.status === 'missing' && r.query && open(byRule.get(r.requirement.rule.bidirectionalWith ?? '')))
    .map((r) => {
      const other = byRule.get(r.requirement.rule.bidirectionalWith!)!;
      const flow = describeQuery(r.query!);
      return requirementFinding(check, ctx, r, {
        severity: 'low',
        // Not the documented flow itself (missing-flow has that id): the pair, open one way.
        flow: { ...flow, from: `${flow.from}<->${flow.to}`, to: 'one-way' },
        message: () =>
          `${r.requirement.rule.protocol.toUpperCase()} ${flow.dport} is documented in both directions, but only ${other.requirement.rule.from} → ${other.requirement.rule.to} is permitted; ${r.requirement.rule.from} → ${r.requirement.rule.to} is not.`,
        evidence: partsEvidence(other.verdict?.permitted ?? [], 'permit', ctx.device.file),
      });
    });
}
