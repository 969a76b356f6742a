import { narrowedEnd } from '../audit/flow-query.js';
import { nameAddresses } from '../audit/internet.js';
import { partsEvidence } from '../audit/result.js';
import { requirementFinding, type Check } from './check.js';
import { describeShadowed, describeUncovered, shadowedEvidence, shadowedPermits } from './describe.js';

export const partialFlow: Check = {
  id: 'partial-flow',
  title: 'Required flow only partly permitted',
  description:
    'A documented flow is permitted for some of its ports, destinations or sources but not all. The finding names the exact uncovered sub-ranges and the rule or default that blocks each. When only the sources are narrowed (e.g. to known federation partners), or only the Internet destinations of an outbound row (e.g. to the network of one partner), it is low severity: the documentation says "Any", but a narrower choice is deliberate and safer.',
  defaultSeverity: 'high',
  cites: 'Lync Server 2013 port summaries (TechNet JJ618371, JJ618373)',
  run({ ctx, requirements }) {
    return requirements
      .filter((r) => r.status === 'partial' && r.verdict)
      .map((r) => {
        const v = r.verdict!;
        const narrowed = r.query ? narrowedEnd(v, r.query) : undefined;
        const why = narrowed === 'sources' ? ' (only from some sources; the documentation says Any)' : narrowed === 'destinations' ? ' (only toward some destinations; the documentation says Any)' : '';
        const shadowed = shadowedPermits(ctx.device, v.denied);
        return requirementFinding(this, ctx, r, {
          severity: narrowed ? 'low' : this.defaultSeverity,
          message: (flow) =>
            `${r.requirement.rule.title}: ${flow} is only partly permitted${why}. Not covered: ${describeUncovered(v.denied, (a) => nameAddresses(ctx.internet, a)).join('; ')}${describeShadowed(shadowed)}.`,
          evidence: [...partsEvidence(v.denied, 'deny', ctx.device.file), ...partsEvidence(v.permitted, 'permit', ctx.device.file), ...shadowedEvidence(shadowed)],
        });
      });
  },
};
