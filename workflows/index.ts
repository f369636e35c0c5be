// Every workflow the worker runs; the bundle is built from this file.
export { botWorkflow } from './bot.js';
