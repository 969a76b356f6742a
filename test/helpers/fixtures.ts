/**
 * Real audits of the shipped iptables fixtures, built in-process as `edge-audit check` builds them. Files are
 * named repo-relative (`fixtures/iptables/network-firewall/gap.rules`), so a location in a report can be opened
 * from the repository root whatever the working directory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditDevice, type InputAudit } from '../../src/audit/audit.js';
import { packageRoot } from '../../src/json-schema.js';
import { loadPacks } from '../../src/policy/load-packs.js';
import { loadProfile } from '../../src/profile/site-profile.js';
import { buildReport, type Report } from '../../src/report/report.js';
import { iptablesParser } from '../../parsers/iptables/index.js';
import { exportFromText } from '../../parsers/export-file.js';

export const REPO = packageRoot();
const packs = loadPacks();

/**
 * `name` relative to fixtures/iptables; `profile: false` audits without a site profile, so everything is inferred;
 * `profile: 'x.edge-audit.json'` uses that profile from the fixture's folder instead of the one the CLI would find.
 */
export function auditFixture(name: string, opts: { profile?: boolean | string } = {}): InputAudit {
  const file = `fixtures/iptables/${name}`;
  const dir = name.split('/')[0]!;
  const profileName = typeof opts.profile === 'string' ? opts.profile : name.endsWith('dual-stack.rules') ? 'dual-stack.edge-audit.json' : 'edge-audit.json';
  const profileFile = `fixtures/iptables/${dir}/${profileName}`;
  const profile = opts.profile === false ? undefined : { ...loadProfile(join(REPO, profileFile)), file: profileFile };
  return auditDevice(iptablesParser.parse(exportFromText(file, readFileSync(join(REPO, file), 'utf8')), {})[0]!, profile, packs);
}

export function fixtureReport(names: readonly string[], opts: { profile?: boolean } = {}): Report {
  return buildReport(names.map((n) => auditFixture(n, opts)), '0.0.0-test');
}

/** The lines of a repo-relative file, 1-based: `lines[n]` is line n. */
export function fileLines(file: string): string[] {
  return ['', ...readFileSync(join(REPO, file), 'utf8').split('\n')];
}
