/**
 * A set of versions of one package, as a bitset over that package's known
 * versions (index 0 = lowest). The resolver fetches a package's version list
 * before any term about it is built, so every set lives in a finite universe
 * and complement, union and intersection are exact word operations.
 */
export class VersionSet {
  readonly size: number;
  readonly #words: Uint32Array;

  private constructor(size: number, words: Uint32Array) {
    this.size = size;
    this.#words = words;
  }

  static empty(size: number): VersionSet {
    return new VersionSet(size, new Uint32Array(wordCount(size)));
  }

  static full(size: number): VersionSet {
    return VersionSet.empty(size).complement();
  }

  static singleton(size: number, index: number): VersionSet {
    const words = new Uint32Array(wordCount(size));
    words[index >>> 5] = 1 << (index & 31);
    return new VersionSet(size, words);
  }

  static fromPredicate(size: number, includes: (index: number) => boolean): VersionSet {
    const words = new Uint32Array(wordCount(size));
    for (let index = 0; index < size; index++) {
      if (includes(index)) words[index >>> 5]! |= 1 << (index & 31);
    }
    return new VersionSet(size, words);
  }

  contains(index: number): boolean {
    return index >= 0 && index < this.size && ((this.#words[index >>> 5]! >>> (index & 31)) & 1) === 1;
  }

  isEmpty(): boolean {
    return this.#words.every((word) => word === 0);
  }

  equals(other: VersionSet): boolean {
    const a = this.#words;
    const b = other.#words;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  complement(): VersionSet {
    const words = this.#words.map((word) => ~word >>> 0);
    const tail = this.size & 31;
    if (tail !== 0) words[words.length - 1]! &= (1 << tail) - 1;
    return new VersionSet(this.size, words);
  }

  intersection(other: VersionSet): VersionSet {
    return new VersionSet(this.size, this.#words.map((word, i) => word & other.#words[i]!));
  }

  union(other: VersionSet): VersionSet {
    return new VersionSet(this.size, this.#words.map((word, i) => word | other.#words[i]!));
  }

  /** this \ other */
  difference(other: VersionSet): VersionSet {
    return new VersionSet(this.size, this.#words.map((word, i) => word & ~other.#words[i]!));
  }

  /** Indices in the set, highest first. */
  *descending(): Generator<number> {
    for (let index = this.size - 1; index >= 0; index--) if (this.contains(index)) yield index;
  }

  /** The only member, or -1. */
  single(): number {
    let found = -1;
    for (let w = 0; w < this.#words.length; w++) {
      const word = this.#words[w]!;
      if (word === 0) continue;
      if (found !== -1 || (word & (word - 1)) !== 0) return -1;
      found = w * 32 + (31 - Math.clz32(word));
    }
    return found;
  }

  /** A stable key for hashing equal sets together. */
  key(): string {
    return Array.from(this.#words, (word) => word.toString(36)).join('.');
  }
}

function wordCount(size: number): number {
  return Math.max(1, Math.ceil(size / 32));
}

/** A PubGrub term: "the package is selected at a version in `set`" or its negation. */
export interface Term {
  readonly positive: boolean;
  readonly set: VersionSet;
}

export function positive(set: VersionSet): Term {
  return { positive: true, set };
}

export function negative(set: VersionSet): Term {
  return { positive: false, set };
}

export function negate(term: Term): Term {
  return { positive: !term.positive, set: term.set };
}

export function intersectTerms(a: Term, b: Term): Term {
  if (a.positive && b.positive) return positive(a.set.intersection(b.set));
  if (a.positive) return positive(a.set.difference(b.set));
  if (b.positive) return positive(b.set.difference(a.set));
  return negative(a.set.union(b.set));
}

export function unionTerms(a: Term, b: Term): Term {
  return negate(intersectTerms(negate(a), negate(b)));
}

export function termsEqual(a: Term, b: Term): boolean {
  return a.positive === b.positive && a.set.equals(b.set);
}

/** `Term::any()`: the negation of the empty set; no constraint at all. */
export function isAnyTerm(term: Term): boolean {
  return !term.positive && term.set.isEmpty();
}

export function termContains(term: Term, index: number): boolean {
  return term.positive ? term.set.contains(index) : !term.set.contains(index);
}

export function isDisjoint(a: Term, b: Term): boolean {
  const both = intersectTerms(a, b);
  return both.positive && both.set.isEmpty();
}

/** a ⊆ b, as PubGrub tests it: a ∩ b == a. */
export function isSubset(a: Term, b: Term): boolean {
  return termsEqual(intersectTerms(a, b), a);
}
