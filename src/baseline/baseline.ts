import type { ValidateFunction } from 'ajv';
import type { Severity } from '../audit/result.js';
import { loadJsonFile } from '../config/json-file.js';
import { compileSchema } from '../json-schema.js';
import { byCodePoints } from '../model/order.js';
import { normalizePath } from '../report/paths.js';
import { summarize, type Report, type ReportFinding } from '../report/report.js';
import { waiverCounts } from '../waivers/waivers.js';

/**
 * Baselines: the findings a team already knows about, so that CI fails only on new ones. Shape:
 * schemas/baseline.schema.json. A finding is matched by its id (check, requirement and flow — never line numbers),
 * its file and its rule set: the same problem in another file is a new finding. A finding found alike in several rule
 * sets is written once per rule set, so a baseline reads the same whether or not the report merged them.
 */

export interface BaselineEntry {
  readonly id: string;
  readonly file: string;
  readonly partition?: string;
  readonly check: string;
  readonly requirement?: string;
  readonly severity: Severity;
  readonly message: string;
}

export interface Baseline {
  readonly baselineVersion: 1;
  readonly tool: string;
  readonly findings: readonly BaselineEntry[];
}

export class BaselineError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/**
 * The baseline of a report: every finding not covered by an active waiver (a waived finding is already accepted,
 * and must come back when its waiver expires rather than hide in the baseline). Sorted, so it diffs well.
 */
export function createBaseline(report: Report): string {
  const findings = report.findings
    .filter((f) => f.waiver?.status !== 'active')
    .flatMap((f) =>
      ruleSetsOf(f).map(
        (partition): BaselineEntry => ({
          id: f.id,
          file: normalizePath(f.file),
          ...(partition !== undefined ? { partition } : {}),
          check: f.check,
          ...(f.requirement !== undefined ? { requirement: f.requirement } : {}),
          severity: f.severity,
          message: f.message,
        }),
      ),
    )
    .sort((a, b) => byCodePoints(a.file, b.file) || byCodePoints(a.partition ?? '', b.partition ?? '') || byCodePoints(a.id, b.id));
  const entryKey = (e: BaselineEntry) => key(e.id, e.file, e.partition);
  const unique = findings.filter((f, i) => i === 0 || entryKey(f) !== entryKey(findings[i - 1]!));
  const baseline: Baseline = { baselineVersion: 1, tool: `edge-audit ${report.tool.version}`, findings: unique };
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

let validator: ValidateFunction<Baseline> | undefined;

export function loadBaseline(file: string): Baseline {
  validator ??= compileSchema<Baseline>('schemas/baseline.schema.json');
  return loadJsonFile(file, validator, (problem) => new BaselineError(file, problem), { missing: 'no such file (create one with --create-baseline)' });
}

/**
 * The report without the findings the baseline lists; it records how many were left out. Counts follow: the summary,
 * and how many of the remaining findings are waived. The requirement matrix does not: it never rests on findings.
 * A finding found in several rule sets is left out only when the baseline lists it in every one of them: in any
 * other it is new.
 */
export function applyBaseline(report: Report, baseline: Baseline, file: string): Report {
  const known = new Set(baseline.findings.map((e) => key(e.id, e.file, e.partition)));
  const findings = report.findings.filter((f) => !ruleSetsOf(f).every((partition) => known.has(key(f.id, f.file, partition))));
  return {
    ...report,
    findings,
    baseline: { file, suppressed: report.findings.length - findings.length },
    waivers: report.waivers && { ...report.waivers, ...waiverCounts(findings) },
    summary: summarize(report.summary.inputs, report.requirements, findings),
  };
}

function key(id: string, file: string, partition: string | undefined): string {
  return JSON.stringify([id, normalizePath(file), partition ?? null]);
}

/** The rule sets a finding is found in; `[undefined]` for an export that holds one. */
function ruleSetsOf(f: ReportFinding): (string | undefined)[] {
  return f.partitions ? [...f.partitions] : [undefined];
}
