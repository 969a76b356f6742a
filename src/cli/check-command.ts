import { resolve } from 'node:path';
import type { InputAudit } from '../audit/audit.js';
import { auditDevice } from '../audit/audit.js';
import { SEVERITIES, severityRank } from '../audit/result.js';
import { loadPacks } from '../policy/load-packs.js';
import { findProfile, loadProfile, type LoadedProfile } from '../profile/site-profile.js';
import { buildReport, type Report } from '../report/report.js';
import { formatJson } from '../reporters/json.js';
import { formatJunit } from '../reporters/junit.js';
import { formatMarkdown } from '../reporters/markdown.js';
import { formatSarif } from '../reporters/sarif.js';
import { formatTable } from '../reporters/table.js';
import { readDevices, selectDevices } from './input.js';
import { writeWhole } from './write-output.js';

export interface CheckOptions {
  readonly profile?: string;
  readonly pack?: readonly string[];
  readonly format?: keyof typeof FORMATS;
  readonly output?: string;
  readonly failOn: (typeof FAIL_ON)[number];
  readonly vdom?: string;
  readonly profileName?: string;
}

export const FORMATS = {
  table: formatTable,
  json: formatJson,
  sarif: formatSarif,
  junit: formatJunit,
  markdown: formatMarkdown,
} satisfies Record<string, (r: Report) => string>;
export const FAIL_ON = ['none', ...SEVERITIES] as const;

/** Runs the audit and returns the exit code: 0 nothing at or above --fail-on, 1 such findings. */
export function runCheck(files: readonly string[], opts: CheckOptions, version: string, stdoutIsTty: boolean): { output: string; exitCode: number } {
  // commander's choices() have already refused any other --format or --fail-on value.
  const format = FORMATS[opts.format ?? (stdoutIsTty ? 'table' : 'json')];

  const packs = loadPacks();
  const given = opts.profile ? loadProfile(opts.profile) : undefined;
  const audits: InputAudit[] = files.flatMap((file) => {
    const found = given ? undefined : findProfile(file, process.cwd());
    const profile: LoadedProfile | undefined = given ?? (found ? loadProfile(found) : undefined);
    const options = profile?.addressKeywords ? { addressKeywords: profile.addressKeywords } : {};
    const profileName = opts.profileName ?? profile?.profile.firewallProfile;
    const devices = selectDevices(file, readDevices(file, options), { ...opts, ...(profileName ? { profileName } : {}) });
    return devices.map((device) => auditDevice(device, profile, packs, opts.pack));
  });
  const report = buildReport(audits, version);
  const output = format(report);
  if (opts.output) writeWhole(resolve(opts.output), output);
  return { output: opts.output ? '' : output, exitCode: failed(report, opts.failOn) ? 1 : 0 };
}

function failed(report: Report, failOn: CheckOptions['failOn']): boolean {
  if (failOn === 'none') return false;
  const threshold = severityRank(failOn);
  return report.findings.some((f) => severityRank(f.severity) >= threshold);
}
