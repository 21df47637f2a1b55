import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AuditReportModel } from '../../audit/report-types.js';
import { renderAuditJson } from './json.js';
import { HOSTILE_SCRIPT, LONG_SUMMARY, sampleAuditModel } from './sample-model.fixture.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Objects whose keys are data (severities, clock states, check ids, entry names), not names of the contract. */
const DATA_MAPS = new Set(['changes.not_compared', 'standing.vulnerabilities.by_severity', 'standing.advisories.by_clock', 'standing.images[].by_severity', 'trends[].findings', 'trends[].coverage', 'trends[].advisories']);

/** Every key path of a document (`[]` for a list's elements), not descending into data maps. */
function keyPaths(value: Json, path = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const element of value) keyPaths(element, `${path}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      out.add(childPath);
      if (!DATA_MAPS.has(childPath)) keyPaths(child, childPath, out);
    }
  }
  return out;
}

/** `a.{b,c}.d` → `a.b.d`, `a.c.d`. */
function expand(path: string): string[] {
  const match = /\{([^{}]*)\}/.exec(path);
  if (match === null) return [path];
  return match[1]!.split(',').flatMap((choice) => expand(path.slice(0, match.index) + choice + path.slice(match.index + match[0].length)));
}

/** The key paths json-format.md documents for chainwatch.report/1: the first column of its key table. */
function documentedPaths(): Set<string> {
  const text = readFileSync(new URL('../json-format.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('# Audit report JSON format (`chainwatch.report/1`)'));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return new Set(rows.flatMap((row) => [...row.split(' | ')[0]!.matchAll(/`([^`]+)`/g)].flatMap((match) => expand(match[1]!))));
}

function withModel(change: (model: AuditReportModel) => void): AuditReportModel {
  const model = sampleAuditModel();
  change(model);
  return model;
}

const text = renderAuditJson(sampleAuditModel());
const document = JSON.parse(text) as Record<string, Json> & {
  changes: { findings: { appeared: { id: string; summary: string }[] }; advisories: { opened: { url: string }[] } };
  actions: { priority: number; is_new: boolean }[];
  trends: { id: number; coverage: Record<string, number | null> | null; findings: Record<string, number> | null }[];
  standing: Record<string, Json>;
};

describe('renderAuditJson', () => {
  it('names its schema and gives the top-level keys in order, the run with snake_case keys', () => {
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(document)).toEqual(['schema', 'run', 'since', 'notes', 'changes', 'actions', 'standing', 'trends', 'steps', 'sources']);
    expect(document.schema).toBe('chainwatch.report/1');
    expect(document.run).toEqual({ id: 42, started_at: '2026-05-11T08:00:00.000Z', status: 'partial', tool_version: '0.1.0', identity: 'config:3f2a9c1e', label: 'jupyter preset' });
    expect(document.since).toEqual({ id: 41, started_at: '2026-05-04T08:00:00.000Z', status: 'complete', tool_version: '0.1.0' });
  });

  it('writes every key in snake_case except keys that are data', () => {
    const model = withModel((entry) => (entry.changes!.notCompared = { newInstallScripts: 'run 41 recorded no scripts' }));
    const paths = [...keyPaths(JSON.parse(renderAuditJson(model)) as Json)];
    for (const path of paths) expect(path.split('.').pop()!.replace('[]', ''), path).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(paths).toContain('changes.packages.version_changes[].from');
    expect(paths).toContain('standing.posture.orgs[].checks[].not_applicable');
    const rendered = JSON.parse(renderAuditJson(model)) as { changes: { not_compared: Record<string, string> } };
    expect(rendered.changes.not_compared).toEqual({ new_install_scripts: 'run 41 recorded no scripts' });
  });

  it('has exactly the keys json-format.md documents', () => {
    // Every list filled, so that every element's keys appear.
    const full = withModel((model) => (model.changes!.advisories!.closed = [...model.changes!.advisories!.opened]));
    const actual = keyPaths(JSON.parse(renderAuditJson(full)) as Json);
    const documented = documentedPaths();
    expect([...actual].filter((path) => !documented.has(path)), 'not documented').toEqual([]);
    expect([...documented].filter((path) => !actual.has(path)), 'documented but not written').toEqual([]);
  });

  it('keeps the data keys as data, in report order', () => {
    expect(document.standing).toMatchObject({
      vulnerabilities: { findings: 7, packages: 5, by_severity: { critical: 1, high: 2, medium: 3, low: 1, unknown: 0, none: 0 } },
      advisories: { total: 6, by_clock: { overdue: 1, 'due-soon': 2, due: 1, met: 2 } },
      not_checked: ['conda'],
    });
    expect(Object.keys((document.standing.vulnerabilities as { by_severity: object }).by_severity)).toEqual(['critical', 'high', 'medium', 'low', 'unknown', 'none']);
    expect(document.trends.map((point) => point.id)).toEqual([40, 41, 42]);
    expect(document.trends[0]!.coverage).toBeNull();
    expect(document.trends[2]!.coverage).toEqual({ 'dependency-update-tool': 64.3, 'pinned-actions': 26.7, 'security-policy': 100, 'token-permissions': null });
  });

  it('keeps every text whole and unescaped (JSON escapes it), and every entry (no limit)', () => {
    const appeared = document.changes.findings.appeared;
    expect(appeared.map((entry) => entry.id)).toEqual(['GHSA-cccc-dddd-eeee', 'GHSA-aaaa-bbbb-cccc', 'PYSEC-2026-7']);
    expect(appeared[0]!.summary).toBe(LONG_SUMMARY);
    expect(appeared[1]!.summary.startsWith(HOSTILE_SCRIPT)).toBe(true);
    expect(document.changes.advisories.opened.map((entry) => entry.url)).toEqual(['https://github.com/jupyter/jupyter_server/security/advisories/GHSA-good-0000-0002', 'javascript:alert(1)']);
    expect((document.changes as unknown as { packages: { added: unknown[] } }).packages.added).toHaveLength(23);
    expect(document.actions.map((action) => action.priority)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(document.actions.map((action) => action.is_new)).toEqual([true, false, true, true, false, true]);
  });

  it('writes a part not compared as null and a list with nothing as []', () => {
    const rendered = JSON.parse(renderAuditJson(withModel((model) => (model.changes!.posture = null)))) as { changes: { posture: unknown; advisories: { closed: unknown[] } } };
    expect(rendered.changes.posture).toBeNull();
    expect(rendered.changes.advisories.closed).toEqual([]);
    const first = JSON.parse(renderAuditJson(withModel((model) => ((model.since = null), (model.changes = null))))) as { since: unknown; changes: unknown };
    expect(first).toMatchObject({ since: null, changes: null });
  });

  it('gives the same bytes for the same model, whatever the order of its lists', () => {
    const shuffled = withModel((model) => {
      model.actions.reverse();
      model.trends.reverse();
      model.sources.reverse();
      model.changes!.findings!.appeared.reverse();
      model.trends[0]!.coverage = Object.fromEntries(Object.entries(model.trends[0]!.coverage!).reverse());
      const vulnerabilities = model.standing.vulnerabilities!;
      vulnerabilities.bySeverity = Object.fromEntries(Object.entries(vulnerabilities.bySeverity).reverse()) as typeof vulnerabilities.bySeverity;
    });
    expect(renderAuditJson(shuffled)).toBe(text);
  });
});
