/**
 * `show access-list` output: every access-list with numbered lines, hit counts and hashes, and under each
 * entry that names objects its expansion into concrete entries.
 *
 *   access-list outside_access_in; 3 elements; name hash: 0x6892a938
 *   access-list outside_access_in line 1 remark Lync federation
 *   access-list outside_access_in line 2 extended permit tcp any4 object-group EDGE eq 5061 (hitcnt=12) 0x8d1a1a4f
 *     access-list outside_access_in line 2 extended permit tcp any4 host 10.10.0.10 eq 5061 (hitcnt=6) 0x1f36ebd3
 *     access-list outside_access_in line 2 extended permit tcp any4 host 10.10.0.11 eq 5061 (hitcnt=6) 0x2ff4e5c3
 *
 * The object definitions are not in this output, so an entry that names objects is read from its expansion;
 * an entry that can be read by itself is read so, and its expansion only checked against it. Hit counts and
 * hashes are ignored.
 *
 * What this output lacks: interfaces, security levels, which access-group applies which list, routes and NAT.
 * The choices made for it, each stated in a diagnostic:
 * - An access-list named as ASDM names them, `NAMEIF_access_in` / `NAMEIF_access_out`, is taken to be applied
 *   in / out on that interface. Flows entering on any other interface meet an `unknown` rule: their inbound
 *   access-list is not in the export, so their verdicts are uncertain, never assumed.
 * - When no list is named that way (a single exported list, custom names), every list is taken to filter all
 *   forwarded traffic: each one must permit a flow. That is right for one list and reported as an assumption.
 * Lists that are not placed by name while others are stay unattached: they may be VPN or NAT lists, which
 * would block everything if read as filters.
 */
import { basename, extname } from 'node:path';
import type { AddressSet, Family } from '../../src/model/address-set.js';
import { headerSpace, subtractFlows, type HeaderSpace } from '../../src/model/header-space.js';
import type { Device, Diagnostic, Filter, NetworkInterface, Rule } from '../../src/model/rule-graph.js';
import { parseAce, type Ace, type AceContext } from './acl.js';
import { aclRules } from './acl-rules.js';
import { ANY, type Names } from './addresses.js';
import { restOfLine, type Command, type ConfigLine, type ConfigText } from './config-lines.js';
import { ASA_VENDOR, type Acl } from './model.js';
import { ObjectError, ObjectTable } from './objects.js';

const HEADER = /^access-list (\S+); \d+ elements;/;
const ASDM_NAME = /^(.+)_access_(in|out)$/;
const EVERY_FLOW = [headerSpace({})];
const INBOUND_STAGE = 10;
const OUTBOUND_STAGE = 30;

export function isShowAccessList(text: ConfigText): boolean {
  return text.commands.some((c) => HEADER.test(c.head.text) || c.head.text.includes('(hitcnt='));
}

export function readShowAccessList(text: ConfigText, file: string): Device {
  const diagnostics: Diagnostic[] = [];
  const acls = new Map<string, Acl & { remarks: string[] }>();
  const headers = new Map<string, ConfigLine>();
  const ctx = emptyContext();
  for (const command of text.commands) {
    const { head } = command;
    const header = HEADER.exec(head.text);
    if (header) {
      headers.set(header[1]!, head);
      continue;
    }
    const [verb, name, lineWord, number, type] = head.words;
    if (verb === 'access-list' && name === 'cached') continue; // the log-flow cache summary
    if (verb !== 'access-list' || lineWord !== 'line' || !/^\d+$/.test(number ?? '') || !name) {
      if (!/#\s*show /.test(head.text)) diagnostics.push({ line: head.line, level: 'warning', message: `"${head.text.trim()}" is not understood` });
      continue;
    }
    let acl = acls.get(name);
    if (!acl) acls.set(name, (acl = { name, entries: [], firstLine: head, remarks: [] }));
    if (type === 'remark') {
      acl.remarks.push(restOfLine(head, 5));
    } else if (type === 'extended') {
      const ace = readEntry(command, ctx, diagnostics);
      acl.entries.push({ number: Number(number), line: head, ace, ...(acl.remarks.length ? { remark: acl.remarks.join(' / ') } : {}) });
      acl.remarks = [];
    } else {
      diagnostics.push({ line: head.line, level: 'info', message: `${type ?? 'an'} entry of ${name} is not a packet filter for this audit: skipped` });
    }
  }
  if (acls.size === 0) throw new ObjectError(0, 'show access-list output without any access-list entry');
  return device(acls, headers, file, diagnostics);
}

/** Words without the counters and hash `show access-list` appends: `(hitcnt=N)`, `(inactive)`, `0x1f36ebd3`. */
function entryWords(line: ConfigLine): string[] {
  return line.words.filter((w) => !/^\(hitcnt=\d+\)$/.test(w) && w !== '(inactive)' && !/^0x[0-9a-f]+$/i.test(w));
}

/** An entry, from its own words when it names no objects, else from its expansion (the indented lines). */
function readEntry(command: Command, ctx: AceContext, diagnostics: Diagnostic[]): Ace {
  const { head, children } = command;
  const own = tryAce(head, ctx);
  const expanded = children.map((c) => {
    const ace = tryAce(c, ctx);
    if (ace instanceof ObjectError) throw new ObjectError(c.line, `expanded entry cannot be read: ${ace.message}`);
    return ace;
  });
  if (!(own instanceof ObjectError)) {
    if (expanded.length > 0 && !sameFlows(own.flows, expanded.flatMap((e) => e.flows))) {
      diagnostics.push({ line: head.line, level: 'warning', message: 'the expanded lines under this entry match other flows than the entry itself; the entry was read as written' });
    }
    return own;
  }
  if (expanded.length === 0) {
    // Objects with no expansion (an empty group, or output cut short): what the entry matches is unknown.
    diagnostics.push({ line: head.line, level: 'warning', message: `${own.message}, and the output has no expanded lines for it: the entry is uncertain` });
    return { action: head.words[5] === 'deny' ? 'deny' : 'permit', flows: EVERY_FLOW, uncertain: [`its objects are not in show access-list output (${own.message})`], inactive: head.words.includes('inactive') };
  }
  return {
    action: expanded[0]!.action,
    flows: expanded.flatMap((e) => e.flows),
    uncertain: [...new Set(expanded.flatMap((e) => e.uncertain))],
    inactive: expanded.every((e) => e.inactive),
  };
}

function tryAce(line: ConfigLine, ctx: AceContext): Ace | ObjectError {
  try {
    return parseAce(entryWords(line), 5, ctx, line);
  } catch (e) {
    if (e instanceof ObjectError) return e;
    throw e;
  }
}

function sameFlows(a: readonly HeaderSpace[], b: readonly HeaderSpace[]): boolean {
  return subtractFlows(a, b).length === 0 && subtractFlows(b, a).length === 0;
}

function emptyContext(): AceContext {
  const names: Names = new Map();
  return { objects: new ObjectTable(names), names, any: ANY, interfaceAddresses: () => undefined };
}

function device(acls: Map<string, Acl>, headers: Map<string, ConfigLine>, file: string, diagnostics: Diagnostic[]): Device {
  const filters = new Map<string, Filter>();
  const origin = (line: ConfigLine) => ({ file, line: line.line, text: line.text });
  const placed = [...acls.values()].filter((a) => ASDM_NAME.test(a.name));
  const aclFilter = (acl: Acl): Filter => {
    const start = origin(headers.get(acl.name) ?? acl.firstLine);
    return { id: `acl/${acl.name}`, name: acl.name, model: 'first-match', rules: aclRules(acl, file, diagnostics), defaultAction: 'deny', defaultOrigin: start, origin: start };
  };
  const interfaces = new Set<string>();
  const notes: string[] = [];
  if (placed.length === 0) {
    for (const acl of acls.values()) filters.set(`acl/${acl.name}`, { ...aclFilter(acl), attachment: { hooks: ['forward'], stage: INBOUND_STAGE } });
    notes.push(`no access-list is named NAMEIF_access_in/out, so each one (${[...acls.keys()].join(', ')}) is assumed to filter all forwarded traffic`);
  } else {
    const dispatch: Rule[] = [];
    for (const acl of placed) {
      const [, nameif, direction] = ASDM_NAME.exec(acl.name)!;
      interfaces.add(nameif!);
      const filter = aclFilter(acl);
      if (direction === 'out') {
        filters.set(filter.id, { ...filter, attachment: { hooks: ['forward'], stage: OUTBOUND_STAGE, outInterface: nameif! } });
        continue;
      }
      filters.set(filter.id, filter);
      const at = origin(headers.get(acl.name) ?? acl.firstLine);
      dispatch.push({ id: `inbound/${nameif}`, action: { type: 'goto', filter: filter.id }, match: { flows: EVERY_FLOW, inInterface: { names: [nameif!], negated: false } }, enabled: true, uncertain: [], origin: at });
    }
    const inbound = [...interfaces].filter((n) => acls.has(`${n}_access_in`));
    const first = origin(placed[0]!.firstLine);
    dispatch.push({
      id: 'inbound/other-interfaces',
      action: { type: 'unknown', target: 'the access-group of the ingress interface (not in show access-list output)' },
      match: { flows: EVERY_FLOW, inInterface: { names: inbound, negated: true } },
      enabled: true,
      uncertain: ['which access-list (or security level) filters traffic entering on this interface is not in show access-list output'],
      origin: first,
    });
    filters.set('inbound', { id: 'inbound', name: 'inbound access-groups (assumed from ASDM names)', model: 'first-match', rules: dispatch, defaultAction: 'deny', attachment: { hooks: ['forward'], stage: INBOUND_STAGE }, origin: first });
    notes.push(`access-lists named NAMEIF_access_in/out are assumed applied in/out on NAMEIF (${placed.map((a) => a.name).join(', ')}); traffic entering on other interfaces is uncertain`);
    for (const acl of acls.values()) {
      if (!ASDM_NAME.test(acl.name)) diagnostics.push({ line: acl.firstLine.line, level: 'info', message: `${acl.name} is not named NAMEIF_access_in/out, so where it applies is unknown: it is not attached` });
    }
  }
  diagnostics.push({ line: 0, level: 'warning', message: `show access-list output holds only access-lists: interfaces, security levels, access-groups, routes and NAT are unknown; ${notes.join('; ')}` });
  diagnostics.sort((a, b) => a.line - b.line);
  const interfaceList: NetworkInterface[] = [...interfaces].sort().map((name) => ({ name, zone: name }));
  return { name: basename(file, extname(file)), vendor: ASA_VENDOR, appliance: true, file, families: familiesOf(filters), interfaces: interfaceList, filters, nat: [], diagnostics };
}

/** IPv4, and IPv6 when some entry names IPv6 addresses. */
function familiesOf(filters: Map<string, Filter>): Family[] {
  const namesV6 = (a: AddressSet) => !a.v6.isEmpty() && !a.v6.isFull();
  const v6 = [...filters.values()].some((f) => f.rules.some((r) => r.match.flows.some((h) => namesV6(h.src) || namesV6(h.dst))));
  return v6 ? ['ipv4', 'ipv6'] : ['ipv4'];
}
