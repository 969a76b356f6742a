/**
 * The network around an Edge, as a line of zones: the Internet, the Edge's external (DMZ) network, its
 * internal-facing network, and the internal network with the Front End pool. A flow between two zones
 * crosses every device that sits between them; a device is placed on the line by its interfaces' zones.
 */
export const ZONES = ['internet', 'edge-external', 'edge-internal', 'internal'] as const;
export type Zone = (typeof ZONES)[number];
