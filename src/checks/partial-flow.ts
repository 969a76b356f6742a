import { onlySourcesNarrowed } from '../audit/flow-query.js';
import { describeQuery } from '../audit/requirements.js';
import { partsEvidence, uniqueEvidence } from '../audit/result.js';
import { citationOf, finding, type Check } from './check.js';
import { describeUncovered } from './describe.js';

export const partialFlow: Check = {
  id: 'partial-flow',
  title: 'Required flow only partly permitted',
  description:
    'A documented flow is permitted for some of its ports, destinations or sources but not all. The finding names the exact uncovered sub-ranges and the rule or default that blocks each. When only the sources are narrowed (e.g. to known federation partners) it is low severity: the documentation says "Any", but a narrower source is a deliberate, safer choice.',
  defaultSeverity: 'high',
  cites: 'Lync Server 2013 port summaries (TechNet JJ618371, JJ618373)',
  run({ ctx, requirements }) {
    return requirements
      .filter((r) => r.status === 'partial' && r.query && r.verdict)
      .map((r) => {
        const { rule } = r.requirement;
        const v = r.verdict!;
        const sourcesOnly = onlySourcesNarrowed(r.query!, v);
        const flow = describeQuery(r.query!);
        return finding({
          check: this.id,
          severity: sourcesOnly ? 'low' : this.defaultSeverity,
          requirement: r.requirement.id,
          citation: citationOf(r),
          file: ctx.device.file,
          flow,
          message: `${rule.title}: ${rule.protocol.toUpperCase()} ${flow.dport} ${rule.from} → ${rule.to} is only partly permitted${sourcesOnly ? ' (only from some sources; the documentation says Any)' : ''}. Not covered: ${describeUncovered(v.denied).join('; ')}.`,
          evidence: uniqueEvidence([
            ...partsEvidence(v.denied, 'deny', ctx.device.file),
            ...partsEvidence(v.permitted, 'permit', ctx.device.file),
          ]),
        });
      });
  },
};
