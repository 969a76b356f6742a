import { partsEvidence } from '../audit/result.js';
import { requirementFinding, type Check } from './check.js';

export const obsoleteFlow: Check = {
  id: 'obsolete-flow',
  title: 'Obsolete documented flow still open',
  description:
    'A documented flow whose service has ended (Windows Live Messenger federation ended on 15 March 2013, except in mainland China) is still permitted: legacy exposure with no purpose.',
  defaultSeverity: 'medium',
  cites: 'TechNet JJ618373: "Federation with Messenger client contacts officially ends on March 15, 2013, except for mainland China"',
  run({ ctx, requirements }) {
    return requirements
      .filter((r) => r.status === 'obsolete' && r.verdict && r.verdict.permitted.length + r.verdict.uncertain.length > 0)
      .map((r) =>
        requirementFinding(this, ctx, r, {
          message: (flow) => `${r.requirement.rule.title}: ${flow} is still permitted, though the flow is obsolete since ${r.requirement.rule.obsoleteSince}.`,
          evidence: partsEvidence([...r.verdict!.permitted, ...r.verdict!.uncertain], 'permit', ctx.device.file),
        }),
      );
  },
};
