import { parseJsonDocument } from '../common/json-document.js';
import type { ExtractInput, ExtractResult, Extractor } from '../types.js';
import { isReadFromDocument, readSpdxDocument } from './read-document.js';
import { spdx as detection } from '../detection.js';

function extract(input: ExtractInput): ExtractResult {
  return readSpdxDocument(parseJsonDocument(input.path, input.text, { keep: isReadFromDocument }), input.path);
}

export const extractor: Extractor = { ...detection, extract };
