import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ContextError } from '../audit/context.js';
import { BaselineError } from '../baseline/baseline.js';
import { ConfigError, FAIL_ON } from '../config/config.js';
import { packageRoot } from '../json-schema.js';
import { PackError } from '../policy/load-packs.js';
import { ProfileError } from '../profile/site-profile.js';
import { escapeControls } from '../reporters/control-chars.js';
import { FORMAT_NAMES, type FormatName } from '../reporters/index.js';
import { WaiverError } from '../waivers/waivers.js';
import { ParseError } from '../../parsers/index.js';
import { runCheck } from './check-command.js';
import { readStandardInput, VENDORS } from './input.js';
import { runPolicies } from './policies-command.js';
import { runTrace } from './trace-command.js';
import { UsageError } from './usage-error.js';

const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** Known failures become one line on stderr and exit code 2; anything else is a bug, still without a stack trace unless asked. */
function fail(err: unknown): never {
  // One line whatever the file name or the input holds: control characters (a newline too) are shown escaped.
  const line = (text: string) => process.stderr.write(`edge-audit: ${escapeControls(text)}\n`);
  if (err instanceof ParseError) {
    line(`${err.file}${err.line !== undefined ? `:${err.line}` : ''}: ${err.message}`);
  } else if ([UsageError, ProfileError, PackError, ContextError, ConfigError, BaselineError, WaiverError].some((type) => err instanceof type)) {
    line((err as Error).message);
  } else {
    const e = err as Error;
    line(`internal error: ${e.message}${process.env.EDGE_AUDIT_DEBUG ? '' : ' (set EDGE_AUDIT_DEBUG=1 for details)'}`);
    if (process.env.EDGE_AUDIT_DEBUG) process.stderr.write(`${escapeControls(e.stack ?? '', true)}\n`);
  }
  process.exit(2);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `-f sarif,junit`, also repeatable (`-f sarif -f junit`): each name checked, repeats dropped. */
function formats(value: string, previous: FormatName[] = []): FormatName[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.find((n) => !(FORMAT_NAMES as string[]).includes(n));
  if (unknown !== undefined || names.length === 0) throw new InvalidArgumentError(`"${unknown ?? value}" is not a format (${FORMAT_NAMES.join(', ')}; several: comma-separated).`);
  return [...new Set([...previous, ...(names as FormatName[])])];
}

const program = new Command()
  .name('edge-audit')
  .description('Audits firewall exports around a Lync Server 2013 / Skype for Business Edge against the documented port rules.')
  .version(version)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(escapeControls(s.startsWith('error:') ? `edge-audit: ${s}` : s, true)) });

program
  .command('check')
  .description('audit firewall exports: files, directories (every recognized export below them), or - for standard input')
  .argument('[paths...]', 'configuration exports, directories, or - (standard input, with --vendor); default: the working directory')
  .option('-f, --format <formats>', `report format(s), comma-separated: ${FORMAT_NAMES.join(', ')} (default: table on a terminal, json otherwise)`, formats)
  .option('-o, --output <file>', 'write the report to this file; with several formats, the base name each format\'s extension is added to')
  .addOption(new Option('--fail-on <severity>', 'exit 1 when an unwaived finding is at or above this severity (default: high)').choices([...FAIL_ON]))
  .option('--fail-on-uncertain', 'also exit 1 when a documented requirement is uncertain (edge-audit cannot decide it)')
  .option('-s, --soft-fail', 'exit 0 whatever the findings (errors still exit 2)')
  .option('--config <file>', 'run configuration (default: .edge-audit.json here or in a folder above, up to the repository root)')
  .option('--profile <file>', 'site profile (default: edge-audit.json beside each config, else in the working directory)')
  .option('--pack <id>', 'policy pack to audit against (repeatable; default: the profile\'s packs, else both seed packs)', collect)
  .option('--baseline <file>', 'report only findings not listed in this baseline')
  .option('--create-baseline <file>', 'write a baseline of this run\'s findings (except waived ones) to this file')
  .option('--waivers <file>', 'waivers file: findings accepted until a date, with justification and approver')
  .addOption(new Option('--vendor <vendor>', 'the format of standard input (required with -); restricts other inputs to it').choices([...VENDORS]))
  .option('--vdom <name>', 'audit only this VDOM of a multi-VDOM FortiGate backup')
  .option('--profile-name <name>', 'audit only this Windows Firewall profile (Domain, Private, Public)')
  .option('-q, --quiet', 'print nothing on stderr but errors')
  .option('-v, --verbose', 'print inputs, parsers, settings and timings on stderr')
  .option('--no-color', 'no colours in the table (also: NO_COLOR)')
  .action((paths: string[], opts) => {
    const { output, exitCode } = runCheck(paths, opts, {
      version,
      cwd: process.cwd(),
      env: process.env,
      stdoutIsTty: process.stdout.isTTY === true,
      stderr: process.stderr,
      readStdin: readStandardInput,
    });
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
  .option('--profile-name <name>', 'the Windows Firewall profile (Domain, Private, Public; default: the site profile\'s firewallProfile)')
  .option('--profile <file>', 'site profile, for what the export cannot say (Windows address keywords); default: found as check finds it')
  .option('--json', 'print the decision as JSON')
  .addOption(new Option('--expect <decision>', 'exit 1 unless the decision is this one, and certain').choices(['permit', 'deny']))
  .action((file: string, opts) => {
    const { output, exitCode, failure } = runTrace(file, opts);
    process.stdout.write(output);
    if (failure) process.stderr.write(`edge-audit: ${escapeControls(failure)}\n`);
    process.exitCode = exitCode;
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
