/**
 * The sort key setuptools (and `packaging` before 22.0, as `LegacyVersion`) gave
 * to versions that are not PEP 440. No library in JavaScript has it; OSV still
 * orders PyPI's old releases this way, and the shared ordering vectors expect it.
 *
 * The text is cut into runs of digits, runs of letters, `.` and `-` (anything
 * between them is kept as its own piece). Numbers are zero-padded to compare as
 * numbers, words get a `*` prefix so they sort before numbers, a few words are
 * renamed so that `dev` < `a`… < `c` (= `pre`, `rc`) < final, and trailing zeros
 * before a word or the end are dropped (`1.0` = `1`).
 */
const PIECE = /(\d+|[a-z]+|\.|-)/;

const RENAMED = new Map([
  ['pre', 'c'],
  ['preview', 'c'],
  ['-', 'final-'],
  ['rc', 'c'],
  ['dev', '@'],
]);

function* pieces(text: string): Generator<string> {
  for (const raw of text.split(PIECE)) {
    const piece = RENAMED.get(raw) ?? raw;
    if (piece === '' || piece === '.') continue;
    yield /^[0-9]/.test(piece) ? piece.padStart(8, '0') : `*${piece}`;
  }
  yield '*final';
}

export function legacySortKey(text: string): string[] {
  const key: string[] = [];
  for (const piece of pieces(text.toLowerCase())) {
    if (piece.startsWith('*')) {
      // A pre-release word drops the `final-` markers of the dashes before it.
      if (piece < '*final') {
        while (key.length > 0 && key[key.length - 1] === '*final-') key.pop();
      }
      while (key.length > 0 && key[key.length - 1] === '00000000') key.pop();
    }
    key.push(piece);
  }
  return key;
}
