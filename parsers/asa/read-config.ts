/**
 * The commands of a running-config → the ASA vendor model (model.ts).
 *
 * Two passes: the first reads what other commands refer to (names, objects and groups, interfaces, the
 * version), the second the commands that refer to them (access-lists, access-groups, routes, management
 * access, NAT). Commands that cannot change which traffic passes (VPN, AAA, logging, …) are skipped with at
 * most one info diagnostic per command; commands that might, but are not modelled, get a warning each.
 */
import { AddressSet, type Family } from '../../src/model/address-set.js';
import type { Diagnostic } from '../../src/model/rule-graph.js';
import { parseAce, type AceContext } from './acl.js';
import { ANY, ANY4, ANY6, hostAddress, ipv6Prefix, isIpv4, isIpv6Prefix, networkAddress } from './addresses.js';
import { restOfLine, type Command, type ConfigLine, type ConfigText } from './config-lines.js';
import type { AccessGroup, Acl, AsaConfig, AsaInterface, AsaManagementAccess, AsaRoute, AsaVersion, Translation } from './model.js';
import { inLookupOrder, legacyDynamic, legacyStatic, objectNat, twiceNat, type NatContext } from './nat.js';
import { asObjectError, need, ObjectError, ObjectTable } from './objects.js';
import { keywords } from '../../src/model/keywords.js';

/**
 * Recognized commands that do not decide which traffic crosses the firewall, with what they are about.
 * (`ssh`, `http` and `telnet` lines that name addresses are management access and are read; their other
 * forms — `ssh version 2`, `http server enable` — land here.)
 */
const IRRELEVANT = keywords<string>({
  'aaa': 'authentication, authorization and accounting',
  'aaa-server': 'authentication servers',
  'arp': 'ARP settings',
  'asdm': 'ASDM settings',
  'auth-prompt': 'authentication prompts',
  'banner': 'login banners',
  'boot': 'boot settings',
  'call-home': 'Smart Call Home',
  'class-map': 'inspection classes',
  'clock': 'clock settings',
  'console': 'console settings',
  'crypto': 'VPN cryptography',
  'Cryptochecksum': 'the configuration checksum',
  'dhcpd': 'the DHCP server',
  'dhcprelay': 'DHCP relay',
  'dns': 'DNS client settings',
  'dns-guard': 'DNS guard',
  'domain-name': 'the domain name',
  'dynamic-access-policy-record': 'VPN access policies',
  'enable': 'the enable password',
  'email': 'e-mail settings',
  'failover': 'failover',
  'flow-export': 'NetFlow export',
  'fragment': 'fragment reassembly',
  'ftp': 'FTP client settings',
  'group-policy': 'VPN group policies',
  'http': 'the ASDM server',
  'icmp': 'ICMP to the ASA itself',
  'ip': 'local address pools and anti-spoofing',
  'ipsec': 'IPsec',
  'isakmp': 'IKE',
  'jumbo-frame': 'jumbo frames',
  'license': 'licensing',
  'logging': 'logging',
  'mac-address': 'MAC address settings',
  'management-access': 'management access over VPN',
  'monitor-interface': 'failover monitoring',
  'mtu': 'interface MTUs',
  'names': 'enabling name aliases',
  'nat-control': 'the pre-8.3 NAT requirement',
  'object-group-search': 'the object-group search optimization',
  'no': 'disabled features',
  'ntp': 'time synchronization',
  'pager': 'terminal paging',
  'passwd': 'the login password',
  'policy-map': 'inspection policies',
  'priority-queue': 'quality of service',
  'privilege': 'command privileges',
  'prompt': 'the CLI prompt',
  'quota': 'management session quotas',
  'service': 'device services',
  'service-policy': 'inspection policies',
  'smtp-server': 'e-mail servers',
  'snmp-server': 'SNMP',
  'ssh': 'SSH server settings',
  'ssl': 'SSL settings',
  'sysopt': 'system options',
  'tcp-map': 'TCP normalization',
  'telnet': 'Telnet server settings',
  'terminal': 'terminal settings',
  'threat-detection': 'threat detection statistics',
  'timeout': 'connection timeouts',
  'tls-proxy': 'TLS proxy',
  'tunnel-group': 'VPN tunnel groups',
  'tunnel-group-map': 'VPN tunnel group maps',
  'user-identity': 'identity firewall settings',
  'username': 'local users',
  'vpn': 'VPN',
  'vpn-addr-assign': 'VPN address assignment',
  'vpn-sessiondb': 'VPN sessions',
  'webvpn': 'clientless VPN',
  'wccp': 'web cache redirection',
  'xlate': 'translation settings',
});

/** Commands that can change what passes, but are not modelled: each use is a warning. */
const NOT_MODELLED = keywords<string>({
  'router': 'dynamic routing: routes it learns at run time are not in the export, so addresses may sit on other interfaces than the static routes say',
  'firewall': 'transparent (bridging) mode is not modelled: interfaces are read as routed',
  'established': 'the established command opens return ports that are not modelled',
  'shun': 'a shun blocks traffic from a source regardless of the access-lists',
  'conduit': 'PIX 6 conduits are not modelled',
  'outbound': 'PIX 6 outbound lists are not modelled',
  'apply': 'PIX 6 outbound lists are not modelled',
  'context': 'security contexts: this is the system configuration, not a context with interfaces and access-lists',
  'filter': 'URL/FTP/ActiveX filtering can block traffic the access-lists permit',
  'dynamic-filter': 'the botnet traffic filter can drop traffic the access-lists permit',
  'same-security-traffic': 'unknown same-security-traffic option',
});

/** The service each management command admits, and its TCP port (`http` admits ASDM over HTTPS: see httpServerPort). */
const MANAGEMENT_SERVICES = keywords<readonly [string, number]>({ http: ['https', 443], ssh: ['ssh', 22], telnet: ['telnet', 23] });

/** The commands the first pass reads (`object` also holds object NAT, which the second pass reads; `http` may be management access). */
const DECLARATIONS: ReadonlySet<string> = new Set(['hostname', 'ASA', 'PIX', 'name', 'object', 'object-group', 'interface', 'http']);

/** NAT statements, collected in the second pass and read once access-lists (for policy NAT) are known. */
interface NatStatements {
  readonly objects: { object: string; line: ConfigLine }[];
  readonly twice: ConfigLine[];
  readonly statics: ConfigLine[];
  readonly nats: ConfigLine[];
  readonly globals: ConfigLine[];
}

export function readAsaConfig(text: ConfigText): AsaConfig {
  return new ConfigReader().read(text);
}

class ConfigReader {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly names = new Map<string, AddressSet>();
  private readonly objects = new ObjectTable(this.names);
  private readonly interfaces: AsaInterface[] = [];
  private readonly acls = new Map<string, Acl & { lines: number; remarks: string[] }>();
  private readonly accessGroups: AccessGroup[] = [];
  private readonly routes: AsaRoute[] = [];
  private readonly management: AsaManagementAccess[] = [];
  private readonly sameSecurity: { inter?: ConfigLine; intra?: ConfigLine } = {};
  private readonly skipped = new Set<string>();
  private readonly aceContexts = new Map<AddressSet, AceContext>();
  private hostname: string | undefined;
  private version: AsaVersion | undefined;
  /** `http server enable [port]`: without it the `http` lines admit nobody. */
  private httpServerPort: number | undefined;
  private any = ANY;

  read(text: ConfigText): AsaConfig {
    for (const command of text.commands) this.guard(command.head, () => this.declare(command));
    this.any = this.version && this.version.major < 9 ? ANY4 : ANY;
    const nat: NatStatements = { objects: [], twice: [], statics: [], nats: [], globals: [] };
    for (const command of text.commands) this.guard(command.head, () => this.use(command, nat));
    const ctx = this.natContext();
    const translations: Translation[] = [
      ...nat.objects.map(({ object, line }) => objectNat(object, line, ctx)),
      ...nat.twice.map((line) => twiceNat(line, ctx)),
      ...nat.statics.map((line) => legacyStatic(line, ctx)),
      ...legacyDynamic(nat.nats, nat.globals, ctx),
    ];
    const postNat = nat.objects.length > 0 || nat.twice.length > 0;
    const legacyNat = nat.statics.length > 0 || nat.nats.length > 0;
    return {
      ...(this.hostname ? { hostname: this.hostname } : {}),
      ...(this.version ? { version: this.version } : {}),
      aclsNameRealAddresses: this.aclsNameRealAddresses(postNat, legacyNat),
      interfaces: this.interfaces,
      acls: this.acls,
      accessGroups: this.accessGroups,
      routes: this.routes,
      translations: inLookupOrder(translations),
      managementAccess: this.management.flatMap((m) => (m.service !== 'https' ? [m] : this.httpServerPort !== undefined ? [{ ...m, port: this.httpServerPort }] : [])),
      sameSecurity: this.sameSecurity,
      usesIpv6: this.interfaces.some((i) => !i.addresses.v6.isEmpty()),
      diagnostics: this.diagnostics,
    };
  }

  /** First pass: what other commands refer to. */
  private declare(command: Command): void {
    const { head } = command;
    if (!DECLARATIONS.has(head.verb)) return;
    const [verb, a, b] = head.words;
    if (verb === 'hostname' && a) this.hostname = a;
    else if ((verb === 'ASA' || verb === 'PIX') && a === 'Version' && b) this.readVersion(verb, b, head);
    else if (verb === 'name' && a && b) this.names.set(b, hostAddress(a, this.names));
    else if (verb === 'object' || verb === 'object-group') this.objects.define(command);
    else if (verb === 'interface') this.readInterface(command);
    else if (verb === 'http' && a === 'server' && b === 'enable') this.httpServerPort = httpServerPort(head);
  }

  /** Second pass: commands that use what the first pass declared. */
  private use(command: Command, nat: NatStatements): void {
    const { head } = command;
    const verb = head.verb.startsWith('Cryptochecksum:') ? 'Cryptochecksum' : head.verb;
    if (verb === 'access-list') return this.readAccessList(head, 1, this.any);
    if (DECLARATIONS.has(verb) && verb !== 'object' && verb !== 'http') return;
    const [, a, b] = head.words;
    switch (verb) {
      case 'ipv6':
        if (a === 'access-list') return this.readAccessList(head, 2, ANY6);
        if (a === 'route') return this.readRoute(head, 2);
        return this.skip(head, 'ipv6', 'IPv6 neighbor discovery, DHCP and ICMP settings');
      case 'access-group':
        return this.readAccessGroup(head);
      case 'route':
        return this.readRoute(head, 1);
      case 'object':
        if (a === 'network') for (const c of command.children) if (c.verb === 'nat') nat.objects.push({ object: b!, line: c });
        return;
      case 'nat':
        if (a?.includes(',')) nat.twice.push(head);
        else nat.nats.push(head);
        return;
      case 'static':
        nat.statics.push(head);
        return;
      case 'global':
        nat.globals.push(head);
        return;
      case 'same-security-traffic':
        if (a === 'permit' && b === 'inter-interface') this.sameSecurity.inter = head;
        else if (a === 'permit' && b === 'intra-interface') this.sameSecurity.intra = head;
        else this.warn(head, NOT_MODELLED.get('same-security-traffic')!);
        return;
    }
    if (MANAGEMENT_SERVICES.has(verb) && this.readManagement(head)) return;
    if (NOT_MODELLED.has(verb)) return this.warn(head, NOT_MODELLED.get(verb)!);
    if (IRRELEVANT.has(verb)) return this.skip(head, verb, IRRELEVANT.get(verb)!);
    this.warn(head, `"${head.text.trim()}" is not understood`);
  }

  private readVersion(product: 'ASA' | 'PIX', text: string, line: ConfigLine): void {
    const m = /^(\d+)\.(\d+)/.exec(text);
    if (!m) throw new ObjectError(line.line, `unreadable version "${text}"`);
    const major = Number(m[1]);
    if (major < 7) throw new ObjectError(line.line, `${product} ${text}: PIX 6 syntax (conduits, nameif without interface blocks) is not supported; export from 7.0 or later`);
    this.version = { product, major, minor: Number(m[2]), line };
  }

  private readInterface(command: Command): void {
    const { head, children } = command;
    let nameif: ConfigLine | undefined;
    let level: ConfigLine | undefined;
    let shutdown = false;
    let managementOnly: ConfigLine | undefined;
    let addresses = AddressSet.NONE;
    let addressesUnknown = false;
    const networks: { destination: AddressSet; line: ConfigLine }[] = [];
    for (const sub of children) {
      const [key, a, b, c, d] = sub.words;
      if (key === 'nameif' && a) nameif = sub;
      else if (key === 'security-level' && a) level = sub;
      else if (key === 'shutdown') shutdown = true;
      else if (key === 'management-only') managementOnly = sub;
      else if (key === 'ip' && a === 'address' && b) {
        if (b === 'dhcp' || b === 'pppoe') addressesUnknown = true;
        else {
          const mask = need(c, sub);
          addresses = addresses.union(hostAddress(b, this.names));
          if (d === 'standby' && sub.words[5]) addresses = addresses.union(hostAddress(sub.words[5], this.names));
          networks.push({ destination: networkAddress(b, mask, this.names), line: sub });
        }
      } else if (key === 'ipv6' && a === 'address' && b) {
        if (b === 'autoconfig' || c === 'eui-64') addressesUnknown = true;
        if (c === 'link-local' || b === 'autoconfig') continue;
        const slash = b.indexOf('/');
        if (slash < 0) throw new ObjectError(sub.line, `"${b}" needs a prefix length`);
        networks.push({ destination: ipv6Prefix(b), line: sub });
        if (c !== 'eui-64') addresses = addresses.union(hostAddress(b.slice(0, slash), this.names));
        if (c === 'standby' && d) addresses = addresses.union(hostAddress(d, this.names));
      }
    }
    const hardware = head.words[1] ?? '';
    if (!nameif) {
      this.skip(head, 'interface-without-nameif', 'interfaces without a nameif, which carry no traffic');
      return;
    }
    if (shutdown) {
      this.diagnostics.push({ line: head.line, level: 'info', message: `interface ${hardware} (${nameif.words[1]}) is shut down: it carries no traffic and is left out` });
      return;
    }
    const name = nameif.words[1]!;
    this.interfaces.push({
      hardware,
      nameif: name,
      securityLevel: level ? Number(level.words[1]) : name === 'inside' ? 100 : 0,
      levelOrigin: level ?? nameif,
      head,
      addresses,
      addressesUnknown,
      networks,
      ...(managementOnly ? { managementOnly } : {}),
    });
  }

  private readAccessList(line: ConfigLine, at: number, any: AddressSet): void {
    const w = line.words;
    const name = need(w[at], line);
    let k = at + 1;
    if (w[k] === 'line' && /^\d+$/.test(w[k + 1] ?? '')) k += 2;
    const type = w[k];
    if (type === 'standard' || type === 'webtype' || type === 'ethertype') {
      this.skip(line, `${type}:${name}`, `${type} access-list ${name}, which does not filter routed IP traffic`);
      return;
    }
    const acl = this.acl(name, line);
    acl.lines++;
    if (type === 'remark') {
      acl.remarks.push(restOfLine(line, k + 1));
      return;
    }
    const ace = parseAce(w, type === 'extended' ? k + 1 : k, this.aceContext(any), line);
    acl.entries.push({ number: acl.lines, line, ace, ...(acl.remarks.length ? { remark: acl.remarks.join(' / ') } : {}) });
    acl.remarks = [];
  }

  private acl(name: string, line: ConfigLine): Acl & { lines: number; remarks: string[] } {
    let acl = this.acls.get(name);
    if (!acl) this.acls.set(name, (acl = { name, entries: [], firstLine: line, lines: 0, remarks: [] }));
    return acl;
  }

  /** One context per meaning of `any` (IPv4 and IPv6 access-lists differ before 9.0), shared by every entry. */
  private aceContext(any: AddressSet): AceContext {
    let ctx = this.aceContexts.get(any);
    if (!ctx) {
      ctx = {
        objects: this.objects,
        names: this.names,
        any,
        interfaceAddresses: (nameif) => {
          const i = this.interfaces.find((x) => x.nameif === nameif);
          return i && !i.addressesUnknown ? i.addresses : undefined;
        },
      };
      this.aceContexts.set(any, ctx);
    }
    return ctx;
  }

  private readAccessGroup(line: ConfigLine): void {
    const [, acl, direction, keyword, nameif, option] = line.words;
    if (!acl || !this.acls.has(acl)) throw new ObjectError(line.line, `access-group names access-list "${acl ?? ''}", which is not defined`);
    if (direction === 'global') {
      this.accessGroups.push({ acl, direction, line });
      return;
    }
    if ((direction !== 'in' && direction !== 'out') || keyword !== 'interface' || !nameif) throw new ObjectError(line.line, `unreadable access-group "${line.text.trim()}"`);
    if (option === 'control-plane') {
      this.diagnostics.push({ line: line.line, level: 'info', message: `${acl} filters traffic to the ASA itself (control-plane), which is not audited` });
      return;
    }
    if (!this.interfaces.some((i) => i.nameif === nameif)) {
      this.warn(line, `access-group ${acl} is applied to interface ${nameif}, which is not an active interface`);
      return;
    }
    this.accessGroups.push({ acl, direction, nameif, line });
  }

  /** `route IF NET MASK GATEWAY [distance] [track N | tunneled]`, `ipv6 route IF PREFIX GATEWAY`. */
  private readRoute(line: ConfigLine, at: number): void {
    const w = line.words;
    const nameif = need(w[at], line);
    const net = need(w[at + 1], line);
    const destination = isIpv6Prefix(net) ? ipv6Prefix(net) : networkAddress(net === '0' ? '0.0.0.0' : net, w[at + 2] === '0' ? '0.0.0.0' : need(w[at + 2], line), this.names);
    if (!this.interfaces.some((i) => i.nameif === nameif)) {
      this.warn(line, `route via ${nameif}, which is not an active interface`);
      return;
    }
    this.routes.push({ nameif, destination, line });
  }

  /** `ssh|telnet|http ADDR MASK IF` or `… PREFIX IF`; false for the command's other forms. */
  private readManagement(line: ConfigLine): boolean {
    const [verb, address, b, c] = line.words;
    let sources: AddressSet;
    let nameif: string | undefined;
    if (address && isIpv6Prefix(address)) {
      sources = ipv6Prefix(address);
      nameif = b;
    } else if (address && b && isIpv4(b) && (isIpv4(address) || this.names.has(address))) {
      sources = networkAddress(address, b, this.names);
      nameif = c;
    } else {
      return false;
    }
    if (!nameif) throw new ObjectError(line.line, `"${line.text.trim()}" names no interface`);
    const [service, port] = MANAGEMENT_SERVICES.get(verb!)!;
    this.management.push({ service, port, sources, nameif, line });
    return true;
  }

  private natContext(): NatContext {
    return {
      objects: this.objects,
      names: this.names,
      diagnostics: this.diagnostics,
      acl: (name) => this.acls.get(name),
      interfaceAddress: (nameif, family: Family) => {
        const i = this.interfaces.find((x) => x.nameif === nameif);
        const own = i?.addresses.only(family);
        return own && !own.isEmpty() ? own : undefined;
      },
    };
  }

  /** 8.3 and later: ACLs name real addresses. Without a version line, the NAT syntax in use tells. */
  private aclsNameRealAddresses(postNat: boolean, legacyNat: boolean): boolean {
    if (this.version) return this.version.major > 8 || (this.version.major === 8 && this.version.minor >= 3);
    const assumed = !legacyNat;
    this.diagnostics.push({
      line: 0,
      level: 'warning',
      message: `no "ASA Version" line: assuming ${assumed ? '8.3 or later (access-lists name real addresses)' : 'before 8.3 (access-lists name mapped addresses)'}${postNat || legacyNat ? ', as its NAT syntax shows' : ''}`,
    });
    return assumed;
  }

  /** A recognized command that decides nothing here: one info diagnostic per kind. */
  private skip(line: ConfigLine, kind: string, what: string): void {
    if (this.skipped.has(kind)) return;
    this.skipped.add(kind);
    this.diagnostics.push({ line: line.line, level: 'info', message: `skipped ${what} (first at this line): it does not decide which traffic crosses the firewall` });
  }

  private warn(line: ConfigLine, message: string): void {
    this.diagnostics.push({ line: line.line, level: 'warning', message });
  }

  private guard(line: ConfigLine, f: () => void): void {
    try {
      f();
    } catch (e) {
      throw asObjectError(e, line);
    }
  }
}

/** `http server enable [PORT]`: ASDM's HTTPS port, 443 unless given. */
function httpServerPort(line: ConfigLine): number {
  const text = line.words[3];
  if (text === undefined) return 443;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new ObjectError(line.line, `"${line.text.trim()}": malformed port "${text}"`);
  return port;
}
