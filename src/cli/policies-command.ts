import type { PolicyPack } from '../policy/pack.js';
import { loadPacks } from '../policy/load-packs.js';

/** `edge-audit policies`: the packs and their rules with their documentation sources. */
export function runPolicies(json: boolean): string {
  const packs = loadPacks();
  return json ? `${JSON.stringify(packs, null, 2)}\n` : packs.map(formatPack).join('\n');
}

function formatPack(pack: PolicyPack): string {
  const lines = [`${pack.id} — ${pack.title}`, `  source: TechNet ${pack.source.technetId} "${pack.source.titles.en}" ${pack.source.url}`];
  for (const r of pack.rules) {
    const ports = r.ports.map((p) => (typeof p === 'number' ? `${p}` : `${p[0]}-${p[1]}`)).join(',');
    const when = r.condition ? `when ${r.condition.features.join(' or ')}` : 'required';
    const obsolete = r.obsoleteSince ? `, obsolete since ${r.obsoleteSince}` : '';
    lines.push(`  ${r.id.padEnd(22)} ${r.protocol.toUpperCase()} ${ports.padEnd(12)} ${r.from} → ${r.to} (${r.direction}; ${when}${obsolete})`);
    lines.push(`  ${''.padEnd(22)} ${r.source.technetId} "${r.source.table}" row ${r.source.row}`);
  }
  return `${lines.join('\n')}\n`;
}
