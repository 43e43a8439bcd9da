// The sync's entry points for the bound script (built as its own global, PartnernomicsSync, beside Partnernomics).

export { budgetDialog, costsOf, dailyUse, defaultInterval } from './budget.js';
export { runScheduledSync, syncNow } from './health.js';
export {
  connectNotion,
  disconnectNotion,
  turnOffAutomaticSync,
  turnOnAutomaticSync,
} from './menu.js';
export { syncOnce } from './run.js';
