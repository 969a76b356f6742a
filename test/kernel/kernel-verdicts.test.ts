/**
 * Differential test against the Linux kernel: every shipped iptables fixture (and test/kernel/return-policy.rules,
 * where policies decide after RETURN and goto) is loaded into real network namespaces (test/kernel/netns-lab.sh),
 * one connection-opening packet per probe is sent through it, and the kernel's permit/deny must equal what
 * `edge-audit trace --json` says for the same packet. So must the deciding line, and the path to it (the jumps into
 * the deciding chain, or the goto and RETURN rules that led to a policy), as the kernel's own rule tracing reports
 * them: the kernel decides by the same rule edge-audit names, not merely the same way.
 *
 * Needs root, iproute2, iptables (iptables-restore/-save) and permission to create network namespaces; skipped
 * otherwise. uncertain.rules also needs `ipset`. The deciding lines need iptables-nft and its xtables-monitor (the
 * verdicts alone are compared, with a warning, otherwise). dual-stack.rules is not covered (IPv4 lab only).
 * Runs `node bin/edge-audit`, so dist/ must be built (`npm test` builds it first).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFileP = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'edge-audit');
const lab = join(import.meta.dirname, 'netns-lab.sh');

type Kind = 'network-firewall' | 'edge-host';
type Chain = 'FORWARD' | 'INPUT' | 'OUTPUT';

interface Probe {
  /** Namespace that sends: a host namespace of the lab, or the firewall namespace itself (`edge`) for OUTPUT. */
  readonly ns: string;
  readonly src: string;
  readonly dst: string;
  readonly proto: 'tcp' | 'udp';
  readonly dport: number;
  /** Interfaces of the firewall the packet enters / leaves by (what `trace --in/--out` gets); the lab must agree. */
  readonly in?: string;
  readonly out?: string;
  readonly why: string;
}

const INTERNET = '198.51.100.7';
const PARTNER = '192.0.2.25'; // in the xmpp-partners ipset of uncertain.rules
const STRANGER = '192.0.2.99'; // not in it
const AE1 = '203.0.113.10';
const AE2 = '203.0.113.11';
const EI1 = '10.10.1.10';
const EI2 = '10.10.1.11';
const FE = '10.20.0.5';

const tcp = (ns: string, src: string, dst: string, dport: number, iface: { in?: string; out?: string }, why: string): Probe => ({ ns, src, dst, proto: 'tcp', dport, ...iface, why });
const udp = (ns: string, src: string, dst: string, dport: number, iface: { in?: string; out?: string }, why: string): Probe => ({ ns, src, dst, proto: 'udp', dport, ...iface, why });

// --- network firewall: router with eth0 internet, eth1 Edge external, eth2 Edge internal, eth3 LAN ----------------
const inetToDmz = { in: 'eth0', out: 'eth1' };
const dmzToInet = { in: 'eth1', out: 'eth0' };
const lanToEi = { in: 'eth3', out: 'eth2' };
const eiToLan = { in: 'eth2', out: 'eth3' };
const inetToEi = { in: 'eth0', out: 'eth2' };

/** Run on every network-firewall fixture. */
const NF_CORE: Probe[] = [
  ...[5269, 5061, 443].flatMap((p) => [AE1, AE2].map((ae) => tcp('inet', INTERNET, ae, p, inetToDmz, `Internet -> Access Edge ${p}`))),
  tcp('dmz', AE1, PARTNER, 5061, dmzToInet, 'Access Edge -> Internet 5061'),
  tcp('dmz', AE2, PARTNER, 5269, dmzToInet, 'Access Edge -> Internet 5269'),
  tcp('lan', FE, EI1, 23456, lanToEi, 'Front End -> Edge internal 23456'),
  tcp('lan', FE, EI2, 23456, lanToEi, 'Front End -> Edge internal 23456'),
  tcp('inet', INTERNET, EI1, 23456, inetToEi, 'Internet -> Edge internal 23456'),
  tcp('lan', FE, EI2, 4443, lanToEi, 'Front End -> Edge internal 4443'),
  udp('lan', FE, EI1, 3478, lanToEi, 'Front End -> Edge internal UDP 3478'),
  udp('edgeint', EI2, FE, 3478, eiToLan, 'Edge internal -> Front End UDP 3478 (reverse)'),
  tcp('inet', INTERNET, AE2, 31337, inetToDmz, 'closed port'),
];

// The non-Lync rules, INPUT and the reverse internal flows are the same in every network-firewall fixture:
// probed on the compliant files only. (Destinations on a lab link must exist, so the DNS server is off-link.)
const NF_COMPLIANT: Probe[] = [
  tcp('inet', INTERNET, AE1, 4443, inetToDmz, 'Internet -> Access Edge 4443 (internal-only port)'),
  udp('inet', INTERNET, AE1, 3478, inetToDmz, 'Internet -> Access Edge UDP 3478 (WLM STUN in)'),
  udp('dmz', AE2, INTERNET, 3478, dmzToInet, 'Access Edge -> Internet UDP 3478 (WLM STUN out)'),
  tcp('edgeint', EI1, FE, 5061, eiToLan, 'Edge internal -> Front End 5061'),
  tcp('edgeint', EI2, FE, 23456, eiToLan, 'Edge internal -> Front End 23456 (wrong way)'),
  udp('dmz', AE2, '192.0.2.53', 53, dmzToInet, 'DNS from DMZ (udp)'),
  tcp('lan', '10.20.5.20', INTERNET, 443, { in: 'eth3', out: 'eth0' }, 'web proxy -> Internet 443'),
  tcp('lan', FE, INTERNET, 443, { in: 'eth3', out: 'eth0' }, 'Front End (not the proxy) -> Internet 443'),
  tcp('lan', '10.99.0.5', '10.20.0.1', 22, { in: 'eth3' }, 'mgmt-ssh to the router (INPUT)'),
  tcp('inet', INTERNET, '198.51.100.1', 22, { in: 'eth0' }, 'ssh to the router from the Internet (INPUT)'),
];

/** Extra probes for a fixture's own defect. */
const NF_EXTRA: Record<string, Probe[]> = {
  'compliant.rules': NF_COMPLIANT,
  'nat.rules': [
    tcp('dmz', '172.16.1.10', PARTNER, 5269, dmzToInet, 'nat: Access Edge (private address) -> Internet 5269'),
    tcp('dmz', '172.16.1.11', PARTNER, 5061, dmzToInet, 'nat: Access Edge (private address) -> Internet 5061'),
    tcp('inet', INTERNET, AE1, 4443, inetToDmz, 'nat: Internet -> Access Edge 4443 (not published)'),
    tcp('inet', INTERNET, '172.16.1.10', 5269, inetToDmz, 'nat: Internet -> the private address itself (no DNAT, still permitted by LYNC-EXT)'),
  ],
  'compliant-counters.rules': NF_COMPLIANT,
  'any-service.rules': [
    tcp('inet', INTERNET, AE1, 5062, inetToDmz, 'any-service: 5062 to .10'),
    tcp('inet', INTERNET, AE2, 5062, inetToDmz, 'any-service: 5062 to .11 (not opened)'),
    udp('inet', INTERNET, AE1, 50001, inetToDmz, 'any-service: UDP 50001 to .10'),
    udp('inet', INTERNET, AE1, 3478, inetToDmz, 'any-service: UDP 3478 to .10'),
    tcp('inet', INTERNET, AE1, 31337, inetToDmz, 'any-service: closed port to .10'),
    tcp('dmz', AE1, INTERNET, 31337, dmzToInet, 'any-service is inbound only'),
  ],
  'wrong-direction.rules': [
    tcp('dmz', AE1, INTERNET, 443, dmzToInet, 'wrong-direction: 443 out from .10'),
    tcp('dmz', AE2, INTERNET, 443, dmzToInet, 'wrong-direction: 443 out from .11'),
  ],
  'obsolete-wlm.rules': [
    tcp('dmz', AE2, INTERNET, 50000, dmzToInet, 'WLM RTP out, low end'),
    tcp('dmz', AE1, INTERNET, 59999, dmzToInet, 'WLM RTP out, high end'),
    tcp('dmz', AE1, INTERNET, 60000, dmzToInet, 'just above the WLM RTP range'),
    udp('inet', INTERNET, AE2, 3478, inetToDmz, 'WLM STUN in'),
    udp('dmz', AE1, INTERNET, 3478, dmzToInet, 'WLM STUN out'),
  ],
  'exposed-23456.rules': [
    tcp('inet', INTERNET, EI2, 23456, inetToEi, 'Internet -> second Edge internal 23456'),
    tcp('inet', INTERNET, EI1, 23457, inetToEi, 'next port after 23456'),
    tcp('dmz', AE1, EI1, 23456, { in: 'eth1', out: 'eth2' }, 'DMZ -> Edge internal 23456 (rule says -i eth0)'),
  ],
  'shadowed.rules': [
    tcp('dmz', AE2, PARTNER, 5061, dmzToInet, 'outbound 5061 is not shadowed'),
    tcp('inet', INTERNET, FE, 5061, { in: 'eth0', out: 'eth3' }, 'REJECT rule has no -o, but only LYNC-EXT reaches it'),
  ],
  'uncertain.rules': [
    tcp('inet', STRANGER, AE2, 5269, inetToDmz, 'non-partner -> .11 5269'),
    tcp('inet', PARTNER, AE1, 5269, inetToDmz, 'XMPP partner -> .10 5269'),
  ],
};

// --- Edge host: eth0 external 203.0.113.10, eth1 internal 10.10.1.10 ---------------------------------------------
const EH_PROBES: Probe[] = [
  ...[443, 5061, 5269].map((p) => tcp('inet', INTERNET, AE1, p, { in: 'eth0' }, `Internet -> Access Edge ${p}`)),
  tcp('inet', INTERNET, AE1, 23456, { in: 'eth0' }, 'Internet -> Access Edge 23456'),
  tcp('inet', INTERNET, EI1, 23456, { in: 'eth0' }, 'Internet -> Edge internal address 23456 via eth0'),
  udp('inet', INTERNET, AE1, 3478, { in: 'eth0' }, 'Internet -> Access Edge UDP 3478'),
  tcp('inet', INTERNET, AE1, 31337, { in: 'eth0' }, 'closed port'),
  tcp('lan', FE, EI1, 23456, { in: 'eth1' }, 'Front End -> Edge internal 23456'),
  tcp('lan', FE, EI1, 4443, { in: 'eth1' }, 'Front End -> Edge internal 4443'),
  udp('lan', FE, EI1, 3478, { in: 'eth1' }, 'Front End -> Edge internal UDP 3478'),
  tcp('lan', '10.99.0.5', EI1, 23456, { in: 'eth1' }, 'management net (not Front End) -> 23456'),
  tcp('edge', AE1, INTERNET, 5061, { out: 'eth0' }, 'Access Edge -> Internet 5061'),
  tcp('edge', AE1, INTERNET, 5269, { out: 'eth0' }, 'Access Edge -> Internet 5269'),
  udp('edge', AE1, INTERNET, 3478, { out: 'eth0' }, 'Access Edge -> Internet UDP 3478'),
  tcp('edge', EI1, FE, 5061, { out: 'eth1' }, 'Edge internal -> Front End 5061'),
  tcp('edge', EI1, FE, 23456, { out: 'eth1' }, 'Edge internal -> Front End 23456 (wrong way)'),
];

/** Edge-host probes for the rules every edge-host fixture shares: compliant.rules only. */
const EH_COMPLIANT: Probe[] = [
  tcp('lan', '10.99.0.5', EI1, 3389, { in: 'eth1' }, 'mgmt-rdp'),
  tcp('lan', FE, AE1, 5061, { in: 'eth1' }, 'Front End -> external address via eth1 (rule says -i eth0)'),
  tcp('edge', AE1, INTERNET, 443, { out: 'eth0' }, 'Access Edge -> Internet 443'),
  udp('edge', AE1, '198.51.100.53', 53, { out: 'eth0' }, 'DNS out'),
  tcp('edge', EI1, INTERNET, 5061, { out: 'eth0' }, 'internal address out of eth0 (rule says -s 203.0.113.10)'),
];

/** Probes whose edge-audit answer must be uncertain (the kernel's answer is then only reported). */
const expectUncertain = (fixture: string, p: Probe) =>
  fixture === 'network-firewall/uncertain.rules' && p.proto === 'tcp' && p.dport === 5269 && p.in === 'eth0' && p.out === 'eth1';

/** test/kernel/return-policy.rules (made by return-policy.sh): what comes back to a built-in chain meets its policy. */
const RETURN_POLICY: Probe[] = [
  tcp('inet', INTERNET, AE1, 31337, inetToDmz, 'RETURN in FORWARD: policy DROP'),
  tcp('inet', INTERNET, AE1, 443, inetToDmz, 'goto LYNC-EXT, ACCEPT there'),
  tcp('inet', INTERNET, AE1, 5061, inetToDmz, 'goto LYNC-EXT, RETURN there: policy DROP, not the ACCEPT after the goto'),
  tcp('inet', INTERNET, AE2, 5269, inetToDmz, 'goto LYNC-EXT, call FED, RETURN there, end of LYNC-EXT: policy DROP'),
  tcp('inet', INTERNET, AE1, 5269, inetToDmz, 'goto LYNC-EXT, call FED, ACCEPT there'),
  tcp('dmz', AE1, INTERNET, 5061, dmzToInet, 'call LYNC-EXT, RETURN there, end of FORWARD: policy DROP'),
  tcp('dmz', AE1, INTERNET, 443, dmzToInet, 'call LYNC-EXT, back in FORWARD: ACCEPT'),
  tcp('dmz', AE1, INTERNET, 5269, dmzToInet, 'call LYNC-EXT, call FED and back, ACCEPT in LYNC-EXT'),
  tcp('inet', INTERNET, '198.51.100.1', 22, { in: 'eth0' }, 'RETURN in INPUT: policy ACCEPT'),
  tcp('inet', INTERNET, '198.51.100.1', 23, { in: 'eth0' }, 'INPUT DROP rule'),
];

const IPSETS: Record<string, string[]> = { 'network-firewall/uncertain.rules': ['xmpp-partners=198.51.100.0/24,192.0.2.25'] };

// --- can this machine run the lab? ------------------------------------------------------------------------------
function run(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
}
const has = (cmd: string) => run('sh', ['-c', `command -v ${cmd}`]).status === 0;

function labUnavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root';
  const missing = ['ip', 'iptables', 'iptables-save', 'iptables-restore', 'bash'].filter((c) => !has(c));
  if (missing.length) return `missing ${missing.join(', ')} (apt-get install iproute2 iptables)`;
  const ns = `ea-k-${process.pid}-check`;
  const add = run('ip', ['netns', 'add', ns]);
  if (add.status !== 0) return `cannot create a network namespace: ${(add.stderr || add.error?.message || '').trim()}`;
  try {
    for (const table of ['raw', 'security']) {
      const r = run('ip', ['netns', 'exec', ns, 'iptables', '-t', table, '-S']);
      if (r.status !== 0) return `iptables -t ${table} does not work in a namespace: ${r.stderr.trim()}`;
    }
    // The matches the fixtures use (conntrack, iprange, multiport, comment, limit, LOG) must exist in this kernel.
    const sample = join(repo, 'fixtures', 'iptables', 'network-firewall', 'compliant.rules');
    const r = spawnSync('ip', ['netns', 'exec', ns, 'iptables-restore', sample], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) return `iptables-restore of compliant.rules fails in a namespace: ${(r.stderr || r.error?.message || '').trim()}`;
  } finally {
    run('ip', ['netns', 'del', ns]);
  }
  return null;
}

const unavailable = labUnavailable();
const noIpset = unavailable === null && !has('ipset');
if (unavailable) console.warn(`kernel-verdicts: SKIPPED, the kernel lab cannot run here: ${unavailable}`);

// --- the differential run -----------------------------------------------------------------------------------------
interface TraceJson {
  decision: 'permit' | 'deny';
  rule: { file: string; line: number; text: string } | null;
  path: { filter: string; decision: string; rule: { line: number } | null; default: boolean }[];
  uncertain: unknown[];
}
interface KernelLine {
  chain: Chain;
  in: string;
  out: string;
  kernel: 'permit' | 'deny' | 'error';
  /** The filter-table trace events (netns-lab.sh's trace=), '-' when the kernel's rule tracing is not available. */
  trace: string;
  /** What netns-lab.sh wrote to stderr about this probe (why it is an error). */
  note?: string;
}
interface Row {
  probe: Probe;
  sport: number;
  kernel: KernelLine;
  audit: TraceJson;
}

/** `file` is relative to the repository. */
const fixtures: { name: string; file: string; kind: Kind; probes: Probe[] }[] = [
  ...(['network-firewall', 'edge-host'] as const).flatMap((kind) =>
    readdirSync(join(repo, 'fixtures', 'iptables', kind))
      .filter((f) => f.endsWith('.rules') && f !== 'dual-stack.rules')
      .sort()
      .map((f) => ({
        name: `${kind}/${f}`,
        file: `fixtures/iptables/${kind}/${f}`,
        kind,
        probes: kind === 'edge-host' ? [...EH_PROBES, ...(f === 'compliant.rules' ? EH_COMPLIANT : [])] : [...NF_CORE, ...(NF_EXTRA[f] ?? [])],
      })),
  ),
  { name: 'return-policy.rules', file: 'test/kernel/return-policy.rules', kind: 'network-firewall', probes: RETURN_POLICY },
];
const runnable = fixtures.filter((f) => !(noIpset && IPSETS[f.name]));
const sportOf = (i: number) => 40001 + i;

async function pool<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return out;
}

async function trace(file: string, p: Probe, sport: number): Promise<TraceJson> {
  const args = ['trace', file, '--src', p.src, '--dst', p.dst, '--proto', p.proto, '--sport', String(sport), '--dport', String(p.dport)];
  if (p.in) args.push('--in', p.in);
  if (p.out) args.push('--out', p.out);
  const { stdout } = await execFileP(process.execPath, [bin, ...args, '--json'], { cwd: repo });
  return JSON.parse(stdout) as TraceJson;
}

const LINE = /^probe (\d+) .*chain=(\w+) in=(\S+) out=(\S+) kernel=(permit|deny|error) trace=(\S+)$/;

async function kernel(dir: string, f: (typeof fixtures)[number]): Promise<KernelLine[]> {
  const probesFile = join(dir, `${f.name.replace('/', '_')}.probes`);
  writeFileSync(probesFile, f.probes.map((p, i) => `${p.ns} ${p.src} ${p.dst} ${p.proto} ${p.dport} ${sportOf(i)}\n`).join(''));
  const ipsets = (IPSETS[f.name] ?? []).flatMap((s) => ['--ipset', s]);
  const { stdout, stderr } = await execFileP('bash', [lab, ...ipsets, f.kind, join(repo, f.file), probesFile], {
    env: { ...process.env, EA_NODE: process.execPath },
    timeout: 60_000,
  });
  const lines: KernelLine[] = [];
  for (const l of stdout.split('\n').filter(Boolean)) {
    const m = LINE.exec(l);
    if (!m) throw new Error(`netns-lab.sh: unexpected output line: ${l}`);
    lines[Number(m[1]) - 1] = { chain: m[2] as Chain, in: m[3]!, out: m[4]!, kernel: m[5] as KernelLine['kernel'], trace: m[6]! };
  }
  for (const m of stderr.matchAll(/^netns-lab: probe (\d+):? (.*)$/gm)) {
    const line = lines[Number(m[1]) - 1];
    if (line) line.note = m[2];
  }
  if (lines.length !== f.probes.length || lines.includes(undefined as never)) throw new Error(`netns-lab.sh answered ${lines.length} of ${f.probes.length} probes for ${f.name}`);
  return lines;
}

// --- the deciding line and the path to it, as the kernel traced them -------------------------------------------------
/** One step of a trace path, written as `CHAIN permit|deny|jump|return LINE[ default]` for readable differences. */
type Step = string;

/** Where each rule (the K-th `-A CHAIN`) and each policy (`:CHAIN POLICY`) of the *filter table sits in the file. */
function filterLines(file: string): { rules: Map<string, number[]>; policies: Map<string, number> } {
  const rules = new Map<string, number[]>();
  const policies = new Map<string, number>();
  let inFilter = false;
  readFileSync(join(repo, file), 'utf8').split('\n').forEach((text, i) => {
    if (text.startsWith('*')) inFilter = text === '*filter';
    if (!inFilter) return;
    const chain = /^:(\S+) /.exec(text)?.[1];
    if (chain) policies.set(chain, i + 1);
    const ruleChain = /^(?:\[\d+:\d+\] )?-A (\S+) /.exec(text)?.[1];
    if (ruleChain) rules.set(ruleChain, [...(rules.get(ruleChain) ?? []), i + 1]);
  });
  return { rules, policies };
}

/**
 * The path edge-audit's trace reports, rebuilt from the kernel's events: the call/goto rules leading into the chain
 * whose rule decided, or, when a policy decided, the goto and RETURN rules that brought the packet back to it.
 * The kernel reports no event where a user chain ends, so the chain of the next event says where the packet went.
 */
function kernelPath(trace: string, file: string): Step[] {
  const { rules, policies } = filterLines(file);
  const line = (chain: string, pos: string) => {
    const n = rules.get(chain)?.[Number(pos) - 1];
    if (n === undefined) throw new Error(`the kernel names rule ${pos} of ${chain}, which ${file} does not have (or not one alone)`);
    return n;
  };
  const frames: { chain: string; pos: string; goto: boolean }[] = [];
  const jump = (f: (typeof frames)[number]): Step => `${f.chain} jump ${line(f.chain, f.pos)}`;
  const events = trace.split(',');
  const base = /^[^#:]+/.exec(events[0]!)![0];
  let current = base;
  let returning: Step[] = [];
  // Leaving the current chain: out of every chain entered by goto, then back after the call that entered the last
  // one; with no call left, to the built-in chain's policy, through the goto rules and the RETURN (if any).
  const back = (byReturn?: Step) => {
    const gotos: (typeof frames)[number][] = [];
    while (frames.at(-1)?.goto) gotos.unshift(frames.pop()!);
    const call = frames.pop();
    current = call?.chain ?? base;
    returning = call ? [] : [...gotos.map(jump), ...(byReturn ? [byReturn] : [])];
  };
  for (const event of events) {
    const [, chain, pos, verdict] = /^([^#:]+)(?:#([^:]+))?:(.+)$/.exec(event) ?? [];
    if (!chain || !verdict) throw new Error(`unreadable kernel trace event "${event}"`);
    while (chain !== current && frames.length > 0) back();
    if (chain !== current) throw new Error(`kernel trace event "${event}" in no chain the packet was in (${trace})`);
    if (pos === undefined) return [...returning, `${chain} ${verdict === 'policy:ACCEPT' ? 'permit' : 'deny'} ${policies.get(chain)} default`];
    const target = /^(JUMP|GOTO):(.+)$/.exec(verdict);
    if (target) {
      frames.push({ chain, pos, goto: target[1] === 'GOTO' });
      current = target[2]!;
    } else if (verdict === 'RETURN') {
      back(`${chain} return ${line(chain, pos)}`);
    } else {
      return [...frames.map(jump), `${chain} ${verdict === 'ACCEPT' ? 'permit' : 'deny'} ${line(chain, pos)}`];
    }
  }
  throw new Error(`the kernel trace ends without a decision (${trace})`);
}

const auditPath = (t: TraceJson): Step[] => t.path.map((s) => `${s.filter} ${s.decision} ${s.rule?.line ?? '-'}${s.default ? ' default' : ''}`);

const describeLab = describe.skipIf(unavailable !== null);

describeLab('kernel verdicts (network namespaces) equal edge-audit trace', () => {
  const results = new Map<string, Row[]>();
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ea-kernel-'));
    // Traces (CPU-bound node processes) run in a pool while the labs run one after another beside it.
    const traceTasks = runnable.flatMap((f) => f.probes.map((p, i) => () => trace(f.file, p, sportOf(i)).then((t) => ({ f: f.name, i, t }))));
    const traces = pool(traceTasks, Math.max(2, availableParallelism()));
    const labs = (async () => {
      const out = new Map<string, KernelLine[]>();
      for (const f of runnable) out.set(f.name, await kernel(dir, f));
      return out;
    })();
    const [ts, ks] = await Promise.all([traces, labs]);
    for (const f of runnable) {
      const k = ks.get(f.name)!;
      results.set(
        f.name,
        f.probes.map((probe, i) => ({ probe, sport: sportOf(i), kernel: k[i]!, audit: ts.find((t) => t.f === f.name && t.i === i)!.t })),
      );
    }
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    let agree = 0;
    let compared = 0;
    let uncertain = 0;
    for (const [name, rows] of results) {
      const cmp = rows.filter((r) => r.audit.uncertain.length === 0);
      const ok = cmp.filter((r) => r.audit.decision === r.kernel.kernel).length;
      agree += ok;
      compared += cmp.length;
      uncertain += rows.length - cmp.length;
      const unsure = rows.filter((r) => r.audit.uncertain.length > 0).map((r) => `${r.probe.src}->${r.probe.dst}:${r.probe.dport} kernel=${r.kernel.kernel}`);
      console.log(`kernel-verdicts: ${name}: ${ok}/${cmp.length} agree${unsure.length ? `; uncertain in edge-audit (kernel informative): ${unsure.join(', ')}` : ''}`);
    }
    console.log(`kernel-verdicts: total ${agree}/${compared} probes agree, ${uncertain} uncertain`);
    const traced = [...results.values()].flat().filter((r) => r.kernel.trace !== '-' && r.kernel.trace !== 'none' && r.audit.uncertain.length === 0).length;
    console.log(`kernel-verdicts: deciding line and path compared on ${traced} probes`);
    const untraced = [...results.values()].flat().filter((r) => r.kernel.trace === '-').length;
    if (untraced > 0) console.warn(`kernel-verdicts: deciding lines NOT compared for ${untraced} probes: the kernel's rule tracing needs iptables-nft and xtables-monitor`);
  });

  it('covers every IPv4 fixture (dual-stack.rules excepted)', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(14);
  });

  for (const f of fixtures) {
    const skip = noIpset && IPSETS[f.name] !== undefined;
    if (skip) console.warn(`kernel-verdicts: ${f.name} SKIPPED: needs the ipset command (apt-get install ipset)`);
    it.skipIf(skip)(`${f.name}: the kernel and edge-audit trace agree on every probe`, () => {
      const rows = results.get(f.name);
      expect(rows, 'no results (beforeAll failed?)').toBeDefined();
      const problems: string[] = [];
      for (const r of rows!) {
        const p = r.probe;
        const what = `${p.ns} ${p.proto} ${p.src}:${r.sport} -> ${p.dst}:${p.dport} (${p.why})`;
        const chain: Chain = p.in && p.out ? 'FORWARD' : p.in ? 'INPUT' : 'OUTPUT';
        if (r.kernel.kernel === 'error') problems.push(`${what}: kernel=error: ${r.kernel.note ?? 'the lab lost the packet'}`);
        if (r.kernel.chain !== chain || r.kernel.in !== (p.in ?? '-') || r.kernel.out !== (p.out ?? '-'))
          problems.push(`${what}: lab topology mismatch: kernel path ${r.kernel.chain} in=${r.kernel.in} out=${r.kernel.out}, probe says ${chain} in=${p.in ?? '-'} out=${p.out ?? '-'}`);
        const unsure = r.audit.uncertain.length > 0;
        if (expectUncertain(f.name, p)) {
          if (!unsure) problems.push(`${what}: edge-audit should be uncertain (ipset match) but says ${r.audit.decision} for sure; kernel=${r.kernel.kernel}`);
        } else if (unsure) {
          problems.push(`${what}: edge-audit unexpectedly uncertain (${JSON.stringify(r.audit.uncertain)}); kernel=${r.kernel.kernel}`);
        } else if (r.kernel.kernel !== 'error' && r.audit.decision !== r.kernel.kernel) {
          const rule = r.audit.rule ? `${r.audit.rule.file}:${r.audit.rule.line} ${r.audit.rule.text}` : 'default policy';
          problems.push(`${what}: DISAGREEMENT kernel=${r.kernel.kernel} edge-audit=${r.audit.decision} (by ${rule})`);
        } else if (r.kernel.trace === 'none') {
          problems.push(`${what}: the kernel's rule tracing reported nothing for this packet`);
        } else if (r.kernel.trace !== '-' && r.kernel.kernel !== 'error') {
          let kernelSteps: Step[];
          try {
            kernelSteps = kernelPath(r.kernel.trace, f.file);
          } catch (e) {
            problems.push(`${what}: ${(e as Error).message}`);
            continue;
          }
          const audit = auditPath(r.audit);
          if (kernelSteps.at(-1) !== audit.at(-1)) problems.push(`${what}: DECIDING LINE kernel "${kernelSteps.at(-1)}", edge-audit "${audit.at(-1)}"`);
          else if (kernelSteps.join(', ') !== audit.join(', ')) problems.push(`${what}: PATH kernel [${kernelSteps.join(', ')}], edge-audit [${audit.join(', ')}]`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
