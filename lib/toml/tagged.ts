/**
 * The tagged JSON of the toml-test suite: every value as `{type, value}` with the value
 * as a string, so types survive JSON (`1` vs `1.0`, dates, 64-bit integers).
 */
import { LocalDate, LocalDateTime, LocalTime, OffsetDateTime } from './datetime.js';
import { isStackOverflow } from './errors.js';
import { parseDateTime } from './scalars.js';

export type TaggedType =
  | 'string'
  | 'integer'
  | 'float'
  | 'bool'
  | 'datetime'
  | 'datetime-local'
  | 'date-local'
  | 'time-local';

export interface TaggedScalar {
  type: TaggedType;
  value: string;
}

export type Tagged = TaggedScalar | Tagged[] | { [key: string]: Tagged };

/** Float text as toml-test writes it: `inf`, `-inf`, `nan`, `-0`, else shortest decimal. */
export function floatText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/**
 * Tagged JSON of a value parsed with `integers: 'bigint'` (so integers are `bigint`
 * and every `number` is a float).
 */
export function toTagged(value: unknown): Tagged {
  switch (typeof value) {
    case 'string':
      return { type: 'string', value };
    case 'bigint':
      return { type: 'integer', value: value.toString() };
    case 'number':
      return { type: 'float', value: floatText(value) };
    case 'boolean':
      return { type: 'bool', value: String(value) };
  }
  if (value instanceof OffsetDateTime) return { type: 'datetime', value: value.toString() };
  if (value instanceof LocalDateTime) return { type: 'datetime-local', value: value.toString() };
  if (value instanceof LocalDate) return { type: 'date-local', value: value.toString() };
  if (value instanceof LocalTime) return { type: 'time-local', value: value.toString() };
  if (Array.isArray(value)) return value.map(toTagged);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Tagged } = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, {
        value: toTagged((value as Record<string, unknown>)[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  throw new TypeError(`cannot tag a value of type ${value === null ? 'null' : typeof value}`);
}

const DATE_CLASSES = {
  datetime: OffsetDateTime,
  'datetime-local': LocalDateTime,
  'date-local': LocalDate,
  'time-local': LocalTime,
} as const;

function floatFromText(text: string): number {
  switch (text) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
      return Infinity;
    case '-inf':
      return -Infinity;
  }
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new TypeError(`invalid float '${text}'`);
  return value;
}

function isTaggedScalar(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return (
    keys.length === 2 &&
    typeof value['type'] === 'string' &&
    typeof value['value'] === 'string' &&
    keys.includes('type') &&
    keys.includes('value')
  );
}

/**
 * Values from tagged JSON: integers become `bigint`s and floats `number`s (write them
 * with `stringify(value, { numbers: 'float' })`). Throws a `TypeError` for anything
 * that is not tagged JSON.
 */
export function fromTagged(tagged: unknown, path = ''): unknown {
  try {
    return decodeTagged(tagged, path);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    throw new TypeError('tagged JSON is nested deeper than the JavaScript stack allows');
  }
}

function decodeTagged(tagged: unknown, path: string): unknown {
  if (Array.isArray(tagged)) return tagged.map((item, i) => decodeTagged(item, `${path}[${i}]`));
  if (tagged === null || typeof tagged !== 'object') {
    throw new TypeError(
      `expected a tagged value, an array or a table at ${path || 'the top level'}`,
    );
  }
  const record = tagged as Record<string, unknown>;
  if (isTaggedScalar(record)) {
    const text = record['value'] as string;
    switch (record['type']) {
      case 'string':
        return text;
      case 'integer':
        if (!/^[+-]?\d+$/.test(text)) throw new TypeError(`invalid integer '${text}' at ${path}`);
        return BigInt(text);
      case 'float':
        return floatFromText(text);
      case 'bool':
        if (text !== 'true' && text !== 'false')
          throw new TypeError(`invalid bool '${text}' at ${path}`);
        return text === 'true';
      case 'datetime':
      case 'datetime-local':
      case 'date-local':
      case 'time-local': {
        const value = parseDateTime(text);
        if (!(value instanceof DATE_CLASSES[record['type']])) {
          throw new TypeError(`'${text}' is not a ${record['type']} at ${path}`);
        }
        return value;
      }
    }
    throw new TypeError(`unknown type '${String(record['type'])}' at ${path}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    Object.defineProperty(out, key, {
      value: decodeTagged(record[key], path === '' ? key : `${path}.${key}`),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
