import type { Device } from '../model/rule-graph.js';
import type { PolicyPack } from '../policy/pack.js';
import type { LoadedProfile } from '../profile/site-profile.js';
import { CHECKS } from '../checks/index.js';
import { buildContext, type AuditContext } from './context.js';
import { evaluateRequirement, requirementsOf, type EvaluatedRequirement } from './requirements.js';
import type { Finding } from './result.js';

/** The audit of one input: its device in context, each documented flow's verdict, and the findings. */
export interface InputAudit {
  readonly ctx: AuditContext;
  readonly requirements: readonly EvaluatedRequirement[];
  readonly findings: readonly Finding[];
}

export function auditDevice(device: Device, profile: LoadedProfile | undefined, packs: readonly PolicyPack[], packIds?: readonly string[]): InputAudit {
  const ctx = buildContext(device, profile, packs, packIds);
  const requirements = requirementsOf(ctx.packs).map((r) => evaluateRequirement(ctx, r));
  const findings = CHECKS.flatMap((check) => check.run({ ctx, requirements }));
  return { ctx, requirements, findings };
}
