import type { ErrorObject, ValidateFunction } from 'ajv';
import { CHECKS } from '../checks/index.js';
import { loadJsonFile } from '../config/json-file.js';
import { compileSchema, describeSchemaError } from '../json-schema.js';
import { normalizePath } from '../report/paths.js';
import { inRuleSet, requirementOf, type FindingWaiver, type Report, type ReportFinding, type ReportRequirement } from '../report/report.js';

/**
 * Waivers: findings a named person accepted, for a reason, until a date. A waived finding stays in every report,
 * marked, and does not fail the run; once its waiver has expired it counts again, and the report says so.
 * Shape: schemas/waivers.schema.json (a file of its own, or the `waivers` section of .edge-audit.json).
 */

export interface Waiver {
  readonly id?: string;
  readonly check?: string;
  readonly requirement?: string;
  readonly file?: string;
  readonly justification: string;
  readonly expires: string;
  readonly approvedBy: string;
}

/** A waiver and where it is written (file, 1-based entry), so every report can point back to it. */
export interface WaiverEntry {
  readonly waiver: Waiver;
  readonly source: { readonly file: string; readonly entry: number };
}

export class WaiverError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

let validator: ValidateFunction<WaiversFile> | undefined;
const waiversSchema = () => (validator ??= compileSchema<WaiversFile>('schemas/waivers.schema.json'));

interface WaiversFile {
  readonly waivers: readonly Waiver[];
}

/** A waivers file: `{ "waivers": [ … ] }`. */
export function loadWaivers(file: string): WaiverEntry[] {
  return entriesOf(loadJsonFile(file, waiversSchema(), (problem) => new WaiverError(file, problem), { describe: describeWaiverError }), file);
}

/**
 * Validates waivers already read: the `waivers` section of a configuration file, given as `{ waivers: section }` so
 * that the pointers in errors, `/waivers/2/expires`, are right in that file too.
 */
export function parseWaivers(data: unknown, file: string): WaiverEntry[] {
  const validate = waiversSchema();
  if (!validate(data)) throw new WaiverError(file, describeWaiverError(validate.errors));
  return entriesOf(data, file);
}

/** What the schema cannot say: that a date exists, and that a check does. */
function entriesOf(data: WaiversFile, file: string): WaiverEntry[] {
  const known = new Set(CHECKS.map((c) => c.id));
  return data.waivers.map((waiver, i) => {
    const at = `/waivers/${i}`;
    if (!isCalendarDate(waiver.expires)) throw new WaiverError(file, `${at}/expires "${waiver.expires}" is not a calendar date (YYYY-MM-DD)`);
    if (waiver.check !== undefined && !known.has(waiver.check)) throw new WaiverError(file, `${at}/check "${waiver.check}" is not a check (known: ${[...known].join(', ')})`);
    return { waiver, source: { file, entry: i + 1 } };
  });
}

/** The schema's `anyOf` says "id, or check and requirement"; ajv would only say which property it looked for first. */
function describeWaiverError(errors: readonly ErrorObject[] | null | undefined): string {
  const anyOf = errors?.find((e) => e.keyword === 'anyOf');
  if (anyOf) return `${anyOf.instancePath} needs "id", or "check" and "requirement", to say which findings it waives`;
  return describeSchemaError(errors);
}

function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * The date expiries are compared with: `EDGE_AUDIT_TODAY` (YYYY-MM-DD) when set — tests and reproducible re-runs —
 * else today in UTC, so that a CI runner's time zone does not decide whether a waiver still holds.
 */
export function resolveToday(override: string | undefined, now: Date = new Date()): string {
  if (override === undefined || override === '') return now.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(override) || !isCalendarDate(override)) throw new WaiverError('EDGE_AUDIT_TODAY', `"${override}" is not a date (YYYY-MM-DD)`);
  return override;
}

/**
 * Marks every finding a waiver covers. A finding several waivers match takes the first that is still in force,
 * else the first expired one (which re-opens it, and says whose acceptance lapsed). Waived findings stay in the
 * report, so its counts do not change.
 */
export function applyWaivers(report: Report, entries: readonly WaiverEntry[], today: string): Report {
  const used = new Set<WaiverEntry>();
  const warnings: string[] = [];
  const findings = report.findings.map((f): ReportFinding => {
    const matching = entries.filter((e) => matches(e.waiver, f, report));
    if (matching.length === 0) return f;
    for (const e of matching) used.add(e);
    const chosen = matching.find((e) => e.waiver.expires >= today) ?? matching[0]!;
    const waiver: FindingWaiver = {
      status: chosen.waiver.expires >= today ? 'active' : 'expired',
      justification: chosen.waiver.justification,
      approvedBy: chosen.waiver.approvedBy,
      expires: chosen.waiver.expires,
      source: chosen.source,
    };
    if (waiver.status === 'expired') {
      warnings.push(`waiver ${chosen.source.file} entry ${chosen.source.entry} expired on ${waiver.expires}: ${f.check} finding ${f.id} in ${f.file} counts again`);
    }
    return { ...f, waiver };
  });
  const unused = entries.filter((e) => !used.has(e));
  for (const e of unused) warnings.push(`waiver ${e.source.file} entry ${e.source.entry} (${describe(e.waiver)}) matches no finding`);
  return {
    ...report,
    requirements: report.requirements.map((r) => withWaiver(r, findings)),
    findings,
    waivers: { files: [...new Set(entries.map((e) => e.source.file))], evaluatedOn: today, ...waiverCounts(findings), unused: unused.length },
    warnings: [...report.warnings, ...warnings],
  };
}

/**
 * A failing requirement is accepted when the findings about it (in its rule set) all carry an active waiver; the
 * first one's is shown. Not when any of them is open, nor when there is none.
 */
function withWaiver(r: ReportRequirement, findings: readonly ReportFinding[]): ReportRequirement {
  const { waiver: _previous, ...requirement } = r;
  const about = findings.filter((f) => f.requirement === r.id && inRuleSet(f, r.file, r.partition));
  if (!r.state.failing || about.length === 0 || about.some((f) => f.waiver?.status !== 'active')) return requirement;
  return { ...requirement, waiver: about[0]!.waiver! };
}

/** How many of these findings an active waiver covers, and how many an expired one re-opened. */
export function waiverCounts(findings: readonly ReportFinding[]): { waived: number; expired: number } {
  return { waived: findings.filter((f) => f.waiver?.status === 'active').length, expired: findings.filter((f) => f.waiver?.status === 'expired').length };
}

/** Every criterion the waiver gives must hold. A requirement matches under any pack that documents the same row. */
function matches(w: Waiver, f: ReportFinding, report: Report): boolean {
  return (
    (w.id === undefined || w.id === f.id) &&
    (w.check === undefined || w.check === f.check) &&
    (w.requirement === undefined || requirementIds(f, report).includes(w.requirement)) &&
    (w.file === undefined || normalizePath(w.file) === normalizePath(f.file))
  );
}

function requirementIds(f: ReportFinding, report: Report): string[] {
  if (!f.requirement) return [];
  return [f.requirement, ...(requirementOf(report, f)?.alsoIn ?? [])];
}

function describe(w: Waiver): string {
  return [w.id && `id ${w.id}`, w.check && `check ${w.check}`, w.requirement && `requirement ${w.requirement}`, w.file && `file ${w.file}`].filter(Boolean).join(', ');
}
