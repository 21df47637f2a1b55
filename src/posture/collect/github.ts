/**
 * Posture facts from the GitHub API: the entry point the front ends and
 * benchmarks import. The collector is split by API area under github/
 * (transport, REST, GraphQL, files, Best Practices, facts); see github.md. The
 * cache it needs is declared in github/cache.ts (store/github-cache.ts
 * implements it; the front end opens one and passes it in).
 */
export { createGithubCollector, type GithubCollector } from './github/collector.js';
export type { GithubCollectorOptions } from './github/options.js';
