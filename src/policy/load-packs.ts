import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { compileSchema, describeSchemaError, packageRoot } from '../json-schema.js';
import type { Zone } from '../model/zone.js';
import type { Direction, PackRule, PolicyPack, PortSpec } from './pack.js';

/** A pack file that cannot be trusted: unreadable, not JSON, off-schema or self-contradictory. */
export class PackError extends Error {
  override readonly name = 'PackError';

  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/**
 * Loads and validates every policy pack in `dir` (default: the package's own policies/ folder), sorted by id.
 * Throws PackError on the first bad file instead of skipping it: an audit that silently dropped a pack would
 * report the firewall clean for every flow that pack documents.
 */
export function loadPacks(dir?: string): PolicyPack[] {
  const root = packageRoot();
  const packDir = dir ?? join(root, 'policies');
  const validate = compileSchema<PolicyPack>('policies/policy-pack.schema.json');
  const files = readdirSync(packDir)
    .filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json'))
    .sort()
    .map((name) => join(packDir, name));

  const byId = new Map<string, string>();
  const packs = files.map((file) => {
    const shown = displayPath(root, file);
    const pack = loadPack(file, shown, validate);
    const clash = byId.get(pack.id);
    // Site profiles select packs by id, so two files with one id would make the selection ambiguous.
    if (clash !== undefined) throw new PackError(shown, `/id "${pack.id}" is already the id of ${clash}`);
    byId.set(pack.id, shown);
    return pack;
  });
  return packs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function loadPack(file: string, shown: string, validate: ValidateFunction<PolicyPack>): PolicyPack {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PackError(shown, (err as Error).message);
  }
  if (!validate(data)) {
    throw new PackError(shown, describeSchemaError(validate.errors));
  }
  const problems = packProblems(data);
  if (problems.length > 0) throw new PackError(shown, problems.join('; '));
  return data;
}

/** Package files are named relative to the package (policies/x.json); anything else keeps its full path. */
function displayPath(root: string, file: string): string {
  const rel = relative(root, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}

/** One line: the JSON pointer of the offending value, ajv's message, and the detail ajv keeps in params. */
/** What the schema cannot express: references between fields, and port ranges in order. */
function packProblems(pack: PolicyPack): string[] {
  const duplicates = [
    ...duplicateIds(pack.roles.map((role) => role.id), '/roles'),
    ...duplicateIds(pack.rules.map((rule) => rule.id), '/rules'),
  ];
  // References by id mean nothing until ids are unique; checking them would only add follow-on noise.
  if (duplicates.length > 0) return duplicates;

  const zones = new Map(pack.roles.map((role) => [role.id, role.zone]));
  const rules = new Map(pack.rules.map((rule) => [rule.id, rule]));
  return pack.rules.flatMap((rule, i) => {
    const at = `/rules/${i}`;
    return [
      ...roleProblems(rule, at, zones),
      ...directionProblems(rule, at, zones),
      ...rulePortProblems(rule, at),
      ...bidirectionalProblems(rule, at, rules),
      ...sourceProblems(rule, at, pack),
    ];
  });
}

function duplicateIds(ids: string[], at: string): string[] {
  return ids.flatMap((id, i) => {
    const first = ids.indexOf(id);
    return first < i ? [`${at}/${i}/id "${id}" is already used by ${at}/${first}`] : [];
  });
}

function roleProblems(rule: PackRule, at: string, zones: Map<string, Zone>): string[] {
  const refs: [string, string][] = [
    [`${at}/from`, rule.from],
    [`${at}/to`, rule.to],
    ...(rule.anyMayBe ?? []).map((role, j): [string, string] => [`${at}/anyMayBe/${j}`, role]),
  ];
  return refs.filter(([, role]) => !zones.has(role)).map(([where, role]) => `${where} "${role}" is not a role of this pack`);
}

/**
 * The zones each direction may connect, so a pack cannot say "inbound" for a flow between internal hosts.
 * Internal rules also cover hosts beside the Edge on the internal-facing firewall (e.g. Director -> Front End).
 */
const DIRECTION_ZONES: Record<Direction, (from: Zone, to: Zone) => boolean> = {
  inbound: (from, to) => from === 'internet' && to === 'edge-external',
  outbound: (from, to) => from === 'edge-external' && to === 'internet',
  internal: (from, to) => isInsideZone(from) && isInsideZone(to),
};

function isInsideZone(zone: Zone): boolean {
  return zone === 'internal' || zone === 'edge-internal';
}

function directionProblems(rule: PackRule, at: string, zones: Map<string, Zone>): string[] {
  const from = zones.get(rule.from);
  const to = zones.get(rule.to);
  // Unknown roles are already reported by roleProblems.
  if (from === undefined || to === undefined || DIRECTION_ZONES[rule.direction](from, to)) return [];
  return [`${at}/direction "${rule.direction}" does not fit a flow from zone ${from} to zone ${to}`];
}

function rulePortProblems(rule: PackRule, at: string): string[] {
  return [
    ...rangeProblems(rule.ports, `${at}/ports`),
    ...rangeProblems(rule.sourcePorts ?? [], `${at}/sourcePorts`),
    ...(rule.alternatives ?? []).flatMap((alt, j) => [
      ...rangeProblems(alt.ports, `${at}/alternatives/${j}/ports`),
      ...rangeProblems(alt.sourcePorts ?? [], `${at}/alternatives/${j}/sourcePorts`),
    ]),
  ];
}

/** The schema already bounds every port to 0-65535; only the order inside a range is left. */
function rangeProblems(specs: PortSpec[], at: string): string[] {
  return specs.flatMap((spec, i) =>
    Array.isArray(spec) && spec[0] > spec[1] ? [`${at}/${i} range ${spec[0]}-${spec[1]} has low > high`] : [],
  );
}

/** Both rows of a bidirectional flow must name each other and swap endpoints, or the pairing is a typo. */
function bidirectionalProblems(rule: PackRule, at: string, rules: Map<string, PackRule>): string[] {
  if (rule.bidirectionalWith === undefined) return [];
  const where = `${at}/bidirectionalWith`;
  const other = rules.get(rule.bidirectionalWith);
  if (other === undefined || other === rule) return [`${where} "${rule.bidirectionalWith}" is not another rule of this pack`];
  if (other.bidirectionalWith !== rule.id) return [`${where} "${other.id}" does not name "${rule.id}" back`];
  if (other.from !== rule.to || other.to !== rule.from || other.protocol !== rule.protocol) {
    return [`${where} "${other.id}" is not the same ${rule.protocol} flow from ${rule.to} to ${rule.from}`];
  }
  return [];
}

/** A pack transcribes one page, so every rule must cite that page and one of the tables the pack lists. */
function sourceProblems(rule: PackRule, at: string, pack: PolicyPack): string[] {
  const problems: string[] = [];
  if (rule.source.technetId !== pack.source.technetId) {
    problems.push(`${at}/source/technetId "${rule.source.technetId}" is not the pack's page ${pack.source.technetId}`);
  }
  if (!pack.source.tables.includes(rule.source.table)) {
    problems.push(`${at}/source/table "${rule.source.table}" is not listed in /source/tables`);
  }
  return problems;
}
