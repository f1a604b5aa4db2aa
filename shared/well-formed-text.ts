/** A UTF-16 surrogate half without its partner: JS strings may hold one, UTF-8 (SQLite, the wire) cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether a string is well-formed Unicode. A lone surrogate is stored as U+FFFD, so an id holding
 * one would be acked under one value and kept under another.
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
