#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (from `node --cpu-prof …`): the functions with the most self time,
// and the most inclusive time (each function counted once per sample, so recursion is not
// double-counted). Locations in compiled files (dist/…) are mapped back to the TypeScript source
// through the `.js.map` beside them, when there is one.
//
//   node --cpu-prof --cpu-prof-dir bench/out/prof bin/edge-audit check bench/out/iptables-100000.rules …
//   node bench/cpuprofile-top.mjs bench/out/prof/<file>.cpuprofile [top=25]

import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/cpuprofile-top.mjs <file.cpuprofile> [top=25]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const maps = new Map();
function sourceMapFor(path) {
  if (!maps.has(path)) {
    let map;
    try {
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(path, map);
  }
  return maps.get(path);
}

const where = (cf) => {
  const url = cf.url || '';
  if (!url.startsWith('file://')) return url ? `${url}:${cf.lineNumber + 1}` : '';
  let path;
  try { path = fileURLToPath(url); } catch { return `${url}:${cf.lineNumber + 1}`; }
  const entry = sourceMapFor(path)?.findEntry(cf.lineNumber, cf.columnNumber);
  if (entry && entry.originalSource) {
    const src = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(path), entry.originalSource);
    return `${relative(process.cwd(), src)}:${entry.originalLine + 1}`;
  }
  return `${relative(process.cwd(), path)}:${cf.lineNumber + 1}`;
};
const keyOf = (node) => `${node.callFrame.functionName || '(anonymous)'} ${where(node.callFrame)}`.trim();

const byId = new Map();
const parent = new Map();
for (const n of profile.nodes) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parent.set(c, n.id);
}

const self = new Map();
const total = new Map();
let all = 0;
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  const dt = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000; // ms spent in this sample
  all += dt;
  let id = samples[i];
  const leaf = keyOf(byId.get(id));
  self.set(leaf, (self.get(leaf) ?? 0) + dt);
  const seen = new Set();
  while (id !== undefined) {
    const k = keyOf(byId.get(id));
    if (!seen.has(k)) {
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
    id = parent.get(id);
  }
}

const print = (title, map) => {
  console.log(`\n${title}`);
  console.log('      ms       %  function');
  for (const [k, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(0).padStart(8)}  ${((100 * ms) / all).toFixed(1).padStart(5)}%  ${k}`);
  }
};
console.log(`${file}: ${samples.length} samples, ${all.toFixed(0)} ms`);
print('top self time', self);
print('top inclusive time (excluding the (root)/program frames)', new Map([...total].filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(program)'))));
