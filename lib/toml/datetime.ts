/**
 * TOML's four date/time kinds. Each keeps exactly what was written: the kind, every
 * fractional-second digit (sub-millisecond too), and the offset as written (`Z`,
 * `+00:00` and `-00:00` are different offsets in RFC 3339). `toString()` is the
 * canonical RFC 3339 text, which is also what `toJSON()` returns.
 */

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkRange(what: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function checkDate(year: number, month: number, day: number): void {
  checkRange('year', year, 0, 9999);
  checkRange('month', month, 1, 12);
  checkRange('day', day, 1, daysInMonth(year, month));
}

function checkTime(hour: number, minute: number, second: number, fraction: string): void {
  checkRange('hour', hour, 0, 23);
  checkRange('minute', minute, 0, 59);
  checkRange('second', second, 0, 60);
  // A number would be written as it prints (`01:02:03.0.5`), which no reader accepts.
  if (typeof fraction !== 'string') {
    throw new RangeError(`fraction must be a string of decimal digits, got ${String(fraction)}`);
  }
  for (let i = 0; i < fraction.length; i++) {
    const c = fraction.charCodeAt(i);
    if (c < 0x30 || c > 0x39)
      throw new RangeError(`fraction must be decimal digits, got '${fraction}'`);
  }
}

/** Two decimal digits of `text` at `i` as a number, or -1. */
function twoDigits(text: string, i: number): number {
  const hi = text.charCodeAt(i) - 0x30;
  const lo = text.charCodeAt(i + 1) - 0x30;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : -1;
}

function checkOffset(offset: string): void {
  if (typeof offset !== 'string') {
    throw new RangeError(`offset must be 'Z' or ±HH:MM, got ${String(offset)}`);
  }
  const sign = offset[0];
  const hours = twoDigits(offset, 1);
  const minutes = twoDigits(offset, 4);
  if (
    offset.length !== 6 ||
    (sign !== '+' && sign !== '-') ||
    offset[3] !== ':' ||
    hours < 0 ||
    minutes < 0
  ) {
    throw new RangeError(`offset must be 'Z' or ±HH:MM, got '${offset}'`);
  }
  checkRange('offset hour', hours, 0, 23);
  checkRange('offset minute', minutes, 0, 59);
}

function dateText(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function timeText(hour: number, minute: number, second: number, fraction: string): string {
  const base = `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
  return fraction === '' ? base : `${base}.${fraction}`;
}

/** Milliseconds from the first (up to three) fraction digits, truncated. */
function fractionMillis(fraction: string): number {
  return fraction === '' ? 0 : Number((fraction + '00').slice(0, 3));
}

// The fields of the classes are `declare`d and set by their constructors, in the same
// order: a declared class field is one more copy of its name in every bundle.

/** A calendar date with no time and no offset: `1979-05-27`. */
export class LocalDate {
  declare readonly year: number;
  declare readonly month: number;
  declare readonly day: number;

  constructor(year: number, month: number, day: number) {
    checkDate(year, month, day);
    this.year = year;
    this.month = month;
    this.day = day;
  }

  toString(): string {
    return dateText(this.year, this.month, this.day);
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: unknown): boolean {
    return other instanceof LocalDate && other.toString() === this.toString();
  }
}

/** A time of day with no date and no offset: `07:32:00.999999`. */
export class LocalTime {
  declare readonly hour: number;
  declare readonly minute: number;
  declare readonly second: number;
  /** Fractional-second digits exactly as written (`''` when there are none). */
  declare readonly fraction: string;

  constructor(hour: number, minute: number, second = 0, fraction = '') {
    checkTime(hour, minute, second, fraction);
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.fraction = fraction;
  }

  /** Milliseconds within the second (further digits truncated, as TOML requires). */
  get millisecond(): number {
    return fractionMillis(this.fraction);
  }

  toString(): string {
    return timeText(this.hour, this.minute, this.second, this.fraction);
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: unknown): boolean {
    return other instanceof LocalTime && other.toString() === this.toString();
  }
}

/** A date and time with no offset: `1979-05-27T07:32:00`. */
export class LocalDateTime {
  declare readonly year: number;
  declare readonly month: number;
  declare readonly day: number;
  declare readonly hour: number;
  declare readonly minute: number;
  declare readonly second: number;
  declare readonly fraction: string;

  constructor(
    year: number,
    month: number,
    day: number,
    hour: number,
    minute: number,
    second = 0,
    fraction = '',
  ) {
    checkDate(year, month, day);
    checkTime(hour, minute, second, fraction);
    this.year = year;
    this.month = month;
    this.day = day;
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.fraction = fraction;
  }

  get millisecond(): number {
    return fractionMillis(this.fraction);
  }

  toString(): string {
    return `${dateText(this.year, this.month, this.day)}T${timeText(this.hour, this.minute, this.second, this.fraction)}`;
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: unknown): boolean {
    return other instanceof LocalDateTime && other.toString() === this.toString();
  }
}

/** A date and time at an offset from UTC: `1979-05-27T07:32:00-08:00`. */
export class OffsetDateTime {
  declare readonly year: number;
  declare readonly month: number;
  declare readonly day: number;
  declare readonly hour: number;
  declare readonly minute: number;
  declare readonly second: number;
  declare readonly fraction: string;
  /** `'Z'` or `±HH:MM`, as written (`z` reads as `Z`). */
  declare readonly offset: string;

  constructor(
    year: number,
    month: number,
    day: number,
    hour: number,
    minute: number,
    second = 0,
    fraction = '',
    offset = 'Z',
  ) {
    checkDate(year, month, day);
    checkTime(hour, minute, second, fraction);
    if (offset !== 'Z') checkOffset(offset);
    this.year = year;
    this.month = month;
    this.day = day;
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.fraction = fraction;
    this.offset = offset;
  }

  get millisecond(): number {
    return fractionMillis(this.fraction);
  }

  /** The offset east of UTC in minutes (`-00:00` gives 0). */
  get offsetMinutes(): number {
    if (this.offset === 'Z') return 0;
    const minutes = Number(this.offset.slice(1, 3)) * 60 + Number(this.offset.slice(4, 6));
    // 0 - minutes, not -minutes: -00:00 is documented to give 0, and -0 is not 0 to
    // Object.is and to strict deep equality.
    return this.offset[0] === '-' ? 0 - minutes : minutes;
  }

  /** The instant as a JavaScript `Date` (milliseconds; further digits truncated). */
  toDate(): Date {
    // Not Date.UTC: it reads years 0-99 as 1900-1999, and setting the year afterwards
    // is too late for February 29 of year 0 (a leap year; 1900 is not one).
    const date = new Date(0);
    date.setUTCFullYear(this.year, this.month - 1, this.day);
    date.setUTCHours(this.hour, this.minute, this.second, this.millisecond);
    return new Date(date.getTime() - this.offsetMinutes * 60_000);
  }

  toString(): string {
    return `${dateText(this.year, this.month, this.day)}T${timeText(this.hour, this.minute, this.second, this.fraction)}${this.offset}`;
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: unknown): boolean {
    return other instanceof OffsetDateTime && other.toString() === this.toString();
  }
}

/** Any of the four TOML date/time values. */
export type TomlDateTime = OffsetDateTime | LocalDateTime | LocalDate | LocalTime;

/**
 * The canonical text of a date/time for the encoder, from its fields checked as the
 * constructors check them. `toString()` cannot be taken on trust there: the fields are
 * writable at run time, an object can be made from a prototype without its constructor,
 * and a subclass can override `toString`; each wrote text no reader accepts, or a line
 * of its own. Throws RangeError for a field no constructor accepts.
 */
export function checkedText(value: TomlDateTime): string {
  if (value instanceof OffsetDateTime) {
    checkDate(value.year, value.month, value.day);
    checkTime(value.hour, value.minute, value.second, value.fraction);
    if (value.offset !== 'Z') checkOffset(value.offset);
    return OffsetDateTime.prototype.toString.call(value);
  }
  if (value instanceof LocalDateTime) {
    checkDate(value.year, value.month, value.day);
    checkTime(value.hour, value.minute, value.second, value.fraction);
    return LocalDateTime.prototype.toString.call(value);
  }
  if (value instanceof LocalDate) {
    checkDate(value.year, value.month, value.day);
    return LocalDate.prototype.toString.call(value);
  }
  const time = value as LocalTime;
  checkTime(time.hour, time.minute, time.second, time.fraction);
  return LocalTime.prototype.toString.call(time);
}
