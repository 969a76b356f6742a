import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { InputAudit } from '../audit/audit.js';
import { auditDevice } from '../audit/audit.js';
import { SEVERITIES, severityRank } from '../audit/result.js';
import { applyBaseline, createBaseline, loadBaseline } from '../baseline/baseline.js';
import { resolveSettings, type FailOn, type RunConfig, type Settings, type WaiverSource } from '../config/config.js';
import { loadPacks } from '../policy/load-packs.js';
import { findProfile, loadProfile, type LoadedProfile } from '../profile/site-profile.js';
import { buildReport, type Report, type SkippedFile } from '../report/report.js';
import { isOpen } from '../reporters/common.js';
import { REPORTERS, type FormatName } from '../reporters/index.js';
import { applyWaivers, loadWaivers, resolveToday, type WaiverEntry } from '../waivers/waivers.js';
import { createConsole, type Console, type ErrorStream } from './console.js';
import { inputSources, profileParsing, recognizedExports, selectDevices, STDIN_NAME, type InputSource, type RecognizedExport } from './input.js';
import { UsageError } from './usage-error.js';
import { writeAll, type OutputFile, type ReadFile } from './write-output.js';

/** The command line's values; absent = not given, so the environment, the configuration file or a default decides. */
export interface CheckOptions extends Omit<RunConfig, 'packs' | 'waivers'> {
  readonly config?: string;
  readonly pack?: readonly string[];
  readonly createBaseline?: string;
  readonly waivers?: string;
  readonly vendor?: string;
  readonly vdom?: string;
  readonly profileName?: string;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  /** false with --no-color. */
  readonly color?: boolean;
}

/** What the process provides, passed in so that tests can run a check without one. */
export interface CheckEnvironment {
  readonly version: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdoutIsTty: boolean;
  readonly stderr: ErrorStream;
  readonly readStdin: () => Uint8Array;
}

/** More inputs than this, or one file this large, and a terminal gets a progress line. */
const PROGRESS_MIN_FILES = 5;
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Audits every input and writes the report in each format asked for. Returns what goes to stdout and the exit code:
 * 0 no unwaived finding at or above --fail-on and, with --fail-on-uncertain, no uncertain requirement (or
 * --soft-fail); 1 otherwise. Usage, input and parse errors are thrown (exit 2) before anything is written.
 */
export function runCheck(paths: readonly string[], opts: CheckOptions, environment: CheckEnvironment): { output: string; exitCode: number } {
  const log = createConsole(environment.stderr, opts);
  try {
    return check(paths, opts, environment, log);
  } finally {
    log.endProgress(); // an error message must not start on the progress line
  }
}

function check(paths: readonly string[], opts: CheckOptions, environment: CheckEnvironment, log: Console): { output: string; exitCode: number } {
  const { env } = environment;
  const settings = resolveSettings(commandLineConfig(opts), env, environment.cwd, opts.config);
  describeSettings(log, settings);
  const targets = outputTargets(settings.format ?? [environment.stdoutIsTty ? 'table' : 'json'], settings.output);
  // Everything that can be refused is read before the audit, so a bad waiver or baseline costs no time.
  const waivers = settings.waivers && { entries: waiverEntries(settings.waivers), today: resolveToday(env.EDGE_AUDIT_TODAY) };
  const baseline = settings.baseline === undefined ? undefined : { file: settings.baseline, content: loadBaseline(settings.baseline) };

  const sources = inputSources(paths.length > 0 ? paths : ['.'], opts.vendor, environment.readStdin);
  const skipped: SkippedFile[] = [];
  const audits = auditInputs(sources, recognizedExports(sources, opts.vendor, skipped), settings, opts, environment.cwd, log);
  if (skipped.length > 0) log.note(`skipped ${skipped.length} file(s) that are not recognized exports (the report lists them${opts.verbose ? '' : '; so does --verbose'})`);
  for (const s of skipped) log.verbose(`${s.file}: skipped, ${s.reason}`);
  let report = buildReport(audits, environment.version, skipped);
  if (waivers) report = applyWaivers(report, waivers.entries, waivers.today);
  // The new baseline records every current finding, including those an older baseline hides.
  const newBaseline: OutputFile[] = opts.createBaseline ? [{ path: opts.createBaseline, content: createBaseline(report) }] : [];
  if (baseline) report = applyBaseline(report, baseline.content, baseline.file);
  for (const w of report.warnings) log.warn(w);

  // Colour only for a table on a terminal that has not opted out (--no-color, NO_COLOR): never in a file.
  const color = environment.stdoutIsTty && opts.color !== false && !env.NO_COLOR;
  const rendered = targets.map((t) => ({ ...t, content: REPORTERS[t.format].format(report, { color: color && t.path === undefined }) }));
  const files = [...rendered.flatMap((r) => (r.path === undefined ? [] : [{ path: r.path, content: r.content }])), ...newBaseline];
  writeAll(files, filesRead(settings, sources, report));
  for (const f of files) log.verbose(`wrote ${f.path}`);

  const exitCode = !settings.softFail && (failing(report, settings.failOn) || (settings.failOnUncertain && uncertainRequirements(report) > 0)) ? 1 : 0;
  if (rendered.every((r) => r.path !== undefined)) log.note(outcome(report, settings, exitCode));
  return { output: rendered.find((r) => r.path === undefined)?.content ?? '', exitCode };
}

/** Each export on its own: its site profile (given, else found beside it), its rule sets, their audits. */
function auditInputs(sources: readonly InputSource[], exports: Iterable<RecognizedExport>, settings: Settings, opts: CheckOptions, cwd: string, log: Console): InputAudit[] {
  const packs = loadPacks();
  const given = settings.profile ? loadProfile(settings.profile) : undefined;
  const showProgress = sources.length >= PROGRESS_MIN_FILES || sources.some((s) => s.file !== STDIN_NAME && statSync(s.file).size >= PROGRESS_MIN_BYTES);
  const audits: InputAudit[] = [];
  for (const { input, parser, position } of exports) {
    const { file } = input;
    if (showProgress) log.progress(`[${position + 1}/${sources.length}] ${file}`);
    const found = given ? undefined : findProfile(file, cwd);
    const profile: LoadedProfile | undefined = given ?? (found ? loadProfile(found) : undefined);
    const started = performance.now();
    const { options, choice } = profileParsing(profile, opts);
    const devices = selectDevices(file, parser.parse(input, options), choice);
    const parsed = performance.now();
    audits.push(...devices.map((device) => auditDevice(device, profile, packs, settings.packs)));
    log.verbose(`${file}: ${parser.vendor}, ${devices.length} rule set(s), profile ${profile?.file ?? 'none (inferred)'}; parsed in ${ms(parsed - started)}, audited in ${ms(performance.now() - parsed)}`);
  }
  log.endProgress();
  return audits;
}

/** Every file the run read, which no output may replace: exports, site profiles, configuration, baseline, waivers. */
function filesRead(settings: Settings, sources: readonly InputSource[], report: Report): ReadFile[] {
  const named = (role: string, path: string | undefined) => (path === undefined ? [] : [{ path, role }]);
  return [
    ...sources.flatMap((s) => (s.file === STDIN_NAME ? [] : named('an input', s.file))),
    ...named('the site profile', settings.profile),
    ...report.profile.files.flatMap((f) => named('a site profile', f)),
    ...named('the configuration file', settings.configFile),
    ...named('the baseline', settings.baseline),
    ...named('the waivers file', settings.waivers && 'file' in settings.waivers ? settings.waivers.file : undefined),
  ];
}

/** The command line as one configuration layer; options not given stay undefined, so lower layers decide. */
function commandLineConfig(opts: CheckOptions): RunConfig {
  const { pack, waivers, ...rest } = opts;
  return { ...rest, packs: pack, waivers: waivers === undefined ? undefined : { file: waivers } };
}

/**
 * Where each format goes. One format: to -o, else stdout. Several: -o is a base name, and each format's file is the
 * base plus its extension (report.sarif, report.xml, …); without -o that is a usage error, since they cannot all
 * share stdout.
 */
export function outputTargets(formats: readonly FormatName[], output: string | undefined): { format: FormatName; path?: string }[] {
  if (formats.length === 1) return [{ format: formats[0]!, ...(output !== undefined && { path: output }) }];
  if (output === undefined) {
    throw new UsageError(`several formats (${formats.join(', ')}) need -o/--output <base name>: each is written to the base name plus ${formats.map((f) => REPORTERS[f].extension).join(', ')}`);
  }
  return formats.map((format) => ({ format, path: `${output}${REPORTERS[format].extension}` }));
}

function waiverEntries(source: WaiverSource): readonly WaiverEntry[] {
  return 'file' in source ? loadWaivers(source.file) : source.entries;
}

/** Unwaived findings at or above the threshold fail the run; an expired waiver counts as none. */
export function failing(report: Report, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  const threshold = severityRank(failOn);
  return report.findings.some((f) => isOpen(f) && severityRank(f.severity) >= threshold);
}

function describeSettings(log: Console, settings: Settings): void {
  log.verbose(`configuration file: ${settings.configFile ?? 'none'}`);
  const shown = (key: string, value: unknown) => {
    if (key !== 'waivers') return String(value);
    const w = value as WaiverSource;
    return 'file' in w ? w.file : `${w.entries.length} waiver(s) in the configuration file`;
  };
  for (const [key, origin] of Object.entries(settings.origins)) log.verbose(`${key} = ${shown(key, settings[key as keyof typeof settings.origins])} (${origin})`);
}

/** Requirements whose status edge-audit could not decide (a verdict that depends on what the export does not say). */
function uncertainRequirements(report: Report): number {
  return report.summary.requirements.uncertain;
}

/** When every report went to a file, one line on stderr says what the run found and why it exits as it does. */
function outcome(report: Report, settings: Settings, exitCode: number): string {
  const counts = SEVERITIES.filter((s) => report.summary.findings[s] > 0).map((s) => `${report.summary.findings[s]} ${s}`);
  const extra = [
    report.waivers && `${report.waivers.waived} waived`,
    report.baseline && `${report.baseline.suppressed} suppressed by the baseline`,
  ].filter(Boolean);
  const found = `${report.summary.findings.total} finding(s)${counts.length ? ` (${counts.join(', ')})` : ''}${extra.length ? `; ${extra.join(', ')}` : ''}`;
  const uncertain = settings.failOnUncertain ? uncertainRequirements(report) : 0;
  const failed = [
    failing(report, settings.failOn) && `unwaived findings at or above ${settings.failOn}`,
    uncertain > 0 && `${uncertain} uncertain requirement(s) (fail-on-uncertain)`,
  ].filter(Boolean);
  const passed = [
    settings.failOn === 'none' ? 'fail-on none' : `none unwaived at or above ${settings.failOn}`,
    settings.failOnUncertain && 'no uncertain requirement',
  ].filter(Boolean);
  const why = settings.softFail ? 'exit 0 (soft fail)' : exitCode === 1 ? `exit 1: ${failed.join('; ')}` : `exit 0: ${passed.join(', ')}`;
  return `${found}; ${why}`;
}

function ms(n: number): string {
  return `${Math.round(n)} ms`;
}
