/**
 * A sanity check of the peers' parse results against ours, so that a fast but wrong
 * parse shows as such. Libraries represent date/times differently (Date, their own
 * classes, or text), so a date/time matches any other date/time, or its own RFC 3339
 * text; the rest must match exactly.
 */

function isDateTime(value: object): boolean {
  return value instanceof Date || typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function sameScalar(a: unknown, b: unknown): boolean {
  // An exact integer may come back as a number or a bigint, depending on the library.
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** The path and values of the first difference between two parse results, or `null`. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | null {
  // A library without a type for some date/time kind may return its text instead.
  if (typeof actual === 'string' && typeof expected === 'object' && expected !== null) {
    if (isDateTime(expected) && String(expected) === actual) return null;
  }
  const bothObjects =
    typeof expected === 'object' &&
    expected !== null &&
    typeof actual === 'object' &&
    actual !== null;
  if (!bothObjects) {
    return sameScalar(expected, actual)
      ? null
      : `${path || 'the document'}: ${show(expected)} vs ${show(actual)}`;
  }
  if (isDateTime(expected) || isDateTime(actual)) {
    return isDateTime(expected) && isDateTime(actual)
      ? null
      : `${path}: ${show(expected)} vs ${show(actual)}`;
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) {
    return `${path}: ${Array.isArray(expected) ? 'an array' : 'a table'} vs ${Array.isArray(actual) ? 'an array' : 'a table'}`;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const keys = Object.keys(e);
  if (keys.length !== Object.keys(a).length) {
    return `${path || 'the document'}: ${keys.length} vs ${Object.keys(a).length} entries`;
  }
  for (const key of keys) {
    if (!Object.hasOwn(a, key)) return `${path}.${key}: missing`;
    const diff = firstDifference(
      e[key],
      a[key],
      Array.isArray(e) ? `${path}[${key}]` : `${path}.${key}`,
    );
    if (diff !== null) return diff;
  }
  return null;
}
