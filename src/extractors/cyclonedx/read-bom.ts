/**
 * Reads the components of a CycloneDX JSON BOM (spec 1.2–1.6; the component
 * fields used here have not changed across them).
 */
import type { ExtractResult } from '../types.js';
import { arrayItems, keyLine, property, stringValue, type JsonDocument, type JsonNode, type JsonPath } from '../common/json-document.js';
import { packageFromPurl } from '../common/purl-package.js';
import { addError, addErrors, addPackage } from '../common/result.js';

/** Nested components (assemblies) are walked to this depth; deeper ones are reported, not followed. */
const MAX_DEPTH = 64;

/** The fields of a component that are read; hashes, licences, evidence and properties are never built. */
const COMPONENT_FIELDS: ReadonlySet<string> = new Set(['name', 'group', 'purl', 'version', 'scope', 'components']);

/** Whether `path[0..length)` leads to a component: `metadata.component`, or an element of a `components` array. */
function isComponent(path: JsonPath, length: number): boolean {
  if (length === 2 && path[0] === 'metadata') return path[1] === 'component';
  return length >= 2 && path[length - 2] === 'components' && typeof path[length - 1] === 'number';
}

/**
 * The parts of a BOM that are read (`keep` of parseJsonDocument): `bomFormat`, the components
 * and their identifying fields. Only asked about values whose parent was kept.
 */
export function isReadFromBom(path: JsonPath): boolean {
  const length = path.length;
  const last = path[length - 1];
  if (length === 1) return last === 'bomFormat' || last === 'metadata' || last === 'components';
  if (length === 2 && path[0] === 'metadata') return last === 'component';
  if (typeof last === 'number') return path[length - 2] === 'components';
  return isComponent(path, length - 1) && COMPONENT_FIELDS.has(last!);
}

interface Walk {
  document: JsonDocument;
  path: string;
  result: ExtractResult;
}

function componentName(component: JsonNode): string {
  const name = stringValue(property(component, 'name')) ?? '(unnamed component)';
  const group = stringValue(property(component, 'group'));
  return group ? `${group}/${name}` : name;
}

/**
 * `subject` is the BOM's own `metadata.component`: what the BOM describes, not one of its
 * dependencies. It is reported only when its purl names a package chainwatch can match.
 */
function readComponent(walk: Walk, component: JsonNode, depth: number, subject: boolean): void {
  const { document, path, result } = walk;
  const startLine = document.lineAt(component.offset);
  if (component.type !== 'object') {
    addError(result.errors, 'parse-error', 'a component must be a JSON object', { path, line: startLine });
    return;
  }

  const purlNode = property(component, 'purl');
  const purl = stringValue(purlNode);
  const name = componentName(component);
  if (purl === undefined || purlNode === undefined) {
    if (!subject) result.notScannable.push({ name, reason: 'component has no purl', location: { path, line: startLine } });
  } else {
    const location = { path, line: keyLine(document, purlNode) };
    const outcome = packageFromPurl(purl, stringValue(property(component, 'version')), location);
    if (outcome.kind === 'package') {
      const scope = stringValue(property(component, 'scope'));
      if (scope === 'optional') outcome.package.optional = true;
      // "excluded": present for tests or other non-runtime purposes (CycloneDX component scope).
      if (scope === 'excluded') outcome.package.dev = true;
      addPackage(result, outcome.package, 'purl has no version');
    } else if (outcome.kind === 'invalid') {
      addError(result.errors, 'parse-error', outcome.reason, location);
      result.notScannable.push({ name, reason: outcome.reason, location });
    } else if (!subject) {
      result.notScannable.push({ name, reason: outcome.reason, location });
    }
  }

  const children = arrayItems(property(component, 'components'));
  if (children.length === 0) return;
  if (depth >= MAX_DEPTH) {
    addError(result.errors, 'parse-error', `components nested deeper than ${MAX_DEPTH} levels are not read`, { path, line: startLine });
    return;
  }
  for (const child of children) readComponent(walk, child, depth + 1, false);
}

export function readCycloneDxBom(document: JsonDocument, path: string): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  addErrors(result.errors, document.errors);
  const root = document.root;
  if (!root) return result;
  const bomFormat = stringValue(property(root, 'bomFormat'));
  if (root.type !== 'object' || bomFormat !== 'CycloneDX') {
    addError(result.errors, 'unsupported-format', 'not a CycloneDX JSON BOM (no "bomFormat": "CycloneDX")', { path, line: document.lineAt(root.offset) });
    return result;
  }

  const walk: Walk = { document, path, result };
  const subject = property(property(root, 'metadata'), 'component');
  if (subject) readComponent(walk, subject, 0, true);
  const components = property(root, 'components');
  if (components !== undefined && components.type !== 'array') {
    addError(result.errors, 'parse-error', `"components" must be an array, found ${components.type}`, { path, line: document.lineAt(components.offset) });
  }
  for (const component of arrayItems(components)) readComponent(walk, component, 0, false);
  return result;
}
