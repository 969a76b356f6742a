import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ContextError } from '../audit/context.js';
import { packageRoot } from '../json-schema.js';
import { PackError } from '../policy/load-packs.js';
import { ProfileError } from '../profile/site-profile.js';
import { ParseError } from '../../parsers/index.js';
import { FAIL_ON, FORMATS, runCheck } from './check-command.js';
import { runPolicies } from './policies-command.js';
import { runTrace } from './trace-command.js';
import { UsageError } from './usage-error.js';

const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** Known failures become one line on stderr and exit code 2; anything else is a bug, still without a stack trace unless asked. */
function fail(err: unknown): never {
  if (err instanceof ParseError) {
    process.stderr.write(`edge-audit: ${err.file}${err.line !== undefined ? `:${err.line}` : ''}: ${err.message}\n`);
  } else if (err instanceof UsageError || err instanceof ProfileError || err instanceof PackError || err instanceof ContextError) {
    process.stderr.write(`edge-audit: ${err.message}\n`);
  } else {
    const e = err as Error;
    process.stderr.write(`edge-audit: internal error: ${e.message}${process.env.EDGE_AUDIT_DEBUG ? `\n${e.stack}` : ' (set EDGE_AUDIT_DEBUG=1 for details)'}\n`);
  }
  process.exit(2);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const program = new Command()
  .name('edge-audit')
  .description('Audits firewall exports around a Lync Server 2013 / Skype for Business Edge against the documented port rules.')
  .version(version)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `edge-audit: ${s}` : s) });

program
  .command('check')
  .description('audit one or more firewall exports')
  .argument('<files...>', 'configuration exports (iptables-save / ip6tables-save output)')
  .option('--profile <file>', 'site profile (default: edge-audit.json beside each config, else in the working directory)')
  .option('--pack <id>', 'policy pack to audit against (repeatable; default: the profile\'s packs, else both seed packs)', collect)
  .addOption(new Option('--format <format>', 'report format (default: table on a terminal, json otherwise)').choices(Object.keys(FORMATS)))
  .option('--output <file>', 'write the report to this file (written whole or not at all) instead of stdout')
  .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...FAIL_ON]).default('high'))
  .option('--vdom <name>', 'audit only this VDOM of a multi-VDOM FortiGate backup')
  .option('--profile-name <name>', 'audit only this Windows Firewall profile (Domain, Private, Public)')
  .action((files: string[], opts) => {
    const { output, exitCode } = runCheck(files, opts, version, process.stdout.isTTY === true);
    process.stdout.write(output);
    process.exitCode = exitCode;
  });

program
  .command('trace')
  .description('the decision for one packet of a new connection, and the rule that made it')
  .argument('<file>', 'configuration export')
  .requiredOption('--src <ip>', 'source address')
  .requiredOption('--dst <ip>', 'destination address')
  .requiredOption('--proto <proto>', 'tcp, udp, icmp or a protocol number')
  .option('--sport <port>', 'source port (default 49152, an ephemeral port)')
  .option('--dport <port>', 'destination port (required for tcp and udp)')
  .option('--in <interface>', 'ingress interface (to or through the device)')
  .option('--out <interface>', 'egress interface (from or through the device)')
  .option('--chain <name>', 'evaluate this chain / filter only (e.g. INPUT, FORWARD)')
  .addOption(new Option('--direction <direction>', 'on a host firewall: in = to the host, out = from it').choices(['in', 'out']))
  .option('--vdom <name>', 'the VDOM of a multi-VDOM FortiGate backup')
  .option('--profile-name <name>', 'the Windows Firewall profile (Domain, Private, Public)')
  .option('--json', 'print the decision as JSON')
  .action((file: string, opts) => {
    process.stdout.write(runTrace(file, opts).output);
  });

program
  .command('policies')
  .description('list the policy packs and their documented rules with sources')
  .option('--json', 'print the packs as JSON')
  .action((opts: { json?: boolean }) => {
    process.stdout.write(runPolicies(opts.json === true));
  });

try {
  program.parse();
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  fail(err);
}
