/**
 * The tagged JSON of the toml-test suite: every value as `{type, value}` with the value
 * as a string, so types survive JSON (`1` vs `1.0`, dates, 64-bit integers).
 */
import { LocalDate, LocalDateTime, LocalTime, OffsetDateTime } from './datetime.js';

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
