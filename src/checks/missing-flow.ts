import { describeQuery } from '../audit/requirements.js';
import { partsEvidence, uniqueEvidence } from '../audit/result.js';
import { citationOf, finding, type Check } from './check.js';
import { describeBlockers } from './describe.js';

export const missingFlow: Check = {
  id: 'missing-flow',
  title: 'Required flow blocked',
  description: 'A documented flow that the site needs (required, or conditional on an enabled feature) is not permitted at all.',
  defaultSeverity: 'high',
  cites: 'Lync Server 2013 port summaries (TechNet JJ618371, JJ618373)',
  run({ ctx, requirements }) {
    return requirements
      .filter((r) => r.status === 'missing' && r.query && r.verdict)
      .map((r) => {
        const { rule } = r.requirement;
        const flow = describeQuery(r.query!);
        return finding({
          check: this.id,
          severity: this.defaultSeverity,
          requirement: r.requirement.id,
          citation: citationOf(r),
          file: ctx.device.file,
          flow,
          message: `${rule.title}: ${rule.protocol.toUpperCase()} ${flow.dport} ${rule.from} → ${rule.to} is not permitted; ${describeBlockers(r.verdict!.denied)}.`,
          evidence: uniqueEvidence(partsEvidence(r.verdict!.denied, 'deny', ctx.device.file)),
        });
      });
  },
};
