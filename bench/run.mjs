#!/usr/bin/env node
// `npm run bench`: how fast, how big and how linear a whole `edge-audit check` run is on large
// generated exports of each vendor. It measures and never gates: it exits 0 even when a target is
// missed, and non-zero only when the CLI itself failed (exit code 2, or killed).
//
//   npm run bench                              every vendor, sizes 10000,100000, 3 runs each
//   npm run bench -- --vendors iptables,asa    some vendors (see VENDORS below)
//   npm run bench -- --sizes 1000,5000         other sizes (comma-separated rule counts)
//   npm run bench -- --runs 5 --seed 42        more runs / another generated ruleset
//
// Targets, checked per vendor on the largest size (100,000 by default), the same for every vendor:
//   time      median wall time < `iptables-restore --test` on the iptables file of that size (median,
//             in a throw-away network namespace), or < 1400 ms when iptables is not installed
//   memory    peak RSS of the CLI process < 300 MB (1 MB = 10^6 bytes), largest over all runs
//   linearity (ms per rule at the largest size) ÷ (ms per rule at the smallest size) < 1.5
//
// Each run is the whole CLI in its own process, startup included:
//   node --import bench/peak-rss.mjs bin/edge-audit check bench/out/VENDOR/N.EXT
//        --format json --output bench/out/VENDOR/report-N.json --fail-on none --quiet
// with the generator's site profile written beside the export as edge-audit.json.

import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateAsaConfig } from './generate-asa.mjs';
import { generateFortigateConfig } from './generate-fortigate.mjs';
import { generateIptablesSave } from './generate-iptables.mjs';
import { generateGpoReport } from './generate-windows-gpo.mjs';
import { exportBytes, generateWindowsRules } from './generate-windows.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench', 'out');
const BIN = join(ROOT, 'bin', 'edge-audit');
const PEAK_RSS = pathToFileURL(join(ROOT, 'bench', 'peak-rss.mjs')).href;

/** Each vendor's generator: `generate(rules, seed)` → the export's bytes (or text) and its site profile. */
const VENDORS = {
  iptables: {
    ext: 'rules',
    generate: (rules, seed) => ({
      text: generateIptablesSave({ rules, seed }),
      profile: JSON.parse(readFileSync(join(ROOT, 'fixtures', 'iptables', 'network-firewall', 'edge-audit.json'), 'utf8')),
    }),
  },
  asa: { ext: 'cfg', generate: (rules, seed) => generateAsaConfig(rules, seed) },
  fortigate: { ext: 'conf', generate: (rules, seed) => generateFortigateConfig(rules, seed) },
  'windows-reg': {
    ext: 'reg',
    generate: (rules, seed) => {
      const { text, profile } = generateWindowsRules(rules, seed, 'reg');
      return { bytes: exportBytes(text, 'reg'), profile };
    },
  },
  'windows-gpo': { ext: 'xml', generate: (rules, seed) => generateGpoReport(rules, seed) },
};

const TARGET_FALLBACK_MS = 1400;
const TARGET_RSS_MB = 300;
const TARGET_LINEARITY = 1.5;

// ---- arguments ---------------------------------------------------------------------------
function usage(msg) {
  process.stderr.write(`bench: ${msg}\nusage: npm run bench -- [--vendors ${Object.keys(VENDORS).join(',')}] [--sizes 10000,100000] [--runs 3] [--seed 1]\n`);
  process.exit(2);
}
const opts = { vendors: Object.keys(VENDORS), sizes: [10000, 100000], runs: 3, seed: 1 };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === '--vendors') {
      opts.vendors = value().split(',').map((v) => v.trim());
      const unknown = opts.vendors.filter((v) => !VENDORS[v]);
      if (unknown.length || !opts.vendors.length) usage(`--vendors takes ${Object.keys(VENDORS).join(', ')} (got ${unknown.join(', ') || 'nothing'})`);
    } else if (flag === '--sizes') {
      opts.sizes = value().split(',').map((s) => Number(s.trim().replace(/_/g, '')));
      if (!opts.sizes.length || opts.sizes.some((n) => !Number.isInteger(n) || n <= 0)) usage('--sizes takes positive integers, e.g. 1000,5000');
      opts.sizes = [...new Set(opts.sizes)].sort((a, b) => a - b);
    } else if (flag === '--runs') {
      opts.runs = Number(value());
      if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs takes a positive integer');
    } else if (flag === '--seed') {
      opts.seed = Number(value());
      if (!Number.isInteger(opts.seed)) usage('--seed takes an integer');
    } else usage(`unknown option ${argv[i]}`);
  }
}

// ---- helpers -----------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n) => `${fmtInt(n)} ms`;
const rel = (p) => relative(process.cwd(), p) || '.';

function findExecutable(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs the CLI once as its own process; returns wall ms, peak RSS (KiB) and the exit status. */
function runCli(file, report, rssFile) {
  rmSync(rssFile, { force: true });
  const args = ['--import', PEAK_RSS, BIN, 'check', file, '--format', 'json', '--output', report, '--fail-on', 'none', '--quiet'];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, EDGE_AUDIT_BENCH_RSS: rssFile },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  let rssKiB = NaN;
  if (existsSync(rssFile)) rssKiB = Number(readFileSync(rssFile, 'utf8').trim());
  return { ms, rssKiB, status: r.status, signal: r.signal, stderr: r.stderr ?? '', error: r.error, args };
}

// ---- network namespace for the reference (cleaned up on every way out) --------------------
let netns;
function dropNetns() {
  if (!netns) return;
  spawnSync('ip', ['netns', 'del', netns], { stdio: 'ignore' });
  netns = undefined;
}
process.on('exit', dropNetns);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    dropNetns();
    process.exit(130);
  });
}

/** Median wall time of `iptables-restore --test < file` in a fresh netns, or a reason it was skipped. */
function reference(file) {
  const restore = findExecutable('iptables-restore');
  if (!restore) return { skipped: 'iptables not installed: reference skipped' };
  const ip = findExecutable('ip');
  if (!ip) return { skipped: 'iproute2 (`ip`) not installed: reference skipped' };
  const name = `edge-audit-bench-${process.pid}`;
  const add = spawnSync(ip, ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status !== 0) return { skipped: `cannot create a network namespace (${(add.stderr || add.error?.message || '').trim()}; root needed): reference skipped` };
  netns = name;
  try {
    const overhead = [];
    for (let i = 0; i < opts.runs; i++) {
      const t0 = performance.now();
      spawnSync(ip, ['netns', 'exec', name, 'true'], { stdio: 'ignore' });
      overhead.push(performance.now() - t0);
    }
    const times = [];
    for (let i = 0; i < opts.runs; i++) {
      const fd = openSync(file, 'r');
      try {
        const t0 = performance.now();
        const r = spawnSync(ip, ['netns', 'exec', name, restore, '--test'], { stdio: [fd, 'ignore', 'pipe'], encoding: 'utf8' });
        const ms = performance.now() - t0;
        if (r.status !== 0) {
          return { skipped: `iptables-restore --test rejected ${rel(file)} (exit ${r.status ?? r.signal}): ${(r.stderr || '').trim().split('\n').slice(0, 5).join(' | ')}: reference skipped`, rejected: true };
        }
        times.push(ms);
      } finally {
        closeSync(fd);
      }
    }
    const version = spawnSync(restore, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? 'iptables-restore';
    return { ms: median(times), times, overheadMs: median(overhead), version };
  } finally {
    dropNetns();
  }
}

// ---- main --------------------------------------------------------------------------------
if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
  process.stderr.write('bench: the CLI is not built (dist/src/cli/main.js missing): run `npm run build` first\n');
  process.exit(2);
}
const cpu = cpus();
console.log(`edge-audit bench: node ${process.version}, ${cpu.length} × ${cpu[0]?.model?.trim() ?? 'cpu'}, vendors ${opts.vendors.join(', ')}, sizes ${opts.sizes.map(fmtInt).join(', ')}, ${opts.runs} run(s) each, seed ${opts.seed}`);
console.log(`command: node --import bench/peak-rss.mjs bin/edge-audit check bench/out/VENDOR/N.EXT --format json --output bench/out/VENDOR/report-N.json --fail-on none --quiet`);

/** Generates, writes and times one vendor at every size; returns the rows for its table. */
function benchVendor(vendor) {
  const dir = join(OUT, vendor);
  mkdirSync(dir, { recursive: true });
  const results = [];
  for (const rules of opts.sizes) {
    const file = join(dir, `${rules}.${VENDORS[vendor].ext}`);
    const report = join(dir, `report-${rules}.json`);
    const rssFile = join(dir, `rss-${rules}.txt`);
    const { text, bytes, profile } = VENDORS[vendor].generate(rules, opts.seed);
    const data = bytes ?? Buffer.from(text, 'utf8');
    writeFileSync(file, data);
    writeFileSync(join(dir, 'edge-audit.json'), `${JSON.stringify(profile, null, 2)}\n`);
    const runs = [];
    for (let i = 0; i < opts.runs; i++) {
      const r = runCli(file, report, rssFile);
      if (r.error || r.status === null || (r.status !== 0 && r.status !== 1)) {
        process.stderr.write(`\nbench: edge-audit failed on ${rel(file)} (${r.error ? r.error.message : r.status === null ? `killed by ${r.signal}` : `exit ${r.status}`})\n`);
        process.stderr.write(`command: ${process.execPath} ${r.args.join(' ')}\n`);
        if (r.stderr) process.stderr.write(`stderr:\n${r.stderr}${r.stderr.endsWith('\n') ? '' : '\n'}`);
        process.exit(1);
      }
      if (r.stderr.trim()) process.stderr.write(`bench: note: edge-audit wrote to stderr on ${rel(file)}: ${r.stderr.trim()}\n`);
      if (!Number.isFinite(r.rssKiB)) process.stderr.write(`bench: warning: no peak RSS recorded for ${rel(file)} (was bench/peak-rss.mjs loaded?)\n`);
      runs.push(r);
    }
    let findings = '?';
    try {
      const json = JSON.parse(readFileSync(report, 'utf8'));
      if (Array.isArray(json.findings)) findings = String(json.findings.length);
    } catch {
      // the report format is not the bench's business
    }
    const ms = median(runs.map((r) => r.ms));
    const peakKiB = Math.max(...runs.map((r) => r.rssKiB).filter(Number.isFinite));
    results.push({ rules, file, bytes: data.length, ms, times: runs.map((r) => r.ms), peakMB: (peakKiB * 1024) / 1e6, findings });
    process.stdout.write(`  ${vendor} ${fmtInt(rules)} rules: ${runs.map((r) => fmtMs(r.ms)).join(', ')}\n`);
  }
  return results;
}

function printTable(vendor, results) {
  const header = ['rules', 'file MB', 'median wall ms', 'rules/second', 'peak RSS MB', 'findings'];
  const rows = results.map((r) => [
    fmtInt(r.rules),
    (r.bytes / 1e6).toFixed(1),
    fmtInt(r.ms),
    fmtInt(r.rules / (r.ms / 1000)),
    Number.isFinite(r.peakMB) ? r.peakMB.toFixed(1) : '?',
    r.findings,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  console.log(`\n${vendor}`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

const byVendor = new Map(opts.vendors.map((v) => [v, benchVendor(v)]));
for (const [vendor, results] of byVendor) printTable(vendor, results);
console.log('');

// The time target is the same for every vendor: iptables-restore --test on an iptables file of the largest size.
const largest = opts.sizes[opts.sizes.length - 1];
const referenceFile = byVendor.get('iptables')?.at(-1)?.file ?? (() => {
  const file = join(OUT, `reference-${largest}.rules`);
  writeFileSync(file, VENDORS.iptables.generate(largest, opts.seed).text);
  return file;
})();
const ref = reference(referenceFile);
if (ref.skipped) console.log(ref.skipped);
else console.log(`reference: ${ref.version} --test on ${fmtInt(largest)} iptables rules in a temporary netns: median ${fmtMs(ref.ms)} (${ref.times.map(fmtMs).join(', ')}; includes ~${fmtInt(ref.overheadMs)} ms of \`ip netns exec\`)`);

// ---- verdicts ----------------------------------------------------------------------------
const verdict = (ok, text) => console.log(`${ok === undefined ? 'N/A ' : ok ? 'PASS' : 'FAIL'}  ${text}`);
const limitMs = ref.ms ?? TARGET_FALLBACK_MS;
const limitName = ref.ms !== undefined ? `iptables-restore --test ${fmtMs(ref.ms)}` : `${fmtMs(TARGET_FALLBACK_MS)} (no reference)`;
for (const [vendor, results] of byVendor) {
  const small = results[0];
  const large = results[results.length - 1];
  const linearity = results.length >= 2 ? large.ms / large.rules / (small.ms / small.rules) : undefined;
  const peak = Math.max(...results.map((r) => r.peakMB).filter(Number.isFinite));
  console.log(`\n${vendor}:`);
  verdict(large.ms < limitMs, `time: ${fmtInt(large.rules)} rules in ${fmtMs(large.ms)} (target < ${limitName})`);
  verdict(Number.isFinite(peak) ? peak < TARGET_RSS_MB : undefined, `memory: peak RSS ${Number.isFinite(peak) ? `${peak.toFixed(1)} MB` : 'not recorded'} (target < ${TARGET_RSS_MB} MB)`);
  verdict(linearity === undefined ? undefined : linearity < TARGET_LINEARITY, `linearity: ${linearity === undefined ? 'n/a (needs at least two sizes)' : `${(large.ms / large.rules * 1000).toFixed(2)} µs ÷ ${(small.ms / small.rules * 1000).toFixed(2)} µs per rule = ${linearity.toFixed(2)}`} (target < ${TARGET_LINEARITY})`);
}
if (ref.rejected) console.log('\nnote: iptables-restore rejected the generated file, so bench/generate-iptables.mjs needs fixing.');
