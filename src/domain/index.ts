// The pure domain core: everything the CLI, the Apps Script and the sheet formulas agree on.
export * from './cac.js';
export * from './fit.js';
export * from './ryg.js';
export * from './schedule.js';
export * from './scoring.js';
export * from './types.js';
