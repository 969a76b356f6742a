/**
 * The FortiOS vendor model: the configuration tree cut into what each VDOM sees. A single-VDOM configuration is
 * one scope holding every top-level block. A multi-VDOM backup has a `config global` block (interfaces, hostname)
 * and a `config vdom` block whose entries hold each VDOM's own blocks (policies, objects, zones, routes):
 *
 *   config vdom            (first: the list of VDOMs, empty entries)
 *   edit root
 *   next
 *   end
 *   config global
 *   config system interface … end
 *   end
 *   config vdom            (then: each VDOM's configuration)
 *   edit root
 *   config firewall policy … end
 *   next
 *   end
 *
 * Only the blocks edge-audit reads are kept (READ_BLOCKS); the others are listed so the report can say what
 * was not read, with a warning for those that can change which traffic passes (MATTERS_BLOCKS).
 */
import { ConfigError, parseTree, valueOf, type Block, type ConfigTree, type Entry, type HasSettings, type KeepBlock, type SkippedBlock } from './tree.js';

/** Blocks read, by path, in a VDOM's scope or the global one. */
const READ_BLOCKS: ReadonlySet<string> = new Set([
  'system global',
  'system admin',
  'system interface',
  'system zone',
  'system settings',
  'system sdwan',
  'system virtual-wan-link',
  'router static',
  'router static6',
  'firewall address',
  'firewall address6',
  'firewall addrgrp',
  'firewall addrgrp6',
  'firewall service custom',
  'firewall service group',
  'firewall vip',
  'firewall vipgrp',
  'firewall ippool',
  'firewall central-snat-map',
  'firewall policy',
  'firewall policy6',
  'firewall local-in-policy',
  'firewall local-in-policy6',
]);

/** Blocks not read that decide, or can decide, whether traffic passes: each is reported as a warning. */
const MATTERS_BLOCKS: ReadonlyMap<string, string> = new Map([
  ['firewall security-policy', 'NGFW policy-based mode: security policies also decide which traffic passes'],
  ['firewall proxy-policy', 'explicit and transparent proxy policies also decide which proxied traffic passes'],
  ['firewall acl', 'NP ACL entries drop traffic before any firewall policy'],
  ['firewall acl6', 'NP ACL entries drop traffic before any firewall policy'],
  ['firewall DoS-policy', 'DoS policies can drop traffic before any firewall policy'],
  ['firewall DoS-policy6', 'DoS policies can drop traffic before any firewall policy'],
  ['firewall interface-policy', 'interface policies can block traffic on an interface'],
  ['firewall multicast-policy', 'multicast policies decide multicast traffic'],
  ['firewall policy46', 'NAT46 policies decide IPv4-to-IPv6 traffic'],
  ['firewall policy64', 'NAT64 policies decide IPv6-to-IPv4 traffic'],
  ['firewall vip6', 'IPv6 virtual IPs translate destinations of IPv6 policies'],
  ['firewall vip46', 'NAT46 virtual IPs translate destinations'],
  ['firewall vip64', 'NAT64 virtual IPs translate destinations'],
  ['router policy', 'policy routes can send traffic out of another interface than the routing table says'],
]);

export interface Version {
  /** `FGT60F`, `FGVM64`… */
  readonly model: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly line: number;
}

/** One VDOM's view of the configuration. */
export interface Scope {
  /** Absent in a single-VDOM configuration. */
  readonly vdom?: string;
  /** The global blocks (interfaces: each says its VDOM) followed by the VDOM's own; every block for a single VDOM. */
  readonly blocks: readonly Block[];
  /** Blocks of this scope that were not read. */
  readonly skipped: readonly SkippedBlock[];
}

export interface FortiConfig {
  readonly tree: ConfigTree;
  readonly version?: Version;
  readonly hostname?: string;
  /** One per VDOM, in the order `config vdom` lists them; one without `vdom` for a single-VDOM configuration. */
  readonly scopes: readonly Scope[];
  /** Blocks of `config global` (multi-VDOM) that were not read; they concern every VDOM. */
  readonly globalSkipped: readonly SkippedBlock[];
}

/** Read blocks whose entries are read only when converted: the big tables of a large configuration. */
const LAZY_BLOCKS: ReadonlySet<string> = new Set([...READ_BLOCKS].filter((p) => p.startsWith('firewall ')));

const pathKey = (path: readonly string[]): string => path.join(' ');
const isContainer = (path: readonly string[]): boolean => path.length === 1 && (path[0] === 'vdom' || path[0] === 'global');

/** Keeps the containers, the blocks edge-audit reads at scope level, and everything nested in a kept block. */
const keep: KeepBlock = (chain) => {
  const scoped = isContainer(chain[0]!) ? chain.slice(1) : chain;
  if (scoped.length === 0) return chain.length === 1;
  return scoped.length > 1 || READ_BLOCKS.has(pathKey(scoped[0]!));
};

/** Entries of the big tables at scope level stay unread until converted. */
const lazy: KeepBlock = (chain) => {
  const scoped = isContainer(chain[0]!) ? chain.slice(1) : chain;
  return scoped.length === 1 && LAZY_BLOCKS.has(pathKey(scoped[0]!));
};

export function readConfig(text: string): FortiConfig {
  const tree = parseTree(text, keep, lazy);
  const version = versionOf(tree);
  const vdomBlocks = tree.blocks.filter((b) => isContainer(b.path) && b.path[0] === 'vdom');
  const globalBlock = tree.blocks.find((b) => isContainer(b.path) && b.path[0] === 'global');
  const multiVdom = vdomBlocks.length > 0;
  const skippedIn = (from: number, to: number) => tree.skipped.filter((s) => s.line > from && s.line < to);

  let scopes: Scope[];
  let globalSkipped: readonly SkippedBlock[] = [];
  if (!multiVdom) {
    const stray = tree.blocks.find((b) => isContainer(b.path));
    if (stray) throw new ConfigError(stray.line, '"config global" without "config vdom": not a FortiOS multi-VDOM backup');
    scopes = [{ blocks: tree.blocks, skipped: tree.skipped }];
  } else {
    const global = globalBlock?.blocks ?? [];
    globalSkipped = globalBlock ? skippedIn(globalBlock.line, globalBlock.endLine) : [];
    const byName = new Map<string, { blocks: Block[]; skipped: SkippedBlock[] }>();
    for (const vdoms of vdomBlocks) {
      for (const e of vdoms.entries) {
        let scope = byName.get(e.name);
        if (!scope) byName.set(e.name, (scope = { blocks: [...global], skipped: [] }));
        scope.blocks.push(...e.blocks);
        scope.skipped.push(...skippedIn(e.line, e.endLine));
      }
      const direct = vdoms.blocks[0] ?? vdoms.settings[0];
      if (direct) throw new ConfigError(direct.line, 'a block or setting directly under "config vdom": VDOM configuration belongs in "edit <vdom>"');
    }
    scopes = [...byName].map(([vdom, s]) => ({ vdom, ...s }));
  }
  const hostname = valueOf(settingsAt(multiVdom ? (globalBlock?.blocks ?? []) : tree.blocks, 'system global'), 'hostname');
  return { tree, ...(version ? { version } : {}), ...(hostname ? { hostname } : {}), scopes, globalSkipped };
}

/** `#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin`. */
function versionOf(tree: ConfigTree): Version | undefined {
  for (const h of tree.header) {
    const m = /^#config-version=([A-Za-z0-9]+)-(\d+)\.(\d+)\.(\d+)-/.exec(h.text);
    if (m) return { model: m[1]!, major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]), line: h.line };
  }
  return undefined;
}

/** The blocks of a path among `blocks` (a backup has each once; a CLI script may repeat one). */
export function blocksAt(blocks: readonly Block[], path: string): Block[] {
  return blocks.filter((b) => pathKey(b.path) === path);
}

/** The entries of every block of a path in the scope, in file order. */
export function entriesAt(blocks: readonly Block[], path: string): Entry[] {
  return blocksAt(blocks, path).flatMap((b) => b.entries);
}

/** Named objects of one table (`firewall address`): name → entry; a later entry of the same name replaces an earlier one. */
export function tableOf(blocks: readonly Block[], path: string): Map<string, Entry> {
  return new Map(entriesAt(blocks, path).map((e) => [e.name, e]));
}

/** The settings of a block without entries (`config system settings`); when a script repeats the block, the last one wins. */
export function settingsAt(blocks: readonly Block[], path: string): HasSettings {
  return { settings: blocksAt(blocks, path).flatMap((b) => b.settings).reverse() };
}

/** What each skipped block means for the audit: a warning when it can change which traffic passes. */
export function skippedNote(block: SkippedBlock): { level: 'warning' | 'info'; why: string } {
  const why = MATTERS_BLOCKS.get(pathKey(block.path.slice(0, 2)));
  return why ? { level: 'warning', why } : { level: 'info', why: 'it does not decide which traffic a policy permits' };
}
