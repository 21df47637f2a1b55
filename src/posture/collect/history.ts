/**
 * How much history both collectors read, and how they write its dates: one
 * definition, so that one repository gives the same commits and releases
 * from the API and from a checkout (conformance.test.ts holds them to it).
 */

/**
 * Newest commits per repository. GraphQL gives at most 100 a connection, at no
 * extra cost in points (a connection's cost does not depend on its `first`).
 */
export const COMMITS_PER_REPOSITORY = 100;
/** Newest releases (GitHub) or tags (a checkout) per repository. */
export const RELEASES_PER_REPOSITORY = 40;

/** ISO 8601 in UTC, as `Date#toISOString` writes it (a date that does not parse is kept as it is). */
export function isoDate(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}
