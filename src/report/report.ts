import type { AuditContext, Inference } from '../audit/context.js';
import type { InputAudit } from '../audit/audit.js';
import { describeQuery, type EvaluatedRequirement } from '../audit/requirements.js';
import { flowOpen } from '../audit/flow-query.js';
import {
  partsEvidence,
  REQUIREMENT_STATUSES,
  SEVERITIES,
  severityRank,
  uniqueEvidence,
  type Evidence,
  type Finding,
  type FlowDescription,
  type RequirementStatus,
  type Severity,
} from '../audit/result.js';
import { countRules } from '../model/rule-graph.js';
import { CHECKS } from '../checks/index.js';
import { describeUncovered } from '../checks/describe.js';
import { nameAddresses, type InternetDefinition } from '../audit/internet.js';
import type { Origin } from '../model/rule-graph.js';
import { byCodePoints } from '../model/order.js';

/**
 * The JSON report: a published contract (schemas/report.schema.json). Every reporter is a pure function of it.
 * Nothing in it depends on time or on the machine, so the same inputs give byte-identical reports.
 */
export interface Report {
  readonly schemaVersion: 2;
  readonly tool: { readonly name: 'edge-audit'; readonly version: string };
  readonly inputs: readonly ReportInput[];
  /** Files met while walking a directory that no parser recognized: listed, not audited. */
  readonly skipped: readonly SkippedFile[];
  readonly profile: ReportProfile;
  readonly requirements: readonly ReportRequirement[];
  readonly findings: readonly ReportFinding[];
  /** The baseline applied (--baseline), or null. */
  readonly baseline: ReportBaseline | null;
  /** The waivers applied, or null when none were given. */
  readonly waivers: ReportWaivers | null;
  /** What a reader must not miss about the run itself: expired waivers, waivers that match nothing. */
  readonly warnings: readonly string[];
  readonly summary: ReportSummary;
}

export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/**
 * A finding as reported: the audit's finding, with the rule sets it is found in when its export holds several (one
 * finding for all of them when it is the same in each: same id, severity, message and evidence lines), and the
 * waiver that covers it, if any.
 */
export interface ReportFinding extends Finding {
  /** The rule sets (VDOMs, firewall profiles) of the export this finding is found in, in input order; absent when the export holds one. */
  readonly partitions?: readonly string[];
  readonly waiver?: FindingWaiver;
}

/**
 * `active`: the finding is accepted until `expires` (inclusive) and does not fail the run. `expired`: the waiver's
 * date has passed, so the finding counts again; the waiver is shown so the reader knows why it re-opened.
 */
export interface FindingWaiver {
  readonly status: 'active' | 'expired';
  readonly justification: string;
  readonly approvedBy: string;
  readonly expires: string;
  /** Where the waiver is written: its file and 1-based entry number. */
  readonly source: { readonly file: string; readonly entry: number };
}

export interface ReportBaseline {
  readonly file: string;
  /** Findings left out of this report because the baseline lists them. */
  readonly suppressed: number;
}

export interface ReportWaivers {
  readonly files: readonly string[];
  /** The date the expiry dates were compared with (YYYY-MM-DD, UTC unless EDGE_AUDIT_TODAY says otherwise). */
  readonly evaluatedOn: string;
  /** Findings covered by an active waiver. */
  readonly waived: number;
  /** Findings re-opened because their waiver expired. */
  readonly expired: number;
  /** Waivers that match no finding of this run. */
  readonly unused: number;
}

export interface ReportInput {
  readonly file: string;
  readonly vendor: string;
  readonly device: string;
  /** Present when the export holds several rule sets (FortiGate VDOMs, Windows Firewall profiles): which one this is. */
  readonly partition?: { readonly kind: 'vdom' | 'firewall-profile'; readonly name: string };
  readonly rules: number;
  readonly families: readonly string[];
  readonly diagnostics: readonly { readonly line: number; readonly level: 'warning' | 'info'; readonly message: string }[];
  /** What the audit of this input assumed: from the profile, or inferred (see profile.inferences). */
  readonly context: {
    readonly profileFile: string | null;
    readonly deviceRole: string;
    readonly roles: Readonly<Record<string, readonly string[]>>;
    readonly interfaces: Readonly<Record<string, string>>;
    readonly packs: readonly string[];
    readonly features: Readonly<Record<string, boolean>>;
    readonly inferences: readonly Inference[];
    /** What the documentation's "Any" on the external rows was taken to be for this input. */
    readonly internet: ReportInternet;
  };
}

/** The Internet: every address except `excluded`; `description` says so in one sentence for every format. */
export interface ReportInternet {
  readonly description: string;
  readonly excluded: readonly { readonly what: string; readonly addresses: readonly string[]; readonly evidence: readonly Origin[] }[];
}

export interface ReportProfile {
  /** The site profile files used (one per input at most). */
  readonly files: readonly string[];
  /** True when anything was inferred from a configuration rather than given by a profile. */
  readonly inferred: boolean;
}

export interface ReportRequirement {
  readonly id: string;
  readonly file: string;
  readonly partition?: string;
  readonly alsoIn: readonly string[];
  readonly title: string;
  readonly status: RequirementStatus;
  readonly reason: string;
  readonly requirement: 'required' | 'conditional';
  readonly direction: 'inbound' | 'outbound' | 'internal';
  readonly flow: FlowDescription | null;
  readonly citation: string;
  readonly source: { readonly technetId: string; readonly url: string; readonly table: string; readonly row: number };
  /** The rules that decide the verdict: those that permit it, and those that block any part of it. */
  readonly evidence: readonly Evidence[];
  /** The parts not permitted, each with what blocks it. */
  readonly uncovered: readonly string[];
  /** What the verdict means for the review: every format renders this, none derives it. */
  readonly state: RequirementState;
  /** The waiver under which a failing requirement is accepted: every finding about it carries an active one (the first is shown). */
  readonly waiver?: FindingWaiver;
}

/**
 * A requirement's state, computed once from its verdict (never from findings, so a baseline that leaves findings
 * out cannot change it): whether its flow passes, whether the row needs action, and the words for it.
 */
export interface RequirementState {
  /** The device lets some of the documented flow through (true), none of it (false), or that cannot be decided or was not evaluated (null). */
  readonly open: boolean | null;
  /** The row needs action: a required flow not (fully) permitted or undecided; an obsolete flow open or possibly open. */
  readonly failing: boolean;
  /** The status as a review reads it: `missing`, `obsolete, open`, `obsolete, closed`, `satisfied (firewall off)`. */
  readonly label: string;
}

export interface ReportSummary {
  readonly inputs: number;
  readonly requirements: Readonly<Record<RequirementStatus, number>>;
  readonly findings: Readonly<Record<Severity, number>> & { readonly total: number };
  readonly highestSeverity: Severity | null;
}

/**
 * The report of a run, before any baseline or waiver is applied (see src/baseline, src/waivers): every finding of
 * every input. `skipped` lists the files a directory walk did not recognize.
 */
export function buildReport(audits: readonly InputAudit[], version: string, skipped: readonly SkippedFile[] = []): Report {
  const requirements = audits.flatMap((a) => a.requirements.map((r) => withPartition(a.ctx, reportRequirement(a.ctx, r))));
  const findings = mergeRuleSets(audits.flatMap((a) => a.findings.map((f) => withPartition(a.ctx, f)))).sort(compareFindings);
  return {
    schemaVersion: 2,
    tool: { name: 'edge-audit', version },
    inputs: audits.map((a) => reportInput(a.ctx)),
    skipped,
    profile: {
      files: [...new Set(audits.flatMap((a) => (a.ctx.profileFile ? [a.ctx.profileFile] : [])))],
      inferred: audits.some((a) => a.ctx.inferences.length > 0),
    },
    requirements,
    findings,
    baseline: null,
    waivers: null,
    warnings: [],
    summary: summarize(audits.length, requirements, findings),
  };
}

/** The counts of a report; recomputed whenever findings are left out (a baseline) so they always match the lists. */
export function summarize(inputs: number, requirements: readonly ReportRequirement[], findings: readonly ReportFinding[]): ReportSummary {
  const count = <K extends string>(keys: readonly K[], of: (k: K) => number) => Object.fromEntries(keys.map((k) => [k, of(k)])) as Record<K, number>;
  return {
    inputs,
    requirements: count(REQUIREMENT_STATUSES, (s) => requirements.filter((r) => r.status === s).length),
    findings: { ...count(SEVERITIES, (s) => findings.filter((f) => f.severity === s).length), total: findings.length },
    highestSeverity: SEVERITIES.find((s) => findings.some((f) => f.severity === s)) ?? null,
  };
}

/** Several rule sets of one export share its file name: the partition tells their requirements and findings apart. */
function withPartition<T extends object>(ctx: AuditContext, item: T): T & { partition?: string } {
  const p = ctx.device.partition;
  return p ? { ...item, partition: p.name } : item;
}

/**
 * One finding for a problem found alike in several rule sets of one export (the three Windows Firewall profiles
 * holding the same rule): same file, id, severity, message and evidence lines. It lists its rule sets, in input
 * order; findings that differ in any of these stay apart, each with its own.
 */
export function mergeRuleSets(findings: readonly (Finding & { readonly partition?: string })[]): ReportFinding[] {
  const merged: { finding: Finding; partitions: string[] }[] = [];
  const byKey = new Map<string, { finding: Finding; partitions: string[] }>();
  for (const { partition, ...finding } of findings) {
    const key = JSON.stringify([finding.file, finding.id, finding.severity, finding.message, finding.evidence.map((e) => [e.file, e.line, e.effect, e.text])]);
    const seen = partition === undefined ? undefined : byKey.get(key);
    if (seen && !seen.partitions.includes(partition!)) {
      seen.partitions.push(partition!);
      continue;
    }
    const entry = { finding, partitions: partition === undefined ? [] : [partition] };
    merged.push(entry);
    if (partition !== undefined && !seen) byKey.set(key, entry);
  }
  return merged.map(({ finding, partitions }) => (partitions.length > 0 ? { ...finding, partitions } : finding));
}

/** The requirement row a finding answers to, in the (first) rule set it is found in. */
export function requirementOf(report: Pick<Report, 'requirements'>, f: ReportFinding): ReportRequirement | undefined {
  if (!f.requirement) return undefined;
  return report.requirements.find((r) => r.id === f.requirement && r.file === f.file && r.partition === f.partitions?.[0]);
}

/** True when the finding is found in this rule set of its file (`partition` undefined: an export holding one). */
export function inRuleSet(f: ReportFinding, file: string, partition: string | undefined): boolean {
  return f.file === file && (partition === undefined ? f.partitions === undefined : (f.partitions?.includes(partition) ?? false));
}

function reportInput(ctx: AuditContext): ReportInput {
  const d = ctx.device;
  return {
    file: d.file,
    vendor: d.vendor,
    device: d.name,
    ...(d.partition ? { partition: { kind: d.partition.kind, name: d.partition.name } } : {}),
    rules: countRules(d),
    families: d.families,
    diagnostics: d.diagnostics.map((x) => ({ line: x.line, level: x.level, message: x.message })),
    context: {
      profileFile: ctx.profileFile ?? null,
      deviceRole: ctx.placement.deviceRole,
      roles: Object.fromEntries([...ctx.roles].sort(([a], [b]) => byCodePoints(a, b)).map(([k, v]) => [k, v.toStrings()])),
      interfaces: Object.fromEntries([...ctx.placement.interfaces].sort(([a], [b]) => byCodePoints(a, b))),
      packs: ctx.packs.map((p) => p.id),
      features: { ...ctx.features },
      inferences: ctx.inferences,
      internet: reportInternet(ctx.internet),
    },
  };
}

function reportInternet(internet: InternetDefinition): ReportInternet {
  return {
    description: `every address except ${internet.excluded.map((x) => x.what).join('; ')}`,
    excluded: internet.excluded.map((x) => ({ what: x.what, addresses: x.addresses.toStrings(), evidence: x.evidence.map((o) => ({ file: o.file, line: o.line, text: o.text })) })),
  };
}

function reportRequirement(ctx: AuditContext, r: EvaluatedRequirement): ReportRequirement {
  const { rule } = r.requirement;
  const v = r.verdict;
  const file = ctx.device.file;
  return {
    id: r.requirement.id,
    file,
    alsoIn: r.requirement.alsoIn,
    title: rule.title,
    status: r.status,
    reason: r.reason,
    requirement: rule.requirement,
    direction: rule.direction,
    flow: r.query ? describeQuery(r.query) : null,
    citation: rule.source.citation,
    source: { technetId: rule.source.technetId, url: r.requirement.pack.source.url, table: rule.source.table, row: rule.source.row },
    evidence: v
      ? uniqueEvidence([
          ...partsEvidence(v.permitted, 'permit', file),
          ...partsEvidence(v.denied, 'deny', file),
        ])
      : [],
    uncovered: v && (r.status === 'partial' || r.status === 'missing') ? describeUncovered(v.denied, (a) => nameAddresses(ctx.internet, a)) : [],
    state: requirementState(r),
  };
}

const FAILING: ReadonlySet<RequirementStatus> = new Set(['partial', 'missing', 'uncertain']);

function requirementState(r: EvaluatedRequirement): RequirementState {
  const open = r.verdict && r.status !== 'not-applicable' ? flowOpen(r.verdict) : null;
  // Open only because nothing filters it: the reader must not take a turned-off firewall for a satisfied row.
  const off = r.verdict?.permitted.some((p) => p.firewallOff) ? ' (firewall off)' : '';
  if (r.status === 'obsolete') {
    return { open, failing: open !== false, label: `obsolete, ${open === null ? 'uncertain' : open ? 'open' : 'closed'}${off}` };
  }
  return { open, failing: FAILING.has(r.status), label: `${r.status}${off}` };
}

const CHECK_ORDER = new Map(CHECKS.map((c, i) => [c.id, i]));

function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return (
    byCodePoints(a.file, b.file) ||
    byCodePoints(a.partitions?.[0] ?? '', b.partitions?.[0] ?? '') ||
    severityRank(b.severity) - severityRank(a.severity) ||
    (CHECK_ORDER.get(a.check) ?? 99) - (CHECK_ORDER.get(b.check) ?? 99) ||
    byCodePoints(a.requirement ?? '', b.requirement ?? '') ||
    byCodePoints(a.id, b.id)
  );
}
