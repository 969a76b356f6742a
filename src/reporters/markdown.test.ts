import { describe, expect, it } from 'vitest';
import type { Report } from '../report/report.js';
import { fixtureReport } from '../../test/helpers/fixtures.js';
import { twoVdomReport, waived } from '../../test/helpers/reports.js';
import { formatMarkdown } from './markdown.js';

/** The document cut at its `## ` headings: the part about each input, keyed by heading. */
function sections(markdown: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) out.set(line, (current = []));
    else current.push(line);
  }
  return out;
}

/** The contents of every fenced code block, as lines. A fence closes only on the same run of backticks. */
function codeBlocks(lines: readonly string[]): string[][] {
  const blocks: string[][] = [];
  let fence: string | undefined;
  for (const line of lines) {
    if (fence === undefined) {
      const open = /^(`{3,})[^`]*$/.exec(line);
      if (open) {
        fence = open[1]!;
        blocks.push([]);
      }
    } else if (line === fence) fence = undefined;
    else blocks.at(-1)!.push(line);
  }
  expect(fence).toBeUndefined();
  return blocks;
}

/** The body rows of the table under a `### ` heading. */
function tableRows(lines: readonly string[], heading: string): string[] {
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[] = [];
  for (const line of lines.slice(start + 1).filter((l) => l !== '').slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows;
}

/** Cells split on the pipes Markdown reads as separators (not those escaped as `\|`). */
const cells = (row: string) => row.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());

const report = fixtureReport([
  'network-firewall/gap.rules',
  'network-firewall/any-service.rules',
  'network-firewall/obsolete-wlm.rules',
  'network-firewall/uncertain.rules',
  'edge-host/gap.rules',
]);
const inferred = fixtureReport(['network-firewall/exposed-23456.rules'], { profile: false });

describe('formatMarkdown', () => {
  it('has a title, a summary with the counts, and a section per input with its parts', () => {
    const out = formatMarkdown(report);
    expect(out.startsWith('# edge-audit report\n')).toBe(true);
    const parts = sections(out);
    expect([...parts.keys()]).toEqual(['## Summary', ...report.inputs.map((i) => `## \`${i.file}\``)]);
    const summary = parts.get('## Summary')!.join('\n');
    expect(summary).toContain(`- Findings: ${report.summary.findings.critical} critical, ${report.summary.findings.high} high, ${report.summary.findings.medium} medium,`);
    expect(summary).toContain(`${report.summary.requirements.satisfied} satisfied`);
    expect(summary).toContain(`${report.summary.requirements.obsolete} obsolete`);
    for (const input of report.inputs) {
      const lines = parts.get(`## \`${input.file}\``)!;
      expect(lines).toEqual(expect.arrayContaining(['### Requirements', '### Findings', '### Diagnostics']));
      expect(lines).toContain(`- Device: \`${input.device}\`, ${input.vendor}, ${input.rules} rules, ${input.families.join(' + ')}`);
      expect(lines).toContain(`- Profile: \`${input.context.profileFile}\``);
      for (const d of input.diagnostics) expect(lines).toContain(`- line ${d.line} (${d.level}): ${d.message.replace(/[\\`*_[\]<>~#]/g, (c) => `\\${c}`)}`);
    }
  });

  it('has one requirement row per requirement, with its flow, status and deciding lines', () => {
    for (const r of [report, inferred]) {
      const parts = sections(formatMarkdown(r));
      for (const input of r.inputs) {
        const rows = tableRows(parts.get(`## \`${input.file}\``)!, '### Requirements');
        const requirements = r.requirements.filter((x) => x.file === input.file);
        expect(rows).toHaveLength(requirements.length);
        for (const [i, req] of requirements.entries()) {
          const [id, flow, status, deciding] = cells(rows[i]!);
          expect(cells(rows[i]!)).toHaveLength(4);
          expect(id).toBe(`\`${req.id}\``);
          expect(flow).toContain(`${req.flow!.protocol.toUpperCase()} ${req.flow!.dport}`);
          expect(status).toContain(req.status);
          const decidingLines = new Set(req.evidence.filter((x) => x.effect !== 'context').map((e) => `\`${e.file}:${e.line}\``));
          expect(new Set(deciding!.split(', '))).toEqual(decidingLines.size > 0 ? decidingLines : new Set(['—']));
        }
      }
    }
    const open = sections(formatMarkdown(report)).get('## `fixtures/iptables/network-firewall/obsolete-wlm.rules`')!;
    expect(tableRows(open, '### Requirements').filter((row) => row.includes('**obsolete, open**'))).toHaveLength(3);
  });

  it('groups findings under a heading per severity, each with its check, message, requirement, citation and evidence in a code block', () => {
    const parts = sections(formatMarkdown(report));
    for (const input of report.inputs) {
      const lines = parts.get(`## \`${input.file}\``)!;
      const findings = report.findings.filter((f) => f.file === input.file);
      const headings = lines.filter((l) => l.startsWith('#### '));
      const severities = [...new Set(findings.map((f) => f.severity))];
      expect(headings).toEqual(severities.map((s) => `#### ${s[0]!.toUpperCase()}${s.slice(1)} (${findings.filter((f) => f.severity === s).length})`));
      const blocks = codeBlocks(lines);
      for (const f of findings) {
        const at = lines.findIndex((l) => l.startsWith(`**${f.check}** (\`${f.id}\`)`));
        expect(at).toBeGreaterThan(0);
        // Under its own severity heading: the nearest heading above it.
        expect(lines.slice(0, at).filter((l) => l.startsWith('#### ')).at(-1)).toMatch(new RegExp(`^#### ${f.severity}`, 'i'));
        if (f.requirement) expect(lines[at + 1]).toContain(`\`${f.requirement}\``);
        if (f.citation) expect(lines[at + 1]).toContain(f.citation);
        // The evidence, verbatim, as `line: text` inside one code block.
        const wanted = f.evidence.map((e) => `${e.line}: ${e.text}`);
        if (wanted.length > 0) expect(blocks).toContainEqual(wanted);
      }
    }
    expect(report.findings.some((f) => f.evidence.some((e) => e.text.includes('"')))).toBe(true);
  });

  it('lists what was inferred, with the lines it was read from, and says when there is no profile', () => {
    const lines = sections(formatMarkdown(inferred)).get('## `fixtures/iptables/network-firewall/exposed-23456.rules`')!;
    expect(lines.find((l) => l.startsWith('- Profile:'))).toMatch(/^- Profile: none; .*inferred/);
    const blocks = codeBlocks(lines);
    const inferences = inferred.inputs[0]!.context.inferences;
    expect(inferences.filter((i) => i.evidence.length > 0).length).toBeGreaterThan(3);
    for (const i of inferences) {
      expect(lines.some((l) => l.startsWith(`\`${i.field}\` = `))).toBe(true);
      if (i.evidence.length > 0) expect(blocks).toContainEqual(i.evidence.map((e) => `${e.line}: ${e.text}`));
    }
  });

  it('escapes pipes and line breaks in table cells, and fences evidence that holds backticks', () => {
    const base = fixtureReport(['network-firewall/gap.rules']);
    const file = 'fw|a.rules';
    const tricky = 'echo ```done``` | tee';
    const odd: Report = {
      ...base,
      inputs: base.inputs.map((i) => ({ ...i, file })),
      requirements: base.requirements.map((r) => ({
        ...r,
        file,
        flow: r.flow && { ...r.flow, to: 'edge|x\nnext' },
        evidence: r.evidence.map((e) => ({ ...e, file })),
      })),
      findings: base.findings.map((f, i) => ({ ...f, file, evidence: f.evidence.map((e) => ({ ...e, file, text: i === 0 ? tricky : e.text })) })),
    };
    const out = formatMarkdown(odd);
    const lines = sections(out).get('## `fw|a.rules`')!;
    const rows = tableRows(lines, '### Requirements');
    expect(rows).toHaveLength(base.requirements.length);
    for (const row of rows) {
      expect(cells(row)).toHaveLength(4);
      expect(row).toContain('edge\\|x<br>next');
      expect(row).toContain('`fw\\|a.rules:');
    }
    const fenced = codeBlocks(lines).find((b) => b.some((l) => l.includes('```done```')));
    expect(fenced).toEqual([`4: ${tricky}`]);
    expect(lines).toContain('````');
  });

  it('is deterministic', () => {
    expect(formatMarkdown(report)).toBe(formatMarkdown(report));
    expect(formatMarkdown(fixtureReport(['network-firewall/gap.rules']))).toBe(formatMarkdown(fixtureReport(['network-firewall/gap.rules'])));
  });
});

describe('formatMarkdown: waivers, baseline, skipped files, several rule sets', () => {
  const gap = fixtureReport(['network-firewall/gap.rules']);
  const [missing, wrongDirection] = gap.findings;

  it('says under each finding whether it is waived, by whom, until when and why, or that its waiver expired', () => {
    const report = waived(gap, '2029-06-01', { id: missing!.id, justification: 'Q3 *launch*', approvedBy: 'CISO', expires: '2030-01-01' }, { id: wrongDirection!.id, justification: 'old', approvedBy: 'Ops', expires: '2020-01-01' });
    const lines = formatMarkdown(report).split('\n');
    expect(lines).toContain('*Waived*: waived until 2030-01-01 by CISO (w.json, entry 1): Q3 \\*launch\\*');
    expect(lines).toContain('**Waiver expired**: waiver expired on 2020-01-01 (approved by Ops, w.json, entry 2): the finding counts again; it said: old');
    expect(lines[2]).toBe(`edge-audit 0.0.0-test, 1 input(s), 2 finding(s) (1 waived), highest severity **high**.`);
    expect(lines).toContain(`- Warning: waiver w.json entry 2 expired on 2020-01-01: wrong-direction finding ${wrongDirection!.id} in ${gap.inputs[0]!.file} counts again.`);
  });

  it('lists in the summary what the baseline left out and which files were skipped', () => {
    const report = { ...gap, baseline: { file: 'base.json', suppressed: 3 }, skipped: [{ file: 'configs/notes_v2.txt', reason: 'not a recognized firewall export' }] };
    const summary = sections(formatMarkdown(report)).get('## Summary')!;
    expect(summary).toContain('- Baseline base.json: 3 known finding(s) left out of this report.');
    expect(summary).toContain('- Skipped configs/notes\\_v2.txt: not a recognized firewall export.');
  });

  it('gives each rule set of one export its own section with its own requirements, and each finding once', () => {
    const parts = sections(formatMarkdown(twoVdomReport()));
    const file = gap.inputs[0]!.file;
    expect([...parts.keys()]).toEqual(['## Summary', `## \`${file}\` (VDOM root)`, `## \`${file}\` (VDOM dmz)`]);
    for (const heading of [...parts.keys()].slice(1)) expect(tableRows(parts.get(heading)!, '### Requirements')).toHaveLength(gap.requirements.length);
    const [root, dmz] = [...parts.values()].slice(1);
    // Found alike in both VDOMs: shown under the first, named in the second.
    expect(root!.filter((l) => /^\*\*[a-z-]+\*\* \(`/.test(l))).toHaveLength(gap.findings.length);
    expect(root!.filter((l) => /^Found alike in VDOMs root, dmz( {2})?$/.test(l))).toHaveLength(gap.findings.length);
    expect(dmz!.filter((l) => /^\*\*[a-z-]+\*\* \(`/.test(l))).toHaveLength(0);
    const shared = dmz!.find((l) => l.startsWith('Also found in this rule set'))!;
    for (const f of gap.findings) expect(shared).toContain(`\`${f.id}\` (${f.check}, VDOMs root, dmz)`);
  });
});
