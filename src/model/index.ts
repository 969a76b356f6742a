export * from './interval-set.js';
export * from './address-set.js';
export * from './header-space.js';
export * from './rule-graph.js';
export * from './zone.js';
