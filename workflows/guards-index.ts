// The guard worker's workflows (task queue `guards@<queue>`, worker/guard-worker.ts): only the position guard, so each
// guard's sandbox evaluates what a guard needs and nothing else. workflows/index.ts keeps it too, for guards that were
// started on the platform's queue before it had a guard worker.
export { guardWorkflow } from './guard.js';
