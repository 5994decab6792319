/**
 * Decoders for unquoted values: integers, floats, booleans and the four date/time
 * kinds. Each takes the scalar's span in the source, validates it character by
 * character (so an error points at the exact offending character) and converts once.
 */
import { isDigit } from '../../lexer/scanner.js';
import { errorAt, type TomlErrorCode } from './errors.js';
import {
  LocalDate,
  LocalDateTime,
  LocalTime,
  OffsetDateTime,
  daysInMonth,
  type TomlDateTime,
} from './datetime.js';

/** The type of a decoded value. */
export const enum Kind {
  String = 0,
  Integer = 1,
  Float = 2,
  Boolean = 3,
  OffsetDateTime = 4,
  LocalDateTime = 5,
  LocalDate = 6,
  LocalTime = 7,
  Array = 8,
  Table = 9,
}

/** How integers are returned. */
export const enum IntegerMode {
  Number = 0,
  BigInt = 1,
  Auto = 2,
}

/** What a decoder needs from the parser: options in, the decoded kind out, errors. */
export interface ScalarContext {
  kind: Kind;
  integerMode: IntegerMode;
  v11: boolean;
  fail(code: TomlErrorCode, message: string, start: number, end?: number): never;
}

const MAX_INT64 = 0x7fffffffffffffffn;
const MIN_INT64 = -0x8000000000000000n;

/** Decodes the unquoted value `src[start, end)`, setting `ctx.kind`. */
export function decodeScalar(ctx: ScalarContext, src: string, start: number, end: number): unknown {
  const c = src.charCodeAt(start);
  if (isDigit(c)) {
    if (end - start >= 3 && src.charCodeAt(start + 2) === 0x3a) {
      return decodeDateTime(ctx, src, start, end);
    }
    // A date is four digits and '-'; a float can have its exponent's '-' at the same
    // place (1.2e-5, 123e-5), so all four must be digits.
    if (
      end - start >= 5 &&
      src.charCodeAt(start + 4) === 0x2d &&
      isDigit(src.charCodeAt(start + 1)) &&
      isDigit(src.charCodeAt(start + 2)) &&
      isDigit(src.charCodeAt(start + 3))
    ) {
      return decodeDateTime(ctx, src, start, end);
    }
    return decodeNumber(ctx, src, start, end);
  }
  switch (c) {
    case 0x2b: // +
    case 0x2d: // -
    case 0x69: // i
    case 0x6e: // n
      return decodeNumber(ctx, src, start, end);
    case 0x74: // t
      if (end - start === 4 && src.startsWith('true', start)) {
        ctx.kind = Kind.Boolean;
        return true;
      }
      break;
    case 0x66: // f
      if (end - start === 5 && src.startsWith('false', start)) {
        ctx.kind = Kind.Boolean;
        return false;
      }
      break;
  }
  const text = src.slice(start, end);
  const hint =
    text.toLowerCase() === 'true' || text.toLowerCase() === 'false'
      ? ` (booleans are lowercase: ${text.toLowerCase()})`
      : ' (strings need quotes)';
  return ctx.fail('invalid-value', `invalid value '${text}'${hint}`, start, end);
}

/** Integers (decimal, `0x`, `0o`, `0b`) and floats, including `inf` and `nan`. */
export function decodeNumber(ctx: ScalarContext, src: string, start: number, end: number): unknown {
  let p = start;
  let c = src.charCodeAt(p);
  const signed = c === 0x2b || c === 0x2d;
  const negative = c === 0x2d;
  if (signed) c = src.charCodeAt(++p);
  if (p === end) ctx.fail('invalid-integer', 'a sign must be followed by digits', start, end);
  if (c === 0x69 || c === 0x6e) {
    const word = src.slice(p, end);
    if (word === 'inf' || word === 'nan') {
      ctx.kind = Kind.Float;
      if (word === 'nan') return NaN;
      return negative ? -Infinity : Infinity;
    }
    ctx.fail('invalid-value', `invalid value '${src.slice(start, end)}'`, start, end);
  }
  if (c === 0x30 && p + 1 < end) {
    const prefix = src.charCodeAt(p + 1);
    if (prefix === 0x78 || prefix === 0x6f || prefix === 0x62) {
      if (signed) {
        ctx.fail(
          'invalid-integer',
          'hexadecimal, octal and binary integers cannot have a sign',
          start,
        );
      }
      return decodePrefixed(ctx, src, start, end, prefix === 0x78 ? 16 : prefix === 0x6f ? 8 : 2);
    }
  }
  // Decimal integer part: no leading zeros, '_' only between digits.
  const digitsStart = p;
  let value = 0;
  let underscores = false;
  for (; p < end; p++) {
    c = src.charCodeAt(p);
    if (isDigit(c)) {
      value = value * 10 + (c - 0x30);
    } else if (c === 0x5f) {
      if (p === digitsStart || !isDigit(src.charCodeAt(p + 1)) || p + 1 >= end) {
        ctx.fail('invalid-integer', "'_' must be between two digits", p);
      }
      underscores = true;
    } else {
      break;
    }
  }
  if (p === digitsStart) {
    ctx.fail('invalid-integer', `expected a digit, found ${describe(src, p, end)}`, p);
  }
  if (src.charCodeAt(digitsStart) === 0x30 && p - digitsStart > 1) {
    ctx.fail('invalid-integer', 'leading zeros are not allowed', digitsStart, p);
  }
  if (p === end) {
    ctx.kind = Kind.Integer;
    const digitCount = p - digitsStart;
    if (digitCount <= 15) return integerValue(ctx, negative ? 0 - value : value);
    return bigIntegerValue(ctx, src, start, end, underscores);
  }
  if (c !== 0x2e && c !== 0x65 && c !== 0x45) {
    ctx.fail('invalid-integer', `unexpected ${describe(src, p, end)} in number`, p);
  }
  return decodeFloatTail(ctx, src, start, p, end, underscores, value);
}

function describe(src: string, p: number, end: number): string {
  return p >= end ? 'end of number' : `'${src[p]}'`;
}

function integerValue(ctx: ScalarContext, value: number): number | bigint {
  return ctx.integerMode === IntegerMode.BigInt ? BigInt(value) : value;
}

function bigIntegerValue(
  ctx: ScalarContext,
  src: string,
  start: number,
  end: number,
  underscores: boolean,
): number | bigint {
  let text = src.slice(start, end);
  if (underscores) text = text.replaceAll('_', '');
  if (text.charCodeAt(0) === 0x2b) text = text.slice(1);
  return checkedInteger(ctx, BigInt(text), start, end);
}

function checkedInteger(
  ctx: ScalarContext,
  big: bigint,
  start: number,
  end: number,
): number | bigint {
  if (big > MAX_INT64 || big < MIN_INT64) {
    ctx.fail('integer-overflow', 'integer does not fit in 64 bits (signed)', start, end);
  }
  if (ctx.integerMode === IntegerMode.BigInt) return big;
  if (big <= 9007199254740991n && big >= -9007199254740991n) return Number(big);
  if (ctx.integerMode === IntegerMode.Auto) return big;
  return ctx.fail(
    'unsafe-integer',
    `integer ${big} is beyond ±(2^53-1) and would lose precision as a number; use the option integers: 'bigint' or 'auto'`,
    start,
    end,
  );
}

function decodePrefixed(
  ctx: ScalarContext,
  src: string,
  start: number,
  end: number,
  radix: number,
): number | bigint {
  const first = start + 2;
  const name = radix === 16 ? 'hexadecimal' : radix === 8 ? 'octal' : 'binary';
  if (first === end) ctx.fail('invalid-integer', `${name} integer needs digits`, start, end);
  let value = 0;
  for (let p = first; p < end; p++) {
    const c = src.charCodeAt(p);
    let d = -1;
    if (isDigit(c)) d = c - 0x30;
    else if (radix === 16) {
      const lower = c | 0x20;
      if (lower >= 0x61 && lower <= 0x66) d = lower - 0x61 + 10;
    }
    if (d >= 0 && d < radix) {
      value = value * radix + d;
    } else if (c === 0x5f && p > first && p + 1 < end && isDigitOf(src.charCodeAt(p + 1), radix)) {
      continue;
    } else {
      ctx.fail(
        'invalid-integer',
        c === 0x5f ? "'_' must be between two digits" : `invalid ${name} digit '${src[p]}'`,
        p,
      );
    }
  }
  ctx.kind = Kind.Integer;
  if (value <= Number.MAX_SAFE_INTEGER) return integerValue(ctx, value);
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '0b';
  const text = prefix + src.slice(first, end).replaceAll('_', '');
  return checkedInteger(ctx, BigInt(text), start, end);
}

function isDigitOf(c: number, radix: number): boolean {
  if (isDigit(c)) return c - 0x30 < radix;
  if (radix !== 16) return false;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66;
}

/** Powers of ten that doubles hold exactly. */
const EXACT_POWERS_OF_TEN = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/**
 * The fraction and/or exponent of a float whose integer part `src[start, p)` is already
 * validated (its digits are worth `integerPart`); `src[p]` is `.`, `e` or `E`.
 *
 * When the digits form an integer below 2^53 and the decimal exponent is within
 * ±22, both are exact doubles and one multiplication or division rounds correctly
 * (Clinger's fast path): most floats in practice, without cutting out their text.
 */
function decodeFloatTail(
  ctx: ScalarContext,
  src: string,
  start: number,
  p: number,
  end: number,
  underscores: boolean,
  integerPart: number,
): number {
  let digits = integerPart;
  let exponent = 0;
  if (src.charCodeAt(p) === 0x2e) {
    const from = p + 1;
    p = zeroPrefixableDigits(ctx, src, from, end, 'after the decimal point');
    for (let i = from; i < p; i++) {
      const c = src.charCodeAt(i);
      if (c === 0x5f) continue;
      digits = digits * 10 + (c - 0x30);
      exponent--;
    }
    if (p < end && src.charCodeAt(p) === 0x5f) underscores = true;
  }
  if (p < end) {
    const c = src.charCodeAt(p);
    if (c !== 0x65 && c !== 0x45) {
      ctx.fail('invalid-float', `unexpected ${describe(src, p, end)} in float`, p);
    }
    p++;
    const sign = src.charCodeAt(p);
    if (sign === 0x2b || sign === 0x2d) p++;
    const from = p;
    p = zeroPrefixableDigits(ctx, src, p, end, 'in the exponent');
    if (p < end) ctx.fail('invalid-float', `unexpected ${describe(src, p, end)} in float`, p);
    let written = 0;
    for (let i = from; i < p && written < 1000; i++) {
      const d = src.charCodeAt(i);
      if (d !== 0x5f) written = written * 10 + (d - 0x30);
    }
    exponent += sign === 0x2d ? -written : written;
  }
  ctx.kind = Kind.Float;
  if (digits < 9007199254740992 && exponent >= -22 && exponent <= 22) {
    const magnitude =
      exponent < 0
        ? digits / EXACT_POWERS_OF_TEN[-exponent]!
        : digits * EXACT_POWERS_OF_TEN[exponent]!;
    return src.charCodeAt(start) === 0x2d ? -magnitude : magnitude;
  }
  let text = src.slice(start, end);
  if (underscores || text.indexOf('_') !== -1) text = text.replaceAll('_', '');
  return Number(text);
}

/** One or more digits with `_` only between digits, from `p`; returns the offset after. */
function zeroPrefixableDigits(
  ctx: ScalarContext,
  src: string,
  p: number,
  end: number,
  where: string,
): number {
  if (p >= end || !isDigit(src.charCodeAt(p))) {
    ctx.fail('invalid-float', `expected a digit ${where}, found ${describe(src, p, end)}`, p);
  }
  for (p++; p < end; p++) {
    const c = src.charCodeAt(p);
    if (isDigit(c)) continue;
    if (c === 0x5f) {
      if (p + 1 < end && isDigit(src.charCodeAt(p + 1))) continue;
      ctx.fail('invalid-float', "'_' must be between two digits", p);
    }
    break;
  }
  return p;
}

/** Two decimal digits at `p` as a number, or -1. */
function twoDigits(src: string, p: number, end: number): number {
  if (p + 1 >= end) return -1;
  const a = src.charCodeAt(p) - 0x30;
  const b = src.charCodeAt(p + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function expectChar(
  ctx: ScalarContext,
  src: string,
  p: number,
  end: number,
  ch: number,
  what: string,
) {
  if (p >= end || src.charCodeAt(p) !== ch) {
    ctx.fail('invalid-datetime', `expected '${String.fromCharCode(ch)}' ${what}`, p);
  }
}

function field(
  ctx: ScalarContext,
  src: string,
  p: number,
  end: number,
  what: string,
  min: number,
  max: number,
): number {
  const v = twoDigits(src, p, end);
  if (v < 0) ctx.fail('invalid-datetime', `${what} must be two digits`, p, Math.min(p + 2, end));
  if (v < min || v > max) {
    ctx.fail(
      'invalid-datetime',
      `${what} ${src.slice(p, p + 2)} is out of range (${min}-${max})`,
      p,
      p + 2,
    );
  }
  return v;
}

/** Decoded time fields, kept in one reused object to avoid allocation per value. */
interface TimeFields {
  hour: number;
  minute: number;
  second: number;
  fraction: string;
}

/** `HH:MM[:SS[.fraction]]` at `p`; returns the offset after it. */
function readTime(
  ctx: ScalarContext,
  src: string,
  p: number,
  end: number,
  out: TimeFields,
): number {
  out.hour = field(ctx, src, p, end, 'hour', 0, 23);
  expectChar(ctx, src, p + 2, end, 0x3a, 'between hour and minute');
  out.minute = field(ctx, src, p + 3, end, 'minute', 0, 59);
  p += 5;
  out.second = 0;
  out.fraction = '';
  if (p < end && src.charCodeAt(p) === 0x3a) {
    out.second = field(ctx, src, p + 1, end, 'second', 0, 60);
    p += 3;
    if (p < end && src.charCodeAt(p) === 0x2e) {
      const from = p + 1;
      let q = from;
      while (q < end && isDigit(src.charCodeAt(q))) q++;
      if (q === from) ctx.fail('invalid-datetime', 'expected digits after the decimal point', from);
      out.fraction = src.slice(from, q);
      p = q;
    }
  } else if (!ctx.v11) {
    ctx.fail('version-1.1-only', 'times without seconds need TOML 1.1', p - 5, p);
  }
  return p;
}

const time: TimeFields = { hour: 0, minute: 0, second: 0, fraction: '' };

/** Offset date-times, local date-times, local dates and local times. */
export function decodeDateTime(
  ctx: ScalarContext,
  src: string,
  start: number,
  end: number,
): unknown {
  if (src.charCodeAt(start + 2) === 0x3a) {
    const p = readTime(ctx, src, start, end, time);
    if (p < end) ctx.fail('invalid-datetime', `unexpected '${src[p]}' after time`, p);
    ctx.kind = Kind.LocalTime;
    return new LocalTime(time.hour, time.minute, time.second, time.fraction);
  }
  for (let i = start; i < start + 4; i++) {
    if (!isDigit(src.charCodeAt(i))) {
      ctx.fail('invalid-datetime', 'year must be four digits', start, start + 4);
    }
  }
  const year = Number(src.slice(start, start + 4));
  expectChar(ctx, src, start + 4, end, 0x2d, 'after the year');
  const month = field(ctx, src, start + 5, end, 'month', 1, 12);
  expectChar(ctx, src, start + 7, end, 0x2d, 'after the month');
  const day = field(ctx, src, start + 8, end, 'day', 1, 31);
  if (day > daysInMonth(year, month)) {
    ctx.fail(
      'invalid-datetime',
      month === 2 && day === 29
        ? `${year} is not a leap year, so February has no day 29`
        : `day ${day} does not exist in month ${month}`,
      start + 8,
      start + 10,
    );
  }
  let p = start + 10;
  if (p === end) {
    ctx.kind = Kind.LocalDate;
    return new LocalDate(year, month, day);
  }
  const delim = src.charCodeAt(p);
  if (delim !== 0x54 && delim !== 0x74 && delim !== 0x20) {
    ctx.fail(
      'invalid-datetime',
      `expected 'T' or a space between date and time, found '${src[p]}'`,
      p,
    );
  }
  p = readTime(ctx, src, p + 1, end, time);
  if (p === end) {
    ctx.kind = Kind.LocalDateTime;
    return new LocalDateTime(year, month, day, time.hour, time.minute, time.second, time.fraction);
  }
  const c = src.charCodeAt(p);
  let offset: string;
  if (c === 0x5a || c === 0x7a) {
    offset = 'Z';
    p++;
  } else if (c === 0x2b || c === 0x2d) {
    field(ctx, src, p + 1, end, 'offset hour', 0, 23);
    expectChar(ctx, src, p + 3, end, 0x3a, 'in the offset');
    field(ctx, src, p + 4, end, 'offset minute', 0, 59);
    offset = src.slice(p, p + 6);
    p += 6;
  } else {
    return ctx.fail('invalid-datetime', `unexpected '${src[p]}' after time`, p);
  }
  if (p < end) ctx.fail('invalid-datetime', `unexpected '${src[p]}' after the offset`, p);
  ctx.kind = Kind.OffsetDateTime;
  return new OffsetDateTime(
    year,
    month,
    day,
    time.hour,
    time.minute,
    time.second,
    time.fraction,
    offset,
  );
}

/**
 * Reads date/time text (TOML / RFC 3339: `1979-05-27T07:32:00Z`, `1979-05-27`,
 * `07:32:00`, …) into the matching class. Throws a `TomlError` for anything else.
 */
export function parseDateTime(text: string): TomlDateTime {
  const ctx: ScalarContext = {
    kind: Kind.String,
    integerMode: IntegerMode.Number,
    v11: true,
    fail(code, message, start, end) {
      throw errorAt(code, message, text, start, end);
    },
  };
  if (text.length < 5)
    ctx.fail('invalid-datetime', `'${text}' is not a date or time`, 0, text.length);
  return decodeDateTime(ctx, text, 0, text.length) as TomlDateTime;
}
