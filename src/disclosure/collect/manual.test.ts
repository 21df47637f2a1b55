import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { manualAdvisoryFromOptions, parseManualFile, readManualSource } from './manual.js';

const FILE = 'security/manual-advisories.yaml';

const GOOD = `# Reports that arrived by e-mail
- id: MAIL-2026-003
  repo: desk-lab/server
  summary: Path traversal reported by mail
  created_at: 2026-08-01T09:15:00+02:00
  acknowledged_at: 2026-08-02
  acknowledged_by: carol
  acknowledged_note: replied from security@
  credits: [reporter-one, "helper-two:finder:accepted"]
  collaborators: [desk-lab-dev]
  teams: [security]
  severity: high
  public: true
  vulnerabilities:
    - ecosystem: pip
      package: desk-server
      vulnerable_version_range: "< 2.3.1"

- id: MAIL-2026-001
  repo: desk-lab/internal-tool
  summary: Old report, published
  state: published
  created_at: 2026-01-05T00:00:00Z
  published_at: 2026-03-01T12:00:00Z
  cve: CVE-2026-10001
  ghsa: GHSA-2x5q-hc8p-v4rf
  credits:
    - login: mail-reporter
      type: finder
      state: declined
`;

describe('parseManualFile', () => {
  it('reads records into DeskAdvisories and acknowledgements, dates in UTC, source file:line', () => {
    const parsed = parseManualFile(GOOD, FILE);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [mail, old] = parsed.value.advisories;
    expect(mail).toEqual({
      id: 'MAIL-2026-003',
      ghsaId: null,
      cveId: null,
      owner: 'desk-lab',
      repo: 'server',
      repositoryPublic: true,
      htmlUrl: null,
      summary: 'Path traversal reported by mail',
      description: null,
      state: 'triage',
      createdAt: '2026-08-01T07:15:00Z',
      updatedAt: '2026-08-02T00:00:00Z',
      publishedAt: null,
      closedAt: null,
      withdrawnAt: null,
      submissionAccepted: null,
      credits: [
        { login: 'reporter-one', type: 'reporter', state: 'pending' },
        { login: 'helper-two', type: 'finder', state: 'accepted' },
      ],
      collaboratingUsers: ['desk-lab-dev'],
      collaboratingTeams: ['security'],
      author: null,
      publisher: null,
      severity: 'high',
      cvss: [],
      cweIds: [],
      vulnerabilities: [{ ecosystem: 'pip', name: 'desk-server', vulnerableVersionRange: '< 2.3.1', patchedVersions: null, vulnerableFunctions: [] }],
      privateFork: null,
      references: [],
      origin: 'manual',
      source: `${FILE}:2`,
    });
    expect(old).toMatchObject({ id: 'MAIL-2026-001', state: 'published', publishedAt: '2026-03-01T12:00:00Z', updatedAt: '2026-03-01T12:00:00Z', cveId: 'CVE-2026-10001', ghsaId: 'GHSA-2x5q-hc8p-v4rf', source: `${FILE}:19`, repositoryPublic: null });
    expect(parsed.value.acknowledgements).toEqual([{ advisoryId: 'MAIL-2026-003', at: '2026-08-02T00:00:00Z', by: 'carol', note: 'replied from security@' }]);
  });

  it('an empty file holds no records', () => {
    expect(parseManualFile('# nothing yet\n', FILE)).toEqual({ ok: true, value: { advisories: [], acknowledgements: [] } });
  });

  const record = (lines: string) => `- id: MAIL-1\n  repo: desk-lab/server\n  summary: s\n  created_at: 2026-08-01T00:00:00Z\n${lines}`;
  const errors: { name: string; text: string; line: number | undefined; message: RegExp }[] = [
    { name: 'YAML that does not parse', text: '- id: [unclosed\n', line: 2, message: /^invalid YAML: / },
    { name: 'a mapping instead of a list', text: 'id: MAIL-1\n', line: 1, message: /expected a list of advisory records/ },
    { name: 'nesting deeper than the limit', text: `${'- '.repeat(40)}x\n`, line: 1, message: /nested deeper than 32 levels/ },
    { name: 'a missing created_at', text: '- id: MAIL-1\n  repo: a/b\n  summary: s\n', line: 1, message: /record 1 \(MAIL-1\): created_at: / },
    { name: 'a date without a zone', text: record('  closed_at: 2026-08-03T10:00:00\n'), line: 5, message: /closed_at: "2026-08-03T10:00:00" is not an ISO 8601 date-time with a time zone/ },
    { name: 'a day that does not exist', text: record('  updated_at: 2026-02-30\n'), line: 5, message: /updated_at: "2026-02-30" is not/ },
    { name: 'an unknown field (a typo)', text: record('  colaborators: [x]\n'), line: 5, message: /record 1 \(MAIL-1\): unknown field colaborators/ },
    { name: 'a repo that is not owner/name', text: '- id: MAIL-1\n  repo: server\n  summary: s\n  created_at: 2026-08-01\n', line: 2, message: /repo: is not owner\/name/ },
    { name: 'a GHSA id as the record id', text: '- id: GHSA-2x5q-hc8p-v4rf\n  repo: a/b\n  summary: s\n  created_at: 2026-08-01\n', line: 1, message: /is a GHSA or CVE id/ },
    { name: 'an id with spaces', text: '- id: mail 1\n  repo: a/b\n  summary: s\n  created_at: 2026-08-01\n', line: 1, message: /id: is not an id/ },
    { name: 'a state without its date', text: record('  state: closed\n'), line: 5, message: /state closed needs closed_at/ },
    { name: 'a date before created_at', text: record('  acknowledged_at: 2026-07-31T23:59:59Z\n'), line: 5, message: /acknowledged_at 2026-07-31T23:59:59Z is before created_at/ },
    { name: 'an acknowledger without a date', text: record('  acknowledged_by: carol\n'), line: 5, message: /acknowledged_by and acknowledged_note need acknowledged_at/ },
    { name: 'a credit of an unknown type', text: record('  credits: ["alice:hero"]\n'), line: 5, message: /credits\.0: "alice:hero" is not login\[:type\[:state\]\]/ },
    { name: 'a credit with an unknown field', text: record('  credits:\n    - login: alice\n      kind: finder\n'), line: 7, message: /credits\.0\.kind: unknown field kind/ },
    { name: 'an unknown ecosystem', text: record('  vulnerabilities:\n    - ecosystem: pypi\n      package: x\n'), line: 6, message: /vulnerabilities\.0\.ecosystem: / },
    { name: 'the same id twice', text: `${record('')}${record('')}`, line: 5, message: /record 2: id MAIL-1 is also the id of the record at line 1/ },
    { name: 'a record that is not a mapping', text: '- just text\n', line: 1, message: /record 1: / },
  ];
  it.each(errors)('names file:line for $name', ({ text, line, message }) => {
    const parsed = parseManualFile(text, FILE);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.location).toEqual(line === undefined ? { path: FILE } : { path: FILE, line });
    expect(parsed.error.message).toMatch(message);
    expect(parsed.error.describe()).toMatch(new RegExp(`^${FILE.replace(/[./]/g, '\\$&')}:${line}: `));
  });
});

describe('readManualSource', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-manual-'));
    writeFileSync(path.join(directory, 'good.yaml'), GOOD);
    writeFileSync(path.join(directory, 'bad.yaml'), record2());
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  function record2(): string {
    return '- id: MAIL-1\n  repo: desk-lab/server\n  summary: s\n  created_at: soon\n';
  }

  it('is a read source, an invalid one with file:line, or a not-found one; never throws', async () => {
    const good = await readManualSource(path.join(directory, 'good.yaml'));
    expect(good.sources).toEqual([{ name: `manual:${path.join(directory, 'good.yaml')}`, status: 'read', advisories: 2, note: null }]);
    expect(good.advisories[0]!.source).toBe(`${path.join(directory, 'good.yaml')}:2`);
    const bad = await readManualSource(path.join(directory, 'bad.yaml'));
    expect(bad.sources[0]).toMatchObject({ status: 'invalid', advisories: 0, note: expect.stringMatching(new RegExp(`bad\\.yaml:4: record 1 \\(MAIL-1\\): created_at: "soon"`)) });
    const missing = await readManualSource(path.join(directory, 'missing.yaml'));
    expect(missing.sources[0]).toMatchObject({ status: 'not-found', note: expect.stringMatching(/missing\.yaml: cannot read the manual advisories file: does not exist/) });
  });
});

describe('manualAdvisoryFromOptions (advisories add)', () => {
  const clock = fixedClock('2026-08-25T10:11:12.345Z');

  it('builds a triage record created now, with the same checks as the file', () => {
    const made = manualAdvisoryFromOptions({ id: 'MAIL-2026-004', repo: 'desk-lab/server', summary: 'XSS by mail', credits: ['someone:reporter'], severity: undefined }, { clock });
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    expect(made.value.advisory).toMatchObject({ id: 'MAIL-2026-004', state: 'triage', createdAt: '2026-08-25T10:11:12Z', updatedAt: '2026-08-25T10:11:12Z', origin: 'manual', source: 'advisories add', severity: null });
    expect(made.value.acknowledgement).toBeNull();
  });

  it.each([
    [{ id: 'MAIL 4', repo: 'a/b', summary: 's' }, /^id: is not an id/],
    [{ id: 'MAIL-4', repo: 'a', summary: 's' }, /^repo: is not owner\/name/],
    [{ id: 'MAIL-4', repo: 'a/b', summary: 's', created_at: '2026-08-01T10:00:00' }, /^created_at: "2026-08-01T10:00:00" is not/],
    [{ id: 'MAIL-4', repo: 'a/b', summary: 's', state: 'published' as const }, /^state published needs published_at$/],
    [{ id: 'MAIL-4', repo: 'a/b', summary: ' ' }, /^summary: is empty/],
  ])('refuses %o', (input, message) => {
    const made = manualAdvisoryFromOptions(input, { clock });
    expect(made.ok).toBe(false);
    if (made.ok) return;
    expect(made.error.code).toBe('invalid-argument');
    expect(made.error.message).toMatch(message);
  });

  it('records an acknowledgement given with it', () => {
    const made = manualAdvisoryFromOptions({ id: 'MAIL-5', repo: 'a/b', summary: 's', created_at: '2026-08-20', acknowledged_at: '2026-08-21T08:00:00Z', acknowledged_by: 'carol' }, { clock });
    expect(made.ok && made.value.acknowledgement).toEqual({ advisoryId: 'MAIL-5', at: '2026-08-21T08:00:00Z', by: 'carol', note: null });
  });
});
