/** Every file the CLI reads is bounded: what is not a regular file is refused at once, in one line naming it, exit 2. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'edge-audit');
const rules = 'fixtures/iptables/network-firewall/gap.rules';
const fifo = join(mkdtempSync(join(tmpdir(), 'readers-')), 'fifo');
execFileSync('mkfifo', [fifo]);

function run(args: string[]) {
  // A FIFO with no writer would block a blocking read forever: the timeout turns that into a failure.
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stderr: r.stderr };
}

describe('bounded readers', () => {
  it.each([
    ['an export', ['check', '/dev/zero'], '/dev/zero: not a regular file (a device)'],
    ['an export', ['check', fifo], `${fifo}: not a regular file (a FIFO)`],
    ['the traced export', ['trace', fifo, '--src', '192.0.2.1', '--dst', '198.51.100.1', '--proto', 'tcp', '--dport', '443'], `${fifo}: not a regular file (a FIFO)`],
    ['--config', ['check', rules, '--config', '/dev/zero'], '/dev/zero: not a regular file (a device)'],
    ['--profile', ['check', rules, '--profile', fifo], `${fifo}: not a regular file (a FIFO)`],
    ['--baseline', ['check', rules, '--baseline', '/dev/zero'], '/dev/zero: not a regular file (a device)'],
    ['--waivers', ['check', rules, '--waivers', fifo], `${fifo}: not a regular file (a FIFO)`],
  ])('refuses a device or FIFO as %s', (_, args, message) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });
});
