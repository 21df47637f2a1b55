import { parseJsonDocument } from '../common/json-document.js';
import { addError, addErrors, addPackage } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult, Extractor } from '../types.js';
import { isReadFromRecord, readCondaRecord } from './read-record.js';
import { condaMeta as detection } from '../detection.js';

function extract(input: ExtractInput): ExtractResult {
  const document = parseJsonDocument(input.path, input.text, { keep: isReadFromRecord });
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  addErrors(result.errors, document.errors);
  const root = document.root;
  if (!root) return result;

  // One file is one record: its entry starts where the top-level object does.
  const location = { path: input.path, line: document.lineAt(root.offset) };
  if (root.type !== 'object') {
    addError(result.errors, 'parse-error', 'a conda-meta record must be a JSON object', location);
    return result;
  }

  const record = readCondaRecord(root);
  if (!record.name) {
    addError(result.errors, 'parse-error', 'conda-meta record has no "name"', location);
    return result;
  }

  const qualifiers: Record<string, string> = {};
  if (record.channel) qualifiers.channel = record.channel;
  if (record.subdir) qualifiers.subdir = record.subdir;
  if (record.build) qualifiers.build = record.build;
  const conda: ExtractedPackage = {
    ecosystem: 'conda',
    name: record.name,
    version: record.version || null,
    location,
    source: 'registry',
    qualifiers,
  };
  addPackage(result, conda, 'conda-meta record has no "version"');

  // The conda → PyPI twin: the package installs this distribution's own metadata folder,
  // so it is that distribution at that version (no guessing from names).
  for (const distribution of record.distributions) {
    result.packages.push({
      ecosystem: 'PyPI',
      name: distribution.name,
      version: distribution.version,
      location,
      source: 'registry',
      qualifiers: { conda: record.name },
    });
  }
  return result;
}

export const extractor: Extractor = { ...detection, extract };
