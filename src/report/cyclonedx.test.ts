import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import type { Severity } from '../advisories/types.js';
import {
  advisorySource,
  buildCycloneDxDocument,
  LOCATION_PROPERTY,
  nameBasedUuid,
  ratingMethod,
  renderCycloneDx,
} from './cyclonedx.js';
import { cleanReport, GHSA_4952, sampleReport } from './sample-report.fixture.js';
import type { ScanReport } from '../scan/types.js';

const SCAN_TIME = new Date('2024-10-15T08:30:00.000Z');

interface CycloneDxJson {
  $schema: string;
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp?: string; tools: { components: { type: string; name: string; version: string }[] } };
  components: { type: string; name: string; version: string; 'bom-ref': string; purl: string; properties?: { name: string; value: string }[] }[];
  dependencies?: unknown;
  vulnerabilities?: {
    id: string;
    source: { name: string; url: string };
    references?: { id: string; source: { name: string; url: string } }[];
    ratings?: { method: string; severity: string; score?: number; vector?: string }[];
    description?: string;
    recommendation?: string;
    advisories?: { url: string }[];
    affects: { ref: string }[];
  }[];
}

function render(report: ScanReport, timestamp?: Date): CycloneDxJson {
  return JSON.parse(renderCycloneDx(report, timestamp ? { timestamp } : {})) as CycloneDxJson;
}

describe('renderCycloneDx', () => {
  it.each([
    ['a scan with findings', sampleReport(), SCAN_TIME],
    ['a clean scan without a timestamp', cleanReport(), undefined],
  ])('passes the library strict JSON validator for CycloneDX 1.6: %s', async (_name, report, timestamp) => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(renderCycloneDx(report, timestamp ? { timestamp } : {}))).toBeNull();
  });

  it('the validator can fail: a component without a name is rejected', async () => {
    const bom = render(sampleReport());
    delete (bom.components[0] as { name?: string }).name;
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(JSON.stringify(bom))).not.toBeNull();
  });

  it('is a CycloneDX 1.6 BOM with the tool and the scan time', () => {
    const bom = render(sampleReport(), SCAN_TIME);
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    expect(bom.metadata.timestamp).toBe('2024-10-15T08:30:00.000Z');
    expect(bom.metadata.tools.components).toEqual([{ type: 'application', name: 'chainwatch', version: '0.1.0' }]);
  });

  it('has one component per package with the purl as bom-ref and its locations as properties', () => {
    const bom = render(sampleReport());
    expect(bom.components.map((component) => component['bom-ref'])).toEqual([
      'pkg:pypi/jupyter-server@1.13.1',
      'pkg:pypi/jupyterlab@4.0.11',
      'pkg:pypi/notebook@6.4.0',
      'pkg:pypi/tornado@6.4',
    ]);
    expect(bom.components[2]).toEqual({
      type: 'library',
      name: 'notebook',
      version: '6.4.0',
      'bom-ref': 'pkg:pypi/notebook@6.4.0',
      purl: 'pkg:pypi/notebook@6.4.0',
      properties: [
        { name: LOCATION_PROPERTY, value: 'poetry.lock:812' },
        { name: LOCATION_PROPERTY, value: 'requirements.txt:4' },
      ],
    });
  });

  it('merges a purl listed twice into one component, whatever the input order', () => {
    const report = sampleReport();
    const notebook = report.packages.find((scanned) => scanned.name === 'notebook')!;
    report.packages.push({ ...notebook, locations: [{ path: 'environment.yml', line: 12 }, { path: 'poetry.lock', line: 812 }] });
    const merged = render(report).components.find((component) => component.name === 'notebook')!;
    expect(merged.properties!.map((property) => property.value)).toEqual([
      'environment.yml:12',
      'poetry.lock:812',
      'requirements.txt:4',
    ]);
    expect(render({ ...report, packages: [...report.packages].reverse() })).toEqual(render(report));
    expect(render(report).components).toHaveLength(4);
  });

  it('adds a component for a package that only a finding names', () => {
    const report = { ...sampleReport(), packages: [] };
    const bom = render(report);
    expect(bom.components.map((component) => component.purl)).toEqual([
      'pkg:pypi/jupyter-server@1.13.1',
      'pkg:pypi/notebook@6.4.0',
    ]);
  });

  it('leaves out the dependency graph, which a scan does not know', () => {
    expect(render(sampleReport())).not.toHaveProperty('dependencies');
  });

  it('has one vulnerability per advisory id, most severe first', () => {
    expect(render(sampleReport()).vulnerabilities!.map((vulnerability) => vulnerability.id)).toEqual([
      'GHSA-hrw6-wg82-cm62',
      'GHSA-4952-p58q-6crx',
      'PYSEC-2022-212',
      'PYSEC-2022-211',
    ]);
  });

  it('writes source, CVSS rating, affects, references, advisories and the upgrade', () => {
    const vulnerability = render(sampleReport()).vulnerabilities!.find((entry) => entry.id === 'GHSA-4952-p58q-6crx')!;
    expect(vulnerability).toEqual({
      id: 'GHSA-4952-p58q-6crx',
      source: { name: 'GitHub Advisory Database', url: 'https://osv.dev/vulnerability/GHSA-4952-p58q-6crx' },
      references: [{ id: 'CVE-2021-32797', source: { name: 'CVE', url: 'https://osv.dev/vulnerability/CVE-2021-32797' } }],
      ratings: [
        { method: 'CVSSv31', severity: 'high', score: 7.4, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:N' },
      ],
      description: 'JupyterLab: XSS due to lack of sanitization of the action attribute of an html <form>',
      recommendation: 'notebook 6.4.0: upgrade to 5.7.11 or 6.4.1.',
      advisories: [{ url: 'https://github.com/jupyterlab/jupyterlab/security/advisories/GHSA-4952-p58q-6crx' }],
      affects: [{ ref: 'pkg:pypi/notebook@6.4.0' }],
    });
  });

  it('rates a database-only severity as method "other" and leaves out an unknown one', () => {
    const vulnerabilities = render(sampleReport()).vulnerabilities!;
    const pysec212 = vulnerabilities.find((entry) => entry.id === 'PYSEC-2022-212')!;
    expect(pysec212.ratings).toEqual([{ method: 'other', severity: 'medium' }]);
    expect(pysec212.source.name).toBe('PyPA Advisory Database');
    expect(pysec212.references!.map((reference) => reference.id)).toEqual(['CVE-2022-29238', 'GHSA-v7vq-3x77-87vg']);
    expect(pysec212).not.toHaveProperty('description');
    const pysec211 = vulnerabilities.find((entry) => entry.id === 'PYSEC-2022-211')!;
    expect(pysec211.ratings ?? []).toEqual([]);
  });

  it('lists every affected package of an advisory that hits two packages', () => {
    const report = sampleReport();
    const jupyterlab = report.packages.find((scanned) => scanned.name === 'jupyterlab')!;
    report.findings.push({
      ...GHSA_4952,
      package: { ecosystem: 'PyPI', name: 'jupyterlab', version: '3.0.16', purl: 'pkg:pypi/jupyterlab@3.0.16' },
      fixed: ['1.2.21', '2.2.10', '2.3.2', '3.0.17', '3.1.4'],
      locations: jupyterlab.locations,
    });
    const vulnerability = render(report).vulnerabilities!.find((entry) => entry.id === 'GHSA-4952-p58q-6crx')!;
    expect(vulnerability.affects).toEqual([{ ref: 'pkg:pypi/jupyterlab@3.0.16' }, { ref: 'pkg:pypi/notebook@6.4.0' }]);
    expect(vulnerability.ratings).toHaveLength(1);
    expect(vulnerability.recommendation).toBe(
      'jupyterlab 3.0.16: upgrade to 1.2.21 or 2.2.10 or 2.3.2 or 3.0.17 or 3.1.4; notebook 6.4.0: upgrade to 5.7.11 or 6.4.1.',
    );
  });

  it('is deterministic: the serial number comes from the content and the scan time', () => {
    const report = sampleReport();
    const first = renderCycloneDx(report, { timestamp: SCAN_TIME });
    const reordered = { ...report, findings: [...report.findings].reverse(), packages: [...report.packages].reverse() };
    expect(renderCycloneDx(reordered, { timestamp: SCAN_TIME })).toBe(first);
    const serial = (JSON.parse(first) as CycloneDxJson).serialNumber;
    expect(serial).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(render(report, new Date('2024-10-16T08:30:00.000Z')).serialNumber).not.toBe(serial);
    expect(render(cleanReport(), SCAN_TIME).serialNumber).not.toBe(serial);
  });

  it('buildCycloneDxDocument returns the same value renderCycloneDx prints', () => {
    const report = sampleReport();
    expect(`${JSON.stringify(buildCycloneDxDocument(report), null, 2)}\n`).toBe(renderCycloneDx(report));
  });
});

describe('nameBasedUuid', () => {
  it.each([
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') and uuid.uuid5(uuid.NAMESPACE_URL, 'pkg:pypi/notebook@6.4.0')
    ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org', '886313e1-3b8a-5372-9b90-0c9aee199e5d'],
    ['6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'pkg:pypi/notebook@6.4.0', '8ef7f5a8-3c21-5335-a0e7-506f86211ee8'],
  ])('uuid5(%s, %s) = %s', (namespace, name, expected) => {
    expect(nameBasedUuid(namespace, name)).toBe(expected);
  });
});

describe('ratingMethod', () => {
  it.each<[Severity, string]>([
    [{ level: 'high', score: 8.6, vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N', source: 'CVSS_V4' }, 'CVSSv4'],
    [{ level: 'high', score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', source: 'CVSS_V3' }, 'CVSSv31'],
    [{ level: 'high', score: 7.5, vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', source: 'CVSS_V3' }, 'CVSSv3'],
    [{ level: 'medium', score: 5, vector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N', source: 'CVSS_V2' }, 'CVSSv2'],
    [{ level: 'medium', source: 'database' }, 'other'],
    [{ level: 'unknown', source: 'none' }, 'other'],
  ])('%j is rated with %s', (severity, expected) => {
    expect(ratingMethod(severity)).toBe(expected);
  });
});

describe('advisorySource', () => {
  it.each([
    ['GHSA-hrw6-wg82-cm62', 'GitHub Advisory Database'],
    ['PYSEC-2022-212', 'PyPA Advisory Database'],
    ['CVE-2024-35178', 'CVE'],
    ['DSA-5678-1', 'Debian Security Advisories'],
    ['RUSTSEC-2024-0001', 'RUSTSEC'],
  ])('%s comes from %s', (id, name) => {
    const source = advisorySource(id);
    expect(source.name).toBe(name);
    expect(String(source.url)).toBe(`https://osv.dev/vulnerability/${id}`);
  });
});
