export type * from './model.js';
export { isCommitSha, kindOfPath, parseActionReference, parseWorkflow } from './parse.js';
