/**
 * Reads the packages of an SPDX 2.x JSON document (2.2 and 2.3 share the fields used here).
 */
import { arrayItems, keyLine, property, stringValue, type JsonDocument, type JsonNode, type JsonPath } from '../common/json-document.js';
import { packageFromPurl, type PurlOutcome } from '../common/purl-package.js';
import { addError, addErrors, addPackage } from '../common/result.js';
import type { ExtractResult } from '../types.js';

/** SPDX 2.3 spells the category `PACKAGE-MANAGER`; 2.2 tools wrote `PACKAGE_MANAGER`. */
const PACKAGE_MANAGER = new Set(['PACKAGE-MANAGER', 'PACKAGE_MANAGER']);

/** `A <type> B`: A is needed only to develop, build or test B. */
const DEV_RELATIONSHIPS = new Set([
  'DEV_DEPENDENCY_OF',
  'TEST_DEPENDENCY_OF',
  'BUILD_DEPENDENCY_OF',
  'DEV_TOOL_OF',
  'BUILD_TOOL_OF',
  'TEST_TOOL_OF',
]);
/** `A <type> B`: A is an optional part of B. */
const OPTIONAL_RELATIONSHIPS = new Set(['OPTIONAL_DEPENDENCY_OF', 'OPTIONAL_COMPONENT_OF']);
/** `A <type> B`: A is needed by B at run time. */
const RUNTIME_RELATIONSHIPS = new Set(['DEPENDENCY_OF', 'RUNTIME_DEPENDENCY_OF']);

const ROOT_FIELDS: ReadonlySet<string> = new Set(['spdxVersion', 'SPDXID', 'documentDescribes', 'relationships', 'packages']);
const PACKAGE_FIELDS: ReadonlySet<string> = new Set(['SPDXID', 'name', 'versionInfo', 'externalRefs']);
const REFERENCE_FIELDS: ReadonlySet<string> = new Set(['referenceCategory', 'referenceType', 'referenceLocator']);
const RELATIONSHIP_FIELDS: ReadonlySet<string> = new Set(['spdxElementId', 'relatedSpdxElement', 'relationshipType']);

/**
 * The parts of a document that are read (`keep` of parseJsonDocument): packages with their ids,
 * names, versions and external references, and the relationships. `files`, `snippets`,
 * checksums, licences and annotations (most of an image SBOM) are never built.
 */
export function isReadFromDocument(path: JsonPath): boolean {
  const [top, index, field, referenceIndex, referenceField] = path;
  switch (path.length) {
    case 1:
      return ROOT_FIELDS.has(String(top));
    case 2:
      return typeof index === 'number' && (top === 'documentDescribes' || top === 'relationships' || top === 'packages');
    case 3:
      if (top === 'relationships') return RELATIONSHIP_FIELDS.has(String(field));
      return top === 'packages' && PACKAGE_FIELDS.has(String(field));
    case 4:
      return top === 'packages' && field === 'externalRefs' && typeof referenceIndex === 'number';
    case 5:
      return top === 'packages' && REFERENCE_FIELDS.has(String(referenceField));
    default:
      return false;
  }
}

interface Relationships {
  /** SPDX ids the document describes (`documentDescribes`, `DESCRIBES`, `DESCRIBED_BY`). */
  described: Set<string>;
  dev: Set<string>;
  optional: Set<string>;
  runtime: Set<string>;
}

function readRelationships(root: JsonNode): Relationships {
  const documentId = stringValue(property(root, 'SPDXID')) ?? 'SPDXRef-DOCUMENT';
  const relationships: Relationships = { described: new Set(), dev: new Set(), optional: new Set(), runtime: new Set() };
  for (const item of arrayItems(property(root, 'documentDescribes'))) {
    const id = stringValue(item);
    if (id) relationships.described.add(id);
  }
  for (const relationship of arrayItems(property(root, 'relationships'))) {
    const from = stringValue(property(relationship, 'spdxElementId'));
    const to = stringValue(property(relationship, 'relatedSpdxElement'));
    const type = stringValue(property(relationship, 'relationshipType'));
    if (!from || !to || !type) continue;
    if (type === 'DESCRIBES' && from === documentId) relationships.described.add(to);
    else if (type === 'DESCRIBED_BY' && to === documentId) relationships.described.add(from);
    else if (DEV_RELATIONSHIPS.has(type)) relationships.dev.add(from);
    else if (OPTIONAL_RELATIONSHIPS.has(type)) relationships.optional.add(from);
    else if (RUNTIME_RELATIONSHIPS.has(type)) relationships.runtime.add(from);
    else if (type === 'DEPENDS_ON') relationships.runtime.add(to);
  }
  return relationships;
}

interface PurlReference {
  node: JsonNode;
  purl: string;
}

function purlReferences(spdxPackage: JsonNode): PurlReference[] {
  const references: PurlReference[] = [];
  for (const reference of arrayItems(property(spdxPackage, 'externalRefs'))) {
    const category = stringValue(property(reference, 'referenceCategory'));
    const type = stringValue(property(reference, 'referenceType'));
    const locatorNode = property(reference, 'referenceLocator');
    const purl = stringValue(locatorNode);
    if (category && PACKAGE_MANAGER.has(category) && type === 'purl' && purl && locatorNode) {
      references.push({ node: locatorNode, purl });
    }
  }
  return references;
}

function readPackage(document: JsonDocument, path: string, spdxPackage: JsonNode, relationships: Relationships, result: ExtractResult): void {
  const startLine = document.lineAt(spdxPackage.offset);
  if (spdxPackage.type !== 'object') {
    addError(result.errors, 'parse-error', 'a package must be a JSON object', { path, line: startLine });
    return;
  }
  const id = stringValue(property(spdxPackage, 'SPDXID')) ?? '';
  const name = stringValue(property(spdxPackage, 'name')) ?? '(unnamed package)';
  const versionInfo = stringValue(property(spdxPackage, 'versionInfo'));
  const describedSubject = relationships.described.has(id);

  const references = purlReferences(spdxPackage);
  if (references.length === 0) {
    if (!describedSubject) result.notScannable.push({ name, reason: 'package has no purl', location: { path, line: startLine } });
    return;
  }

  // The first purl of a supported type identifies the package; otherwise the first one explains why not.
  let chosen: { outcome: PurlOutcome; line: number } | undefined;
  for (const reference of references) {
    const line = keyLine(document, reference.node);
    const outcome = packageFromPurl(reference.purl, versionInfo, { path, line });
    if (outcome.kind === 'invalid') {
      addError(result.errors, 'parse-error', outcome.reason, { path, line });
    }
    chosen ??= { outcome, line };
    if (outcome.kind === 'package') {
      chosen = { outcome, line };
      break;
    }
  }
  const { outcome, line } = chosen!;
  const location = { path, line };
  if (outcome.kind !== 'package') {
    if (!describedSubject) result.notScannable.push({ name, reason: outcome.reason, location });
    return;
  }

  const extracted = outcome.package;
  if (!relationships.runtime.has(id)) {
    if (relationships.dev.has(id)) extracted.dev = true;
    else if (relationships.optional.has(id)) extracted.optional = true;
  }
  addPackage(result, extracted, 'neither the purl nor versionInfo gives a version');
}

export function readSpdxDocument(document: JsonDocument, path: string): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  addErrors(result.errors, document.errors);
  const root = document.root;
  if (!root) return result;
  const spdxVersion = stringValue(property(root, 'spdxVersion'));
  if (root.type !== 'object' || !spdxVersion?.startsWith('SPDX-2.')) {
    addError(result.errors, 'unsupported-format', 'not an SPDX 2.x JSON document (no "spdxVersion": "SPDX-2.x")', { path, line: document.lineAt(root.offset) });
    return result;
  }
  const relationships = readRelationships(root);
  const packages = property(root, 'packages');
  if (packages !== undefined && packages.type !== 'array') {
    addError(result.errors, 'parse-error', `"packages" must be an array, found ${packages.type}`, { path, line: document.lineAt(packages.offset) });
  }
  for (const spdxPackage of arrayItems(packages)) {
    readPackage(document, path, spdxPackage, relationships, result);
  }
  return result;
}
