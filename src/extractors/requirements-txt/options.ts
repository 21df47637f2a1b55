import { excerpt } from '../../core/excerpt.js';

/**
 * The pip options that may stand on a line of their own in a requirements
 * file. Only includes and editables matter for an inventory; the index and
 * install options are recognised so that they are skipped knowingly, and
 * anything else is reported instead of being silently ignored.
 */
export type OptionKind = 'requirement' | 'constraint' | 'editable' | 'ignored';

interface OptionSpec {
  kind: OptionKind;
  takesValue: boolean;
}

const OPTION_SPECS: Record<string, OptionSpec> = {
  '-r': { kind: 'requirement', takesValue: true },
  '--requirement': { kind: 'requirement', takesValue: true },
  '-c': { kind: 'constraint', takesValue: true },
  '--constraint': { kind: 'constraint', takesValue: true },
  '-e': { kind: 'editable', takesValue: true },
  '--editable': { kind: 'editable', takesValue: true },
  '-i': { kind: 'ignored', takesValue: true },
  '--index-url': { kind: 'ignored', takesValue: true },
  '--extra-index-url': { kind: 'ignored', takesValue: true },
  '-f': { kind: 'ignored', takesValue: true },
  '--find-links': { kind: 'ignored', takesValue: true },
  '--trusted-host': { kind: 'ignored', takesValue: true },
  '--no-binary': { kind: 'ignored', takesValue: true },
  '--only-binary': { kind: 'ignored', takesValue: true },
  '--use-feature': { kind: 'ignored', takesValue: true },
  '--global-option': { kind: 'ignored', takesValue: true },
  '--config-settings': { kind: 'ignored', takesValue: true },
  '-C': { kind: 'ignored', takesValue: true },
  '--hash': { kind: 'ignored', takesValue: true },
  '--no-index': { kind: 'ignored', takesValue: false },
  '--pre': { kind: 'ignored', takesValue: false },
  '--prefer-binary': { kind: 'ignored', takesValue: false },
  '--require-hashes': { kind: 'ignored', takesValue: false },
};

/** Short options whose value may be glued on (`-rbase.txt`), as optparse allows. */
const GLUED_SHORT_OPTIONS = new Set(['-r', '-c', '-e']);

export type ParsedOption =
  | { ok: true; flag: string; kind: OptionKind; value: string | undefined }
  | { ok: false; flag: string; message: string };

/** Parses the option tokens of an option line, e.g. `['-r', 'base.txt']` or `['--index-url=https://…']`. */
export function parseOptions(tokens: readonly string[]): ParsedOption[] {
  const parsed: ParsedOption[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    let flag = token;
    let value: string | undefined;
    const equals = token.indexOf('=');
    if (token.startsWith('--') && equals !== -1) {
      flag = token.slice(0, equals);
      value = token.slice(equals + 1);
    } else if (!(token in OPTION_SPECS) && GLUED_SHORT_OPTIONS.has(token.slice(0, 2)) && !token.startsWith('--')) {
      flag = token.slice(0, 2);
      value = token.slice(2);
    }
    const spec = Object.hasOwn(OPTION_SPECS, flag) ? OPTION_SPECS[flag] : undefined;
    if (!spec) {
      // A whole token may be a pasted secret (`-MY_TOKEN=…`): the message quotes a bounded excerpt.
      parsed.push({ ok: false, flag, message: `unknown option ${JSON.stringify(excerpt(flag))}` });
      continue;
    }
    if (spec.takesValue && value === undefined) {
      value = tokens[index + 1];
      if (value === undefined) {
        parsed.push({ ok: false, flag, message: `option ${excerpt(flag)} needs a value` });
        continue;
      }
      index++;
    }
    parsed.push({ ok: true, flag, kind: spec.kind, value: spec.takesValue ? value : undefined });
  }
  return parsed;
}
