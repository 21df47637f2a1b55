import type { ExtractInput, ExtractResult, Extractor } from '../types.js';
import { parseJsonDocument } from '../common/json-document.js';
import { isReadFromBom, readCycloneDxBom } from './read-bom.js';
import { cyclonedx as detection } from '../detection.js';

function extract(input: ExtractInput): ExtractResult {
  return readCycloneDxBom(parseJsonDocument(input.path, input.text, { keep: isReadFromBom }), input.path);
}

export const extractor: Extractor = { ...detection, extract };
