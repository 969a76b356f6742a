import { partsEvidence } from '../audit/result.js';
import { openedByOwnRules } from './after-rule.js';
import { requirementFinding, type Check } from './check.js';

export const obsoleteFlow: Check = {
  id: 'obsolete-flow',
  title: 'Obsolete documented flow still open',
  description:
    'A rule still permits a documented flow whose service has ended (Windows Live Messenger federation ended on 15 March 2013, except in mainland China): legacy exposure with no purpose. What only a permitting default policy opens (or a rule that merely stands in for it) is reported once, by any-rule.',
  defaultSeverity: 'medium',
  cites: 'TechNet JJ618373: "Federation with Messenger client contacts officially ends on March 15, 2013, except for mainland China"',
  run({ ctx, requirements }) {
    return requirements.flatMap((r) => {
      if (r.status !== 'obsolete' || !r.verdict) return [];
      // What only a default policy opens (or a rule that merely stands in for it) is any-rule's finding, once for the whole default.
      const open = [...openedByOwnRules(ctx.device, r.verdict.permitted), ...openedByOwnRules(ctx.device, r.verdict.uncertain), ...r.verdict.uncertain.filter((u) => u.uncertainty.some((x) => x.rule))];
      if (open.length === 0) return [];
      return [
        requirementFinding(this, ctx, r, {
          message: (flow) => `${r.requirement.rule.title}: ${flow} is still permitted, though the flow is obsolete since ${r.requirement.rule.obsoleteSince}.`,
          evidence: partsEvidence([...new Set(open)], 'permit', ctx.device.file),
        }),
      ];
    });
  },
};
