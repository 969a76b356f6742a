import { onlySourcesNarrowed } from '../audit/flow-query.js';
import { partsEvidence } from '../audit/result.js';
import { requirementFinding, type Check } from './check.js';
import { describeShadowed, describeUncovered, shadowedEvidence, shadowedPermits } from './describe.js';

export const partialFlow: Check = {
  id: 'partial-flow',
  title: 'Required flow only partly permitted',
  description:
    'A documented flow is permitted for some of its ports, destinations or sources but not all. The finding names the exact uncovered sub-ranges and the rule or default that blocks each. When only the sources are narrowed (e.g. to known federation partners) it is low severity: the documentation says "Any", but a narrower source is a deliberate, safer choice.',
  defaultSeverity: 'high',
  cites: 'Lync Server 2013 port summaries (TechNet JJ618371, JJ618373)',
  run({ ctx, requirements }) {
    return requirements
      .filter((r) => r.status === 'partial' && r.verdict)
      .map((r) => {
        const v = r.verdict!;
        const sourcesOnly = onlySourcesNarrowed(v);
        const shadowed = shadowedPermits(ctx.device, v.denied);
        return requirementFinding(this, ctx, r, {
          severity: sourcesOnly ? 'low' : this.defaultSeverity,
          message: (flow) =>
            `${r.requirement.rule.title}: ${flow} is only partly permitted${sourcesOnly ? ' (only from some sources; the documentation says Any)' : ''}. Not covered: ${describeUncovered(v.denied).join('; ')}${describeShadowed(shadowed)}.`,
          evidence: [...partsEvidence(v.denied, 'deny', ctx.device.file), ...partsEvidence(v.permitted, 'permit', ctx.device.file), ...shadowedEvidence(shadowed)],
        });
      });
  },
};
