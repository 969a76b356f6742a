import { describeQuery } from '../audit/requirements.js';
import { partsEvidence, uniqueEvidence } from '../audit/result.js';
import { citationOf, finding, type Check } from './check.js';

export const obsoleteFlow: Check = {
  id: 'obsolete-flow',
  title: 'Obsolete documented flow still open',
  description:
    'A documented flow whose service has ended (Windows Live Messenger federation ended on 15 March 2013, except in mainland China) is still permitted: legacy exposure with no purpose.',
  defaultSeverity: 'medium',
  cites: 'TechNet JJ618373: "Federation with Messenger client contacts officially ends on March 15, 2013, except for mainland China"',
  run({ ctx, requirements }) {
    return requirements
      .filter((r) => r.status === 'obsolete' && r.query && r.verdict && r.verdict.permitted.length + r.verdict.uncertain.length > 0)
      .map((r) => {
        const { rule } = r.requirement;
        const flow = describeQuery(r.query!);
        const open = [...r.verdict!.permitted, ...r.verdict!.uncertain];
        return finding({
          check: this.id,
          severity: this.defaultSeverity,
          requirement: r.requirement.id,
          citation: citationOf(r),
          file: ctx.device.file,
          flow,
          message: `${rule.title}: ${rule.protocol.toUpperCase()} ${flow.dport} ${rule.from} → ${rule.to} is still permitted, though the flow is obsolete since ${rule.obsoleteSince}.`,
          evidence: uniqueEvidence(partsEvidence(open, 'permit', ctx.device.file)),
        });
      });
  },
};
