import { yamlNestingExceeds } from '../core/nesting.js';
import { inflateMember, type ZipEntry } from '../core/zip.js';
import { advisoryFormatOf, MAX_YAML_TEXT_NESTING, withoutBom, YAML_OPTIONS, type AdvisoryFormat } from './advisory-format.js';
import { readAdvisoryFileSync } from './advisory-sources.js';
import { MAX_RECORD_DEPTH, nestedDeeperThan, validateOsvRecord } from './osv-validator.js';
import { packJson, prepareRecord, type PreparedRecord } from './prepared.js';
import { parseYamlSubset, surelyNestedWithin } from './yaml-subset.js';

/**
 * The work of an import that can run anywhere: on a worker thread
 * (import-worker.ts) or, for small inputs, on the importing thread itself.
 * Pure data in, pure data out (tasks and outcomes cross threads by structured
 * clone; a zip batch's bytes are transferred, not copied).
 *
 * Only the happy path is decided here: a record that reads, parses and
 * validates comes back prepared for the store. Anything else comes back as
 * `redo`, and the importing thread reads that one input again through the
 * reference path (advisory-text.ts), so an error is always the same error,
 * with its line and cause, however the import ran. That also keeps the
 * schema library (zod) out of the worker threads: it is only needed to
 * describe a failure.
 */

/** One member of an export zip, with where its bytes sit in the batch's buffer. */
export interface ZipMemberTask {
  /** The member's position among the results (central directory order). */
  index: number;
  entry: ZipEntry;
  format: AdvisoryFormat;
  /** Offsets in the batch's bytes: from its local header to the end of its data. */
  start: number;
  end: number;
}

export type ImportTask =
  | { kind: 'zip'; archiveLabel: string; maxMemberBytes: number; bytes: Uint8Array; members: ZipMemberTask[] }
  | { kind: 'files'; files: { index: number; path: string }[] };

export type ImportOutcome = { index: number; record: PreparedRecord } | { index: number; redo: true };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

type YamlParse = (text: string, options: typeof YAML_OPTIONS) => unknown;
let yamlParse: YamlParse | null = null;

/** The `yaml` library, loaded on the first YAML record (an export zip of JSON never needs it). */
async function loadYaml(): Promise<YamlParse> {
  yamlParse ??= (await import('yaml')).parse as YamlParse;
  return yamlParse;
}

/** The YAML library is needed for this text: the subset reader declined it. */
const NEEDS_LIBRARY = Symbol('needs the YAML library');

/**
 * A record's text → its prepared form, or null when anything is not right
 * (the reference path then says what). The same steps as parseAdvisoryText:
 * BOM dropped, JSON.parse, or YAML (the subset reader, else the library
 * with the same options) after the same nesting limit, the depth limit, the
 * schema (its compiled twin).
 */
function prepareText(text: string, format: AdvisoryFormat, yaml: YamlParse | null): PreparedRecord | null | typeof NEEDS_LIBRARY {
  const source = withoutBom(text);
  let value: unknown;
  try {
    if (format === 'json') value = JSON.parse(source);
    else {
      // The subset reader cannot overflow (it declines instead); the nesting limit still decides first, as on the reference path.
      value = parseYamlSubset(source);
      const nestingChecked = value !== undefined && surelyNestedWithin(source, MAX_YAML_TEXT_NESTING);
      if (!nestingChecked && yamlNestingExceeds(source, MAX_YAML_TEXT_NESTING) !== null) return null;
      if (value === undefined) {
        if (yaml === null) return NEEDS_LIBRARY;
        value = yaml(source, YAML_OPTIONS);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || nestedDeeperThan(value, MAX_RECORD_DEPTH)) return null;
    const record = validateOsvRecord(value);
    return record === null ? null : prepareRecord(record);
  } catch {
    return null;
  }
}

/**
 * Outcomes for texts in order (null: the input could not be read); the YAML
 * library is loaded only if the subset reader declined one of them.
 */
async function outcomesFor(inputs: readonly { index: number; text: string | null; format: AdvisoryFormat | null }[]): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  const later: number[] = [];
  for (const { index, text, format } of inputs) {
    const record = text === null || format === null ? null : prepareText(text, format, yamlParse);
    if (record === NEEDS_LIBRARY) later.push(outcomes.length);
    outcomes.push(record === null || record === NEEDS_LIBRARY ? { index, redo: true } : { index, record });
  }
  if (later.length > 0) {
    const yaml = await loadYaml();
    for (const position of later) {
      const { index, text, format } = inputs[position]!;
      const record = prepareText(text!, format!, yaml);
      if (record !== null && record !== NEEDS_LIBRARY) outcomes[position] = { index, record };
    }
  }
  return outcomes;
}

function decode(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

function zipOutcomes(task: Extract<ImportTask, { kind: 'zip' }>): Promise<ImportOutcome[]> {
  return outcomesFor(
    task.members.map((member) => {
      const data = inflateMember(task.bytes.subarray(member.start, member.end), member.entry, `${task.archiveLabel}!/${member.entry.name}`, task.maxMemberBytes);
      return { index: member.index, text: data.ok ? decode(data.value) : null, format: member.format };
    }),
  );
}

function fileOutcomes(task: Extract<ImportTask, { kind: 'files' }>): Promise<ImportOutcome[]> {
  const reads = task.files.map((file) => readAdvisoryFileSync(file.path));
  return outcomesFor(reads.map((read, position) => ({ index: task.files[position]!.index, text: 'error' in read ? null : read.text, format: advisoryFormatOf(read.path) })));
}

export function runImportTask(task: ImportTask): Promise<ImportOutcome[]> {
  return task.kind === 'files' ? fileOutcomes(task) : zipOutcomes(task);
}

/** The outcomes of a task with their JSON texts packed into one buffer (packJson), and that buffer, for a thread to transfer back. */
export async function runImportTaskPacked(task: ImportTask): Promise<{ outcomes: ImportOutcome[]; transfer: ArrayBuffer[] }> {
  const outcomes = await runImportTask(task);
  const records = outcomes.flatMap((outcome) => ('record' in outcome ? [outcome.record] : []));
  return { outcomes, transfer: records.length > 0 ? [packJson(records)] : [] };
}
