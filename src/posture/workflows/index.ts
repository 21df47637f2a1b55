export type * from './model.js';
export { isCommitSha, parseWorkflow } from './parse.js';
