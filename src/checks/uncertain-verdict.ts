import { uncertaintyEvidence } from '../audit/result.js';
import { requirementFinding, type Check } from './check.js';

export const uncertainVerdict: Check = {
  id: 'uncertain-verdict',
  title: 'Verdict depends on what edge-audit cannot evaluate',
  description:
    'Whether a documented flow is permitted depends on a rule the parser could not fully understand (an unknown match module, an ipset, a time range), on which interface the flow uses, or on addresses the profile does not give. edge-audit never guesses: the requirement is neither passed nor failed, and this finding says what to check by hand.',
  defaultSeverity: 'medium',
  cites: 'Lync Server 2013 port summaries (TechNet JJ618371, JJ618373)',
  run({ ctx, requirements }) {
    return requirements
      .filter((r) => r.status === 'uncertain' || (r.status === 'partial' && (r.verdict?.uncertain.length ?? 0) > 0))
      .map((r) => {
        const reasons = new Set((r.verdict?.uncertain ?? []).flatMap((u) => u.uncertainty.map((x) => x.reason)));
        if (reasons.size === 0) reasons.add(r.reason);
        return requirementFinding(this, ctx, r, {
          message: (flow) => `${r.requirement.rule.title}: cannot tell whether ${flow} is permitted: it depends on ${[...reasons].join('; ')}.`,
          evidence: uncertaintyEvidence(r.verdict?.uncertain ?? []),
        });
      });
  },
};
