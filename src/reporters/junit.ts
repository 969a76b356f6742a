import type { Evidence } from '../audit/result.js';
import type { Report, ReportFinding, ReportRequirement } from '../report/report.js';
import { authorityText, findingsOf, flowText, inputName, lineRef, ofInput, ruleSetsText, waiverText } from './common.js';

/**
 * JUnit XML for CI test reports (GitLab, Jenkins): one suite per input (a file, or one rule set of a file that holds
 * several). Each documented requirement is a test (so a passing audit shows what was checked, not just an empty
 * report), and each finding is a failing test — skipped instead when a waiver in force accepts it.
 */

type Outcome = { readonly kind: 'failure'; readonly type: string; readonly message: string; readonly body: string } | { readonly kind: 'skipped'; readonly message: string };

interface TestCase {
  readonly classname: string;
  readonly name: string;
  readonly outcome?: Outcome;
}

export function formatJunit(report: Report): string {
  const suites = report.inputs.map((input) => ({
    name: inputName(input),
    internet: input.context.internet.description,
    cases: [...ofInput(report.requirements, input).map(requirementCase), ...findingsOf(report.findings, input).map((f) => findingCase(report, f))],
  }));
  const all = suites.flatMap((s) => s.cases);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="edge-audit" tests="${all.length}" failures="${failures(all)}">`];
  for (const s of suites) {
    const skipped = s.cases.filter((c) => c.outcome?.kind === 'skipped').length;
    out.push(`  <testsuite name="${attr(s.name)}" tests="${s.cases.length}" failures="${failures(s.cases)}" skipped="${skipped}">`);
    out.push('    <properties>', `      <property name="internet" value="${attr(s.internet)}"/>`, '    </properties>');
    out.push(...s.cases.map(renderCase));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function failures(cases: readonly TestCase[]): number {
  return cases.filter((c) => c.outcome?.kind === 'failure').length;
}

/**
 * A row passes unless its state is failing: missing/partial/uncertain, or an obsolete flow open (or possibly open);
 * it then fails with its status as type. Not-applicable is skipped, and so is a failing row whose findings are all
 * waived, with the waiver as the reason.
 */
function requirementCase(r: ReportRequirement): TestCase {
  const base = { classname: 'requirements', name: r.id };
  if (r.waiver) return { ...base, outcome: { kind: 'skipped', message: `${r.state.label}, ${waiverText(r.waiver)}` } };
  if (r.status === 'not-applicable') return { ...base, outcome: { kind: 'skipped', message: r.reason } };
  if (!r.state.failing) return base;
  const flow = r.flow ? `${flowText(r.flow)} (from ${r.flow.src.join(', ')} to ${r.flow.dst.join(', ')})` : undefined;
  const body = [flow, ...r.uncovered.map((u) => `not permitted: ${u}`), ...evidenceLines(r.evidence), r.citation];
  return { ...base, outcome: { kind: 'failure', type: r.status, message: `${r.title}: ${r.reason}`, body: lines(body) } };
}

/** A finding is a test of the suite of the first rule set it is found in; its failure names all of them. */
function findingCase(report: Report, f: ReportFinding): TestCase {
  const base = { classname: f.check, name: shorten(f.message) };
  if (f.waiver?.status === 'active') return { ...base, outcome: { kind: 'skipped', message: waiverText(f.waiver) } };
  const ruleSets = f.partitions && f.partitions.length > 1 ? `found alike in ${ruleSetsText(report, f)}` : undefined;
  const body = lines([...evidenceLines(f.evidence), authorityText(f), ruleSets, f.waiver && waiverText(f.waiver)]);
  return { ...base, outcome: { kind: 'failure', type: f.severity, message: f.message, body } };
}

/**
 * A test name CI tools can list: the message up to its first clause break. What follows (which rule blocks, on which
 * line) is in the failure itself; keeping it out of the name also keeps the test's history when lines move.
 * On one line, as test lists show it.
 */
function shorten(message: string, max = 100): string {
  const clause = message.split('; ')[0]!.replace(/\s+/g, ' ').replace(/\.$/, '');
  return clause.length <= max ? clause : `${clause.slice(0, max - 1)}…`;
}

function evidenceLines(evidence: readonly Evidence[]): string[] {
  return evidence.map((e) => `${lineRef(e)}: ${e.text}`);
}

function lines(items: readonly (string | undefined)[]): string {
  return items.filter((x): x is string => x !== undefined && x !== '').join('\n');
}

function renderCase(c: TestCase): string {
  const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}"`;
  if (!c.outcome) return `${open}/>`;
  const inner =
    c.outcome.kind === 'skipped'
      ? `<skipped message="${attr(c.outcome.message)}"/>`
      : `<failure type="${attr(c.outcome.type)}" message="${attr(c.outcome.message)}">${text(c.outcome.body)}</failure>`;
  return `${open}>\n      ${inner}\n    </testcase>`;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Character data: the five XML entities, and U+FFFD for what XML 1.0 cannot carry at all (control characters, lone
 * surrogates) — a configuration comment can hold anything, and one such character would make the whole file unreadable.
 */
function text(s: string): string {
  return s
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** An attribute value: as text, with line breaks and tabs as character references, which a parser would turn into spaces. */
function attr(s: string): string {
  return text(s).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}
