import type { AuditContext } from '../audit/context.js';
import { isFeatureOff, type EvaluatedRequirement } from '../audit/requirements.js';
import { originEvidence, uniqueEvidence } from '../audit/result.js';
import { finding, type Check } from './check.js';

export const nothingChecked: Check = {
  id: 'nothing-checked',
  title: 'No documented flow could be checked',
  description:
    'Every documented flow of the selected packs is not applicable to this input (obsolete rows aside): none crosses the device as it was placed, or every one serves a feature that is off. Nothing was checked, which is not a pass. High when the placement (device role, interfaces) leaves the flows off the device, which usually means the placement is wrong; medium when every feature is off, since there is then nothing to audit. The message says how the device was placed and which profile fields (deviceRole, interfaces, features) to set.',
  defaultSeverity: 'high',
  cites: 'Lync Server 2013 port summaries (TechNet JJ618371, JJ618373): the flows to audit',
  run({ ctx, requirements }) {
    // Obsolete rows are audited only for being still open: they say nothing about the deployment's own flows.
    const live = requirements.filter((r) => !r.requirement.rule.obsoleteSince);
    if (live.some((r) => r.status !== 'not-applicable')) return [];
    const allFeaturesOff = live.length > 0 && live.every((r) => isFeatureOff(ctx, r.requirement.rule));
    // The rule set is the finding's partition: leaving it out of the text lets the same finding in several rule sets
    // (Windows profiles, VDOMs) be reported once, listing them.
    const where = ctx.device.file;
    const fields = allFeaturesOff ? ['features'] : ['deviceRole', 'interfaces'];
    // The lines the placement (or the features) were inferred from, for the reviewer to judge.
    const evidence = ctx.inferences.filter((i) => fields.some((f) => i.field === f || i.field.startsWith(`${f}.`))).flatMap((i) => i.evidence.map((o) => originEvidence(o, 'context')));
    return [
      finding({
        check: this.id,
        severity: allFeaturesOff ? 'medium' : this.defaultSeverity,
        citation: this.cites,
        file: ctx.device.file,
        flow: { protocol: 'any', from: 'any', to: 'the rule set', src: ['any'], dst: ['any'], dport: 'any' },
        message: `Nothing was checked in ${where}: ${allFeaturesOff ? featuresOff(ctx) : notOnPath(ctx, live)}`,
        evidence: uniqueEvidence(evidence),
      }),
    ];
  },
};

/** Whether a value came from the profile or was inferred, for the message. */
function source(ctx: AuditContext, field: string): string {
  const inferred = ctx.inferences.find((i) => i.field === field);
  return inferred ? `inferred: ${inferred.reason}` : `as ${ctx.profileFile ?? 'the site profile'} says`;
}

function featuresOff(ctx: AuditContext): string {
  const off = Object.entries(ctx.features)
    .filter(([, on]) => !on)
    .map(([f]) => `${f} (${ctx.inferences.some((i) => i.field === `features.${f}`) ? 'inferred: no rule permits one of its documented flows' : `off in ${ctx.profileFile ?? 'the site profile'}`})`);
  return `every documented flow serves a feature that is off for this site, so there is nothing to audit: ${off.join(', ')}. If this is an Edge server or the firewall in front of one, set its deployed features to true under "features" in the site profile.`;
}

function notOnPath(ctx: AuditContext, live: readonly EvaluatedRequirement[]): string {
  const { deviceRole, interfaces } = ctx.placement;
  const faces = interfaces.size > 0 ? [...interfaces].map(([name, zone]) => `${name} → ${zone}`).join(', ') : 'not known';
  const offPath = live.filter((r) => !isFeatureOff(ctx, r.requirement.rule)).length;
  const why =
    live.length === 0
      ? 'the selected packs document no flow to check'
      : `no documented flow crosses this device as placed (${offPath} of ${live.length} do not cross it${offPath < live.length ? ', the others serve features that are off' : ''})`;
  const taken = deviceRole === 'edge-host' ? "the Edge server's own host firewall" : 'a network firewall';
  return (
    `${why}. ` +
    `It was taken to be ${taken} (${source(ctx, 'deviceRole')}) whose interfaces face: ${faces}. ` +
    `If that is wrong, set "deviceRole" (edge-host or network-firewall) and "interfaces" (interface → zone) in the site profile.`
  );
}
