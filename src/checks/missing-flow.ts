import { partsEvidence } from '../audit/result.js';
import { requirementFinding, type Check } from './check.js';
import { describeBlockers, describeShadowed, shadowedEvidence, shadowedPermits } from './describe.js';

export const missingFlow: Check = {
  id: 'missing-flow',
  title: 'Required flow blocked',
  description: 'A documented flow that the site needs (required, or conditional on an enabled feature) is not permitted at all.',
  defaultSeverity: 'high',
  cites: 'Lync Server 2013 port summaries (TechNet JJ618371, JJ618373)',
  run({ ctx, requirements }) {
    return requirements
      .filter((r) => r.status === 'missing' && r.verdict)
      .map((r) => {
        const shadowed = shadowedPermits(ctx.device, r.verdict!.denied);
        return requirementFinding(this, ctx, r, {
          message: (flow) => `${r.requirement.rule.title}: ${flow} is not permitted; ${describeBlockers(r.verdict!.denied)}${describeShadowed(shadowed)}.`,
          evidence: [...partsEvidence(r.verdict!.denied, 'deny', ctx.device.file), ...shadowedEvidence(shadowed)],
        });
      });
  },
};
