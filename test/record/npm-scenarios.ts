/**
 * Records what npm does with each hand-written registry of
 * src/graph/npm/fixtures/scenarios.json: `npx tsx test/record/npm-scenarios.ts`.
 *
 * Serves the scenario's packuments on 127.0.0.1 (nothing else is contacted:
 * `--registry` points npm there, the cache is a fresh temporary directory),
 * runs `npm install --package-lock-only --ignore-scripts` for a package.json
 * whose dependencies are the scenario's roots, and writes the lockfile's
 * packages (location, name, version, flags) to src/graph/npm/fixtures/scenarios.expected.json.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scenarioPackument, type Scenario, type ScenarioExpectation } from '../../src/graph/npm/scenarios.fixture.js';

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('../../src/graph/npm/fixtures/', import.meta.url));

async function recordScenario(scenario: Scenario, npmVersion: string): Promise<ScenarioExpectation> {
  const server = createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').slice(1));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const packument = scenarioPackument(scenario, name, base);
    response.writeHead(packument ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(packument ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-npm-scenario-'));
  try {
    writeFileSync(path.join(directory, 'package.json'), JSON.stringify({ name: 'scenario-root', version: '0.0.0', dependencies: scenario.roots }));
    const args = [
      'install',
      '--package-lock-only',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      `--registry=http://127.0.0.1:${port}/`,
      '--cache',
      path.join(directory, '.npm-cache'),
      ...(scenario.before ? [`--before=${scenario.before}`] : []),
    ];
    try {
      await run('npm', args, { cwd: directory });
    } catch (error) {
      const output = String((error as { stderr?: string }).stderr ?? '');
      return { name: scenario.name, npmVersion, nodeVersion: process.version, error: /npm error code (\w+)/.exec(output)?.[1] ?? 'failed' };
    }
    const lock = JSON.parse(readFileSync(path.join(directory, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
    const packages = Object.entries(lock.packages)
      .filter(([location]) => location !== '')
      .map(([location, entry]) => ({
        location,
        name: typeof entry.name === 'string' ? entry.name : location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length),
        version: String(entry.version),
        peer: entry.peer === true,
        optional: entry.optional === true,
        dev: entry.dev === true,
        extraneous: entry.extraneous === true,
      }));
    return { name: scenario.name, npmVersion, nodeVersion: process.version, packages };
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  }
}

async function main(): Promise<void> {
  const { scenarios } = JSON.parse(readFileSync(path.join(fixtures, 'scenarios.json'), 'utf8')) as { scenarios: Scenario[] };
  const npmVersion = (await run('npm', ['--version'])).stdout.trim();
  const expectations: ScenarioExpectation[] = [];
  for (const scenario of scenarios) expectations.push(await recordScenario(scenario, npmVersion));
  writeFileSync(path.join(fixtures, 'scenarios.expected.json'), `${JSON.stringify(expectations, null, 1)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
