import type { Family } from '../model/address-set.js';
import type { Device, Filter, Hook } from '../model/rule-graph.js';
import { ZONES, type Zone } from '../model/zone.js';

export type DeviceRole = 'edge-host' | 'network-firewall';

/** How one device sits in the network: what it is, and which zone each of its interfaces faces. */
export interface Placement {
  readonly deviceRole: DeviceRole;
  /** Interface name → zone. Empty when neither the profile nor the configuration says. */
  readonly interfaces: ReadonlyMap<string, Zone>;
}

/** One end of a flow: a zone, and whether the address is the device itself (an Edge host's own address). */
export interface Endpoint {
  readonly zone: Zone;
  readonly local: boolean;
}

/** On an Edge host the Edge's own addresses (both of its sides) are the device itself. */
export function isOnDevice(placement: Placement, zone: Zone): boolean {
  return placement.deviceRole === 'edge-host' && (zone === 'edge-external' || zone === 'edge-internal');
}

/** The filters one flow meets on a device, for one choice of ingress and egress interface. */
export interface Path {
  readonly hook: Hook;
  readonly in?: string;
  readonly out?: string;
  readonly filters: readonly Filter[];
  /** True when the interfaces were not known and this is one of the possibilities. */
  readonly assumed: boolean;
}

/** Stands for "an interface the configuration never names": matches no `-i eth0`, matches `! -i eth0`. */
export const OTHER_INTERFACE = '(other interface)';

/**
 * Every path a flow from `from` to `to` of one family can take through the device; empty when the flow does
 * not cross the device (both ends on the same side of it, or both the device itself).
 */
export function pathsBetween(device: Device, placement: Placement, from: Endpoint, to: Endpoint, family: Family): Path[] {
  if (from.local && to.local) return [];
  const hook: Hook = to.local ? 'input' : from.local ? 'output' : 'forward';
  const ins = from.local ? [undefined] : interfacesToward(device, placement, from.zone);
  const outs = to.local ? [undefined] : interfacesToward(device, placement, to.zone);
  const assumed = placement.interfaces.size === 0;
  const paths: Path[] = [];
  for (const i of ins) {
    for (const o of outs) {
      if (i !== undefined && i === o && !assumed) continue; // enters and leaves on one interface: not through this device
      paths.push({ hook, ...(i !== undefined ? { in: i } : {}), ...(o !== undefined ? { out: o } : {}), filters: filtersOn(device, hook, family, i, o), assumed });
    }
  }
  return paths;
}

/**
 * The interfaces through which a zone is reached: those facing it, else those facing the nearest zone
 * on the line (an Edge host reaches the Internet through its external interface). Unknown placement:
 * every interface the configuration names, plus one it does not.
 */
export function interfacesToward(device: Device, placement: Placement, zone: Zone): string[] {
  if (placement.interfaces.size === 0) {
    return [...device.interfaces.map((i) => i.name), OTHER_INTERFACE];
  }
  const target = ZONES.indexOf(zone);
  let best = Infinity;
  let names: string[] = [];
  for (const [name, z] of placement.interfaces) {
    const d = Math.abs(ZONES.indexOf(z) - target);
    if (d < best) {
      best = d;
      names = [name];
    } else if (d === best) {
      names.push(name);
    }
  }
  return names.sort();
}

/** The filters a flow of this hook and family meets between these interfaces, in the order it meets them. */
export function filtersOn(device: Device, hook: Hook, family: Family, inIf: string | undefined, outIf: string | undefined): Filter[] {
  // A firewall the export turns off filters nothing, whatever rules it still holds.
  if (device.firewallOff) return [];
  return [...device.filters.values()]
    .filter((f) => {
      const a = f.attachment;
      if (!a || !a.hooks.includes(hook)) return false;
      if (f.family && f.family !== family) return false;
      if (a.inInterface !== undefined && a.inInterface !== inIf) return false;
      if (a.outInterface !== undefined && a.outInterface !== outIf) return false;
      return true;
    })
    .sort((a, b) => a.attachment!.stage - b.attachment!.stage);
}
