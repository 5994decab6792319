/**
 * Shared machinery of the fuzz and differential tests: a seeded PRNG, a grammar-based
 * generator of random valid TOML documents (the text and the value it must parse to),
 * mutators for text and bytes, and the invariant checker run on every fuzz input.
 *
 * Everything is deterministic: the input of iteration `i` depends only on the seed and
 * `i`, so any failure can be reproduced alone (`inputFor` rebuilds it).
 */
import { isBareKey } from '../lib/toml/keys.js';
import {
  LocalDate,
  LocalDateTime,
  LocalTime,
  type LocatedArray,
  type LocatedDocument,
  type LocatedEntry,
  type LocatedScalar,
  type LocatedTable,
  type LocatedValue,
  OffsetDateTime,
  type Span,
  type TableOrigin,
  TokenKind,
  TomlError,
  parse,
  parseLocated,
  parseLocatedRecovering,
  parseStream,
  stringify,
  tokenize,
} from '../lib/toml/index.js';
import type { ParseOptions } from '../lib/toml/index.js';
import { Mulberry32 } from '../bench/random.js';
import { positionIn } from '../lib/toml/errors.js';
import { errorFields } from './helpers.js';

// ---- PRNG --------------------------------------------------------------------------------

/** The fuzzers' view of the seeded PRNG: 32-bit words and integers below a bound. */
export class Rng extends Mulberry32 {
  /** A uniform 32-bit unsigned integer. */
  next(): number {
    return this.uint32();
  }
  /** An integer in `[0, n)`. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  /** An integer in `[lo, hi]`. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** A seed for iteration `index` of stream `stream` under `seed` (a 32-bit mix). */
export function seedFor(seed: number, stream: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ index;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---- values --------------------------------------------------------------------------------

export type Table = Record<string, unknown>;

/** Sets `table[key]` as an own data property (safe for `__proto__`). */
export function define(table: Table, key: string, value: unknown): void {
  Object.defineProperty(table, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

export function isTable(value: unknown): value is Table {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function isArrayOfTables(value: unknown): value is Table[] {
  return Array.isArray(value) && value.length > 0 && value.every(isTable);
}

// ---- the generator ---------------------------------------------------------------------------

export interface GenerateOptions {
  /** May use TOML 1.1 syntax (`\e`, `\xHH`, times without seconds, newlines and a trailing comma in inline tables). */
  v11: boolean;
  /**
   * Only values Python's `tomllib` can represent (no year 0, no leap second 60) and no
   * byte-order mark: see the known differences in differential.test.ts.
   */
  tomllibSafe: boolean;
}

export interface GeneratedDocument {
  text: string;
  /** What `parse(text, { integers: 'bigint' })` must return. */
  value: Table;
  /** True when the text uses TOML 1.1 syntax (so a 1.0 parse must fail). */
  uses11: boolean;
}

const BARE_KEYS = [
  'a',
  'b',
  'c',
  'key',
  'name',
  'x1',
  'A_B',
  'with-dash',
  '_',
  '-',
  '1',
  '0',
  '123',
  '-1',
  'true',
  'false',
  'inf',
  'nan',
  'e5',
  '1979-05-27',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];
const QUOTED_KEYS = [
  '',
  ' ',
  'a b',
  'a.b',
  '.',
  '"',
  "'",
  '\\',
  '#',
  '=',
  '[x]',
  '{}',
  'é',
  'ключ',
  '鍵',
  '\u{1F600}',
  '\t',
  '\n',
  '\u0000',
  '\u007f',
  '\u001b',
  '\ufeff',
  '\u2028',
  '"""',
  "'''",
];

/** Characters strings are drawn from: every class the grammar treats differently. */
const STRING_CHARS: readonly string[] = [
  ...'abcxyzABC019 _-.,:;=[]{}#+~!?/',
  '"',
  '"',
  "'",
  "'",
  '\\',
  '\\',
  '\t',
  '\n',
  '\n',
  '\r',
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u00a0',
  'é',
  'ß',
  '中',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\ufffe',
  '\uffff',
  '\ue000',
  '\u{1F600}',
  '\u{10FFFF}',
  '\u{10000}',
];
const COMMENT_CHARS: readonly string[] = [
  ...'abc XYZ 019 #"\'\\[]{}=.,',
  '\t',
  'é',
  '\u{1F600}',
  '\u2028',
  '\ufeff',
  '\ufffe',
];

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Random value trees; `budget` bounds the number of containers in one document. */
class ValueGenerator {
  private budget: number;
  constructor(
    private readonly rng: Rng,
    private readonly options: GenerateOptions,
  ) {
    this.budget = rng.range(2, 30);
  }

  table(depth: number, maxKeys = 5): Table {
    const rng = this.rng;
    const table: Table = {};
    const count = rng.int(maxKeys + 1);
    for (let i = 0; i < count; i++) {
      const key = this.key();
      if (Object.hasOwn(table, key)) continue;
      define(table, key, this.value(depth + 1));
    }
    return table;
  }

  key(): string {
    const rng = this.rng;
    const roll = rng.int(10);
    if (roll < 6) return rng.pick(BARE_KEYS);
    if (roll < 8) return rng.pick(QUOTED_KEYS);
    return this.string(6);
  }

  value(depth: number): unknown {
    const rng = this.rng;
    const nest = depth < 5 && this.budget > 0;
    const roll = rng.int(nest ? 13 : 9);
    switch (roll) {
      case 0:
      case 1:
        return this.string(rng.chance(0.05) ? 200 : 12);
      case 2:
        return this.integer();
      case 3:
        return this.float();
      case 4:
        return rng.chance(0.5);
      case 5:
      case 6:
        return this.dateTime();
      case 7:
      case 8:
        if (!nest) return this.integer();
        return this.array(depth);
      case 9:
      case 10:
        this.budget--;
        return this.table(depth);
      case 11:
        this.budget--;
        return Array.from({ length: rng.range(1, 3) }, () => this.table(depth + 1, 3));
      default:
        return this.array(depth);
    }
  }

  array(depth: number): unknown[] {
    const rng = this.rng;
    if (this.budget <= 0 || depth >= 5) return [];
    this.budget--;
    const length = rng.int(5);
    const items: unknown[] = [];
    // Arrays may mix types (TOML 1.0); a run of one kind is more common.
    const homogeneous = rng.chance(0.5);
    const first = homogeneous ? this.value(depth + 1) : undefined;
    for (let i = 0; i < length; i++) {
      items.push(i === 0 && homogeneous ? first : this.value(depth + 1));
    }
    return items;
  }

  string(maxLength: number): string {
    const rng = this.rng;
    const length = rng.int(maxLength + 1);
    let text = '';
    for (let i = 0; i < length; i++) text += rng.pick(STRING_CHARS);
    return text;
  }

  integer(): bigint {
    const rng = this.rng;
    switch (rng.int(6)) {
      case 0:
        return BigInt(rng.range(-100, 100));
      case 1:
        return rng.pick([
          0n,
          1n,
          -1n,
          MAX_INT64,
          MIN_INT64,
          2n ** 53n,
          2n ** 53n + 1n,
          -(2n ** 53n),
        ]);
      case 2: {
        const big = (BigInt(rng.next()) << 32n) | BigInt(rng.next());
        return BigInt.asIntN(64, big);
      }
      case 3:
        return BigInt(rng.next());
      default:
        return BigInt(rng.range(0, 1_000_000));
    }
  }

  float(): number {
    const rng = this.rng;
    switch (rng.int(7)) {
      case 0:
        return rng.pick([0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, 3]);
      case 1:
        return rng.pick([
          5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308,
          9007199254740993, 1e21, 1e-7, 123456789012345680000, 0.1, 0.30000000000000004,
        ]);
      case 2: {
        const view = new DataView(new ArrayBuffer(8));
        view.setUint32(0, rng.next());
        view.setUint32(4, rng.next());
        const value = view.getFloat64(0);
        return Number.isFinite(value) ? value : 1.5;
      }
      case 3:
        return rng.range(-1_000_000, 1_000_000) / 10 ** rng.int(8);
      case 4:
        return rng.range(-1000, 1000) * 10 ** rng.range(-30, 30);
      default:
        return (rng.next() - 2 ** 31) / 2 ** rng.int(40);
    }
  }

  dateTime(): LocalDate | LocalTime | LocalDateTime | OffsetDateTime {
    const rng = this.rng;
    const safe = this.options.tomllibSafe;
    const year = rng.chance(0.1)
      ? rng.pick(safe ? [1, 9999, 2000, 1900] : [0, 1, 9999, 2000, 1900])
      : rng.range(safe ? 1 : 0, 9999);
    const month = rng.range(1, 12);
    const day = rng.chance(0.2) ? daysIn(year, month) : rng.range(1, daysIn(year, month));
    const hour = rng.range(0, 23);
    const minute = rng.range(0, 59);
    const second = !safe && rng.chance(0.05) ? 60 : rng.range(0, 59);
    const fraction = rng.chance(0.4) ? '' : this.digits(rng.range(1, 12));
    switch (rng.int(4)) {
      case 0:
        return new LocalDate(year, month, day);
      case 1:
        return new LocalTime(hour, minute, second, fraction);
      case 2:
        return new LocalDateTime(year, month, day, hour, minute, second, fraction);
      default: {
        const offset = rng.chance(0.4)
          ? 'Z'
          : `${rng.pick(['+', '-'])}${pad(rng.range(0, 23), 2)}:${pad(rng.range(0, 59), 2)}`;
        return new OffsetDateTime(year, month, day, hour, minute, second, fraction, offset);
      }
    }
  }

  private digits(count: number): string {
    let text = '';
    for (let i = 0; i < count; i++) text += String(this.rng.int(10));
    return text;
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Renders a value tree as TOML text, choosing freely among equivalent spellings. */
class Renderer {
  private readonly out: string[] = [];
  uses11 = false;
  private readonly newline: () => string;

  constructor(
    private readonly rng: Rng,
    private readonly options: GenerateOptions,
  ) {
    const style = rng.int(3);
    this.newline =
      style === 0 ? () => '\n' : style === 1 ? () => '\r\n' : () => rng.pick(['\n', '\r\n']);
  }

  document(root: Table): string {
    const rng = this.rng;
    if (!this.options.tomllibSafe && rng.chance(0.05)) this.out.push('\ufeff');
    const body: string[] = [];
    const tasks: (() => void)[] = [];
    this.collect(root, [], [], body, tasks);
    this.lines(body);
    for (const task of tasks) task();
    if (rng.chance(0.3)) this.trivia();
    let text = this.out.join('');
    // The last newline is optional.
    if (rng.chance(0.3)) text = text.replace(/\r?\n$/, '');
    return text;
  }

  // ---- layout ------------------------------------------------------------------------

  private trivia(): void {
    const rng = this.rng;
    if (rng.chance(0.5)) this.out.push(this.newline());
    else this.out.push(`${this.ws()}${this.comment()}${this.newline()}`);
  }

  private lines(body: string[]): void {
    const rng = this.rng;
    if (rng.chance(0.2)) rng.shuffle(body);
    for (const line of body) {
      if (rng.chance(0.15)) this.trivia();
      this.out.push(`${rng.chance(0.2) ? this.ws() : ''}${line}${this.lineEnd()}`);
    }
  }

  private lineEnd(): string {
    const rng = this.rng;
    return `${rng.chance(0.2) ? `${this.ws()}${this.comment()}` : rng.chance(0.1) ? this.ws() : ''}${this.newline()}`;
  }

  private ws(): string {
    return this.rng.pick([' ', ' ', '\t', '  ', ' \t ']);
  }

  private maybeWs(): string {
    return this.rng.chance(0.5) ? '' : this.ws();
  }

  private comment(): string {
    const rng = this.rng;
    let text = '#';
    const length = rng.int(12);
    for (let i = 0; i < length; i++) text += rng.pick(COMMENT_CHARS);
    return text;
  }

  /**
   * The key/values of `table` that go in the current section, under the dotted
   * `prefix`; sub-tables that get their own `[header]` become `tasks`, emitted after the
   * section. `path` is the rendered path of the section's table.
   */
  private collect(
    table: Table,
    path: string[],
    prefix: string[],
    body: string[],
    tasks: (() => void)[],
  ): boolean {
    const rng = this.rng;
    let dotted = false;
    for (const key of rng.shuffle(Object.keys(table))) {
      const value = table[key];
      const keyText = this.key(key);
      const keys = [...prefix, keyText];
      if (isTable(value)) {
        const mode = rng.pick(
          Object.keys(value).length > 0
            ? ['inline', 'dotted', 'header', 'header']
            : ['inline', 'header'],
        );
        if (mode === 'inline') {
          body.push(this.keyValue(keys, this.inlineTable(value)));
        } else if (mode === 'dotted') {
          dotted = true;
          this.collect(value, path, keys, body, tasks);
        } else {
          tasks.push(() => this.headerTable(value, [...path, ...keys]));
        }
      } else if (isArrayOfTables(value) && rng.chance(0.7)) {
        tasks.push(() => {
          for (const element of value) this.section(element, [...path, ...keys], true);
        });
      } else {
        body.push(this.keyValue(keys, this.value(value)));
      }
    }
    return dotted;
  }

  /** A table given its own `[header]` (or left implicit, or defined after its children). */
  private headerTable(table: Table, path: string[]): void {
    const rng = this.rng;
    const keys = Object.keys(table);
    const onlyTables =
      keys.length > 0 && keys.every((k) => isTable(table[k]) || isArrayOfTables(table[k]));
    if (onlyTables && rng.chance(0.3)) {
      // Implicit: never defined itself, created by its children's headers.
      for (const key of keys) {
        const value = table[key];
        const childPath = [...path, this.key(key)];
        if (isTable(value)) this.headerTable(value, childPath);
        else for (const element of value as Table[]) this.section(element, childPath, true);
      }
      return;
    }
    this.section(table, path, false);
  }

  /** `[path]` or `[[path]]` and its body, then the headers below it. */
  private section(table: Table, path: string[], element: boolean): void {
    const rng = this.rng;
    const body: string[] = [];
    const tasks: (() => void)[] = [];
    const dotted = this.collect(table, path, [], body, tasks);
    const header = element
      ? `[[${this.maybeWs()}${this.keyPath(path)}${this.maybeWs()}]]`
      : `[${this.maybeWs()}${this.keyPath(path)}${this.maybeWs()}]`;
    // A table may be defined after the sub-tables that created it implicitly, unless
    // dotted keys in its body would then extend a table made by a header.
    const late = !element && !dotted && tasks.length > 0 && rng.chance(0.25);
    if (late) for (const task of tasks) task();
    if (rng.chance(0.3)) this.trivia();
    this.out.push(`${rng.chance(0.1) ? this.ws() : ''}${header}${this.lineEnd()}`);
    this.lines(body);
    if (!late) for (const task of tasks) task();
  }

  private keyPath(keys: string[]): string {
    let text = keys[0]!;
    for (let i = 1; i < keys.length; i++) text += `${this.maybeWs()}.${this.maybeWs()}${keys[i]}`;
    return text;
  }

  private keyValue(keys: string[], value: string): string {
    const rng = this.rng;
    const eq = rng.pick([' = ', '=', ' =', '= ', '\t=\t', '  =  ']);
    return `${this.keyPath(keys)}${eq}${value}`;
  }

  // ---- keys and values -----------------------------------------------------------------

  private key(key: string): string {
    const rng = this.rng;
    if (isBareKey(key) && rng.chance(0.85)) return key;
    if (literalOk(key, false) && rng.chance(0.4)) return `'${key}'`;
    return this.basic(key);
  }

  private value(value: unknown): string {
    const rng = this.rng;
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'bigint':
        return this.integer(value);
      case 'number':
        return this.float(value);
      case 'boolean':
        return String(value);
    }
    if (value instanceof LocalDate) return value.toString();
    if (value instanceof LocalTime)
      return this.time(value.hour, value.minute, value.second, value.fraction);
    if (value instanceof LocalDateTime || value instanceof OffsetDateTime) {
      const date = `${pad(value.year, 4)}-${pad(value.month, 2)}-${pad(value.day, 2)}`;
      const time = this.time(value.hour, value.minute, value.second, value.fraction);
      const text = `${date}${rng.pick(['T', 't', ' '])}${time}`;
      if (value instanceof LocalDateTime) return text;
      return `${text}${value.offset === 'Z' ? rng.pick(['Z', 'z']) : value.offset}`;
    }
    if (Array.isArray(value)) return this.array(value);
    if (isTable(value)) return this.inlineTable(value);
    throw new Error(`cannot render ${String(value)}`);
  }

  private time(hour: number, minute: number, second: number, fraction: string): string {
    const base = `${pad(hour, 2)}:${pad(minute, 2)}`;
    if (this.options.v11 && second === 0 && fraction === '' && this.rng.chance(0.3)) {
      this.uses11 = true;
      return base;
    }
    return `${base}:${pad(second, 2)}${fraction === '' ? '' : `.${fraction}`}`;
  }

  private array(items: unknown[]): string {
    const rng = this.rng;
    const gap = () => {
      const roll = rng.int(10);
      if (roll < 5) return '';
      if (roll < 7) return this.ws();
      if (roll < 9) return `${this.newline()}${rng.chance(0.5) ? this.ws() : ''}`;
      return `${this.maybeWs()}${this.comment()}${this.newline()}`;
    };
    let text = '[';
    for (let i = 0; i < items.length; i++) {
      text += `${gap()}${this.value(items[i])}${gap()}`;
      if (i < items.length - 1 || rng.chance(0.3)) text += ',';
    }
    return `${text}${gap()}]`;
  }

  private inlineTable(table: Table): string {
    const rng = this.rng;
    const entries: string[] = [];
    const add = (t: Table, prefix: string[]) => {
      for (const key of rng.shuffle(Object.keys(t))) {
        const value = t[key];
        const keys = [...prefix, this.key(key)];
        if (isTable(value) && Object.keys(value).length > 0 && rng.chance(0.4)) add(value, keys);
        else entries.push(this.keyValue(keys, this.value(value)));
      }
    };
    add(table, []);
    if (entries.length === 0) return rng.pick(['{}', '{ }', '{\t}']);
    const multiline = this.options.v11 && rng.chance(0.2);
    const trailing = this.options.v11 && rng.chance(0.2);
    if (multiline || trailing) this.uses11 = true;
    const sep = () =>
      multiline
        ? `${rng.chance(0.3) ? ` ${this.comment()}` : ''}${this.newline()}${this.maybeWs()}`
        : this.maybeWs();
    return `{${sep()}${entries.join(`,${sep()}`)}${trailing ? ',' : ''}${sep()}}`;
  }

  private integer(value: bigint): string {
    const rng = this.rng;
    if (value >= 0n && rng.chance(0.3)) {
      const [prefix, radix] = rng.pick([
        ['0x', 16],
        ['0o', 8],
        ['0b', 2],
      ] as const);
      let digits = value.toString(radix);
      if (radix === 16 && rng.chance(0.5)) digits = digits.toUpperCase();
      if (rng.chance(0.2)) digits = '0'.repeat(rng.range(1, 3)) + digits;
      return prefix + this.underscores(digits);
    }
    const sign =
      value < 0n ? '-' : rng.chance(0.2) ? rng.pick(['+', value === 0n ? '-' : '+']) : '';
    return sign + this.underscores((value < 0n ? -value : value).toString());
  }

  /** Inserts `_` between some digits. */
  private underscores(digits: string): string {
    const rng = this.rng;
    if (digits.length < 2 || !rng.chance(0.25)) return digits;
    let out = digits[0]!;
    for (let i = 1; i < digits.length; i++) out += (rng.chance(0.3) ? '_' : '') + digits[i];
    return out;
  }

  private float(value: number): string {
    const rng = this.rng;
    if (Number.isNaN(value)) return rng.pick(['nan', '+nan', '-nan']);
    if (value === Infinity) return rng.pick(['inf', '+inf']);
    if (value === -Infinity) return '-inf';
    const negative = value < 0 || Object.is(value, -0);
    const sign = negative ? '-' : rng.chance(0.2) ? '+' : '';
    if (value === 0)
      return sign + rng.pick(['0.0', '0e0', '0.0e0', '0E+3', '0.000', '0e-2', '0.0_0']);
    // value = digits × 10^exponent, digits without leading zeros.
    let [digits, exponent] = decimalParts(Math.abs(value));
    if (rng.chance(0.2)) {
      const zeros = rng.range(1, 3);
      digits += '0'.repeat(zeros);
      exponent -= zeros;
    }
    let intPart: string;
    let fracPart: string;
    let exp: number;
    if (rng.chance(0.2) && digits.length + exponent <= 0 && digits.length + exponent > -6) {
      // 0.000ddd
      intPart = '0';
      fracPart = '0'.repeat(-(digits.length + exponent)) + digits;
      exp = 0;
    } else {
      const k = rng.range(1, digits.length);
      intPart = digits.slice(0, k);
      fracPart = digits.slice(k);
      exp = exponent + digits.length - k;
    }
    const plain = exp === 0 || (exp > 0 && exp < 6 && fracPart === '' && rng.chance(0.5));
    if (plain && exp > 0) {
      intPart += '0'.repeat(exp);
      exp = 0;
    }
    let text = this.underscores(intPart);
    if (fracPart !== '') text += `.${this.underscores(fracPart)}`;
    const needExponent = exp !== 0 || (fracPart === '' && rng.chance(0.5));
    if (fracPart === '' && !needExponent) text += '.0';
    if (needExponent) {
      const expSign = exp < 0 ? '-' : rng.chance(0.3) ? '+' : '';
      const expDigits = '0'.repeat(rng.chance(0.1) ? rng.range(1, 2) : 0) + String(Math.abs(exp));
      text += `${rng.pick(['e', 'E'])}${expSign}${this.underscores(expDigits)}`;
    }
    return sign + text;
  }

  // ---- strings ---------------------------------------------------------------------------

  private string(value: string): string {
    const rng = this.rng;
    const kinds: (() => string)[] = [() => this.basic(value), () => this.multilineBasic(value)];
    if (literalOk(value, false)) kinds.push(() => `'${value}'`);
    if (literalOk(value, true) && !value.includes("'''"))
      kinds.push(() => this.multilineLiteral(value));
    return rng.pick(kinds)();
  }

  /** One character as an escape sequence, if it can be one. */
  private escape(ch: string, required: boolean): string {
    const rng = this.rng;
    const code = ch.codePointAt(0)!;
    const named: Record<number, string> = {
      8: '\\b',
      9: '\\t',
      10: '\\n',
      12: '\\f',
      13: '\\r',
      34: '\\"',
      92: '\\\\',
    };
    const options: string[] = [];
    const upper = rng.chance(0.5);
    if (named[code] !== undefined) options.push(named[code]!, named[code]!);
    if (code <= 0xffff) options.push(`\\u${hex(code, 4, upper)}`);
    options.push(`\\U${hex(code, 8, upper)}`);
    if (this.options.v11 && code < 0x100 && rng.chance(0.5))
      options.push(`\\x${hex(code, 2, upper)}`);
    if (this.options.v11 && code === 0x1b) options.push('\\e');
    const chosen = rng.pick(options);
    if (chosen.startsWith('\\x') || chosen === '\\e') this.uses11 = true;
    return required || rng.chance(0.5) ? chosen : ch;
  }

  private basic(value: string): string {
    const rng = this.rng;
    let text = '"';
    for (const ch of value) {
      const code = ch.codePointAt(0)!;
      const must =
        code === 0x22 || code === 0x5c || (code < 0x20 && code !== 0x09) || code === 0x7f;
      text += must || rng.chance(0.05) ? this.escape(ch, true) : ch;
    }
    return `${text}"`;
  }

  private multilineBasic(value: string): string {
    const rng = this.rng;
    let text = '"""';
    if (value.startsWith('\n') || rng.chance(0.3)) text += this.newline();
    const chars = [...value];
    let quotes = 0;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      const code = ch.codePointAt(0)!;
      let piece: string;
      if (code === 0x22) {
        // Three quotes in a row would close the string.
        piece = quotes === 2 || rng.chance(0.3) ? this.escape(ch, true) : ch;
      } else if (code === 0x0a) {
        piece = rng.chance(0.7) ? this.newline() : this.escape(ch, true);
      } else if (code === 0x5c || (code < 0x20 && code !== 0x09) || code === 0x7f) {
        piece = this.escape(ch, true);
      } else {
        piece = rng.chance(0.05) ? this.escape(ch, true) : ch;
      }
      quotes = piece === '"' ? quotes + 1 : 0;
      text += piece;
      // A line-ending backslash trims the whitespace after it, so only before a
      // character that is not whitespace (or at the end).
      const nextCh = chars[i + 1];
      if (rng.chance(0.05) && (nextCh === undefined || !/[ \t\n]/.test(nextCh))) {
        text += `\\${rng.chance(0.3) ? this.ws() : ''}${this.newline()}${rng.chance(0.5) ? this.ws() : ''}`;
        if (rng.chance(0.3)) text += `${this.newline()}${this.maybeWs()}`;
        quotes = 0;
      }
    }
    return `${text}"""`;
  }

  private multilineLiteral(value: string): string {
    const rng = this.rng;
    let text = "'''";
    if (value.startsWith('\n') || rng.chance(0.3)) text += this.newline();
    for (const ch of value) text += ch === '\n' ? this.newline() : ch;
    return `${text}'''`;
  }
}

function hex(code: number, width: number, upper: boolean): string {
  const digits = code.toString(16).padStart(width, '0');
  return upper ? digits.toUpperCase() : digits;
}

/** Can `value` be written as a literal string (multi-line when `multiline`)? */
function literalOk(value: string, multiline: boolean): boolean {
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code === 0x0a && multiline) continue;
    if (code === 0x27 && multiline) continue;
    if (code === 0x27 || (code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}

/** `value` (finite, > 0) as `[digits, exponent]` with value = digits × 10^exponent. */
export function decimalParts(value: number): [string, number] {
  const text = String(value);
  let mantissa = text;
  let exponent = 0;
  const e = text.indexOf('e');
  if (e !== -1) {
    mantissa = text.slice(0, e);
    exponent = Number(text.slice(e + 1));
  }
  const dot = mantissa.indexOf('.');
  let digits = mantissa;
  if (dot !== -1) {
    digits = mantissa.slice(0, dot) + mantissa.slice(dot + 1);
    exponent -= mantissa.length - dot - 1;
  }
  digits = digits.replace(/^0+/, '');
  return [digits, exponent];
}

/** A random valid document and the value it stands for. */
export function generateDocument(rng: Rng, options: GenerateOptions): GeneratedDocument {
  const generator = new ValueGenerator(rng, options);
  const value = generator.table(0, rng.chance(0.1) ? 0 : 8);
  const renderer = new Renderer(rng, options);
  const text = renderer.document(value);
  return { text, value, uses11: renderer.uses11 };
}

// ---- mutation ------------------------------------------------------------------------------

/** Snippets inserted by the text mutator: every character class the grammar cares about. */
export const SPECIAL_TEXT: readonly string[] = [
  '"',
  "'",
  '"""',
  "'''",
  '[',
  ']',
  '[[',
  ']]',
  '{',
  '}',
  '=',
  '.',
  ',',
  '#',
  '\\',
  '\\u',
  '\\U0010FFFF',
  '\\x4',
  '\\e',
  '\r',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\ud800',
  '\udc00',
  '\udbff\udfff',
  '\ufeff',
  '\u2028',
  'é',
  '\u{1F600}',
  '0',
  '1',
  '9',
  '_',
  '+',
  '-',
  ':',
  'e',
  'E',
  'T',
  'Z',
  'z',
  'inf',
  'nan',
  'true',
  'false',
  '0x',
  '0o',
  '0b',
  '1979-05-27',
  '07:32:00',
  '.5',
  'a',
  '__proto__',
  'a = 1',
  '\na.b = 2\n',
  '\n[t]\n',
  '\n[[t]]\n',
  '{a=1}',
];

/** Snippets repeated into very long runs. */
const RUNS: readonly string[] = [
  '[',
  '{a=',
  'a.',
  '"',
  "'",
  '\\',
  '#',
  ' ',
  '0',
  '\n',
  '[[',
  '1,',
  '"""',
  'a=1\n',
  '\\\n',
  '\u{1F600}',
];

/** Byte sequences inserted by the byte mutator, valid and invalid UTF-8. */
const SPECIAL_BYTES: readonly number[][] = [
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0x80],
  [0xf0, 0x80, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5],
  [0xf8],
  [0xfe],
  [0xff],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xef, 0xbb, 0xbf],
  [0xc3, 0xa9],
  [0xf0, 0x9f, 0x98, 0x80],
  [0x00],
  [0x0d],
  [0x22],
  [0x5b],
];

/** Applies 1-4 random edits to `text`; `corpus` supplies material for splices. */
export function mutateText(rng: Rng, text: string, corpus: readonly string[]): string {
  const edits = rng.range(1, 4);
  for (let n = 0; n < edits; n++) {
    const at = rng.int(text.length + 1);
    switch (rng.int(10)) {
      case 0:
      case 1:
        text = text.slice(0, at) + rng.pick(SPECIAL_TEXT) + text.slice(at);
        break;
      case 2: {
        const length = rng.chance(0.8) ? rng.range(1, 8) : rng.range(1, 200);
        text = text.slice(0, at) + text.slice(at + length);
        break;
      }
      case 3: {
        const length = rng.range(1, 40);
        const piece = text.slice(at, at + length);
        const to = rng.int(text.length + 1);
        text = text.slice(0, to) + piece.repeat(rng.range(1, 3)) + text.slice(to);
        break;
      }
      case 4: {
        const other = rng.pick(corpus);
        const from = rng.int(other.length + 1);
        const piece = other.slice(from, from + rng.range(1, 120));
        text = rng.chance(0.5)
          ? text.slice(0, at) + piece + text.slice(at)
          : text.slice(0, at) + piece + text.slice(at + piece.length);
        break;
      }
      case 5:
        text = text.slice(0, at) + rng.pick(SPECIAL_TEXT) + text.slice(at + 1);
        break;
      case 6: {
        const count = rng.pick([10, 100, 300, 1000, 5000, rng.chance(0.1) ? 100_000 : 2000]);
        text = text.slice(0, at) + rng.pick(RUNS).repeat(count) + text.slice(at);
        break;
      }
      case 7:
        text = text.slice(0, at);
        break;
      case 8: {
        const lines = text.split('\n');
        const i = rng.int(lines.length);
        const j = rng.int(lines.length);
        const op = rng.int(3);
        if (op === 0) lines.splice(j, 0, lines[i]!);
        else if (op === 1) lines.splice(i, 1);
        else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        text = lines.join('\n');
        break;
      }
      default: {
        // Swap two characters, which may split or join surrogate pairs.
        const j = rng.int(text.length + 1);
        if (at < text.length && j < text.length) {
          const chars = text.split('');
          [chars[at], chars[j]] = [chars[j]!, chars[at]!];
          text = chars.join('');
        }
      }
    }
  }
  return text;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const utf8 = new TextEncoder();

/** Applies 1-4 random byte-level edits. */
export function mutateBytes(
  rng: Rng,
  bytes: Uint8Array,
  corpus: readonly Uint8Array[],
): Uint8Array {
  const edits = rng.range(1, 4);
  for (let n = 0; n < edits; n++) {
    const at = rng.int(bytes.length + 1);
    switch (rng.int(7)) {
      case 0:
      case 1:
        bytes = concat(
          bytes.subarray(0, at),
          Uint8Array.from(rng.pick(SPECIAL_BYTES)),
          bytes.subarray(at),
        );
        break;
      case 2:
        bytes = concat(
          bytes.subarray(0, at),
          utf8.encode(rng.pick(SPECIAL_TEXT)),
          bytes.subarray(at),
        );
        break;
      case 3:
        if (at < bytes.length) {
          bytes = bytes.slice();
          bytes[at] = rng.chance(0.5) ? rng.int(256) : bytes[at]! ^ (1 << rng.int(8));
        }
        break;
      case 4:
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + rng.range(1, 6)));
        break;
      case 5: {
        const other = rng.pick(corpus);
        const from = rng.int(other.length + 1);
        bytes = concat(
          bytes.subarray(0, at),
          other.subarray(from, from + rng.range(1, 100)),
          bytes.subarray(at),
        );
        break;
      }
      default:
        bytes = bytes.subarray(0, at);
    }
  }
  return bytes;
}

// ---- invariants ----------------------------------------------------------------------------

export type Outcome =
  { ok: true; value: Table } | { ok: false; error: TomlError } | { ok: false; crash: unknown };

export function outcomeOf(run: () => Table): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (error instanceof TomlError) return { ok: false, error };
    return { ok: false, crash: error };
  }
}

export async function asyncOutcomeOf(run: () => Promise<Table>): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof TomlError) return { ok: false, error };
    return { ok: false, crash: error };
  }
}

/** Input as a short printable string for failure messages. */
export function describeInput(input: string | Uint8Array): string {
  const text =
    typeof input === 'string'
      ? JSON.stringify(
          input.length > 400 ? `${input.slice(0, 400)}…(${input.length} chars)` : input,
        )
      : `bytes[${Array.from(input.subarray(0, 300), (b) => b.toString(16).padStart(2, '0')).join(' ')}${input.length > 300 ? ` …(${input.length} bytes)` : ''}]`;
  return text;
}

function crashText(crash: unknown): string {
  return crash instanceof Error ? `${crash.name}: ${crash.message}` : String(crash);
}

/** Deterministic random chunks of 1 to `max` units. */
export function chunksOf<T extends string | Uint8Array>(rng: Rng, input: T, max: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < input.length;) {
    const size = 1 + rng.int(max);
    out.push(input.slice(i, i + size) as T);
    i += size;
  }
  return out;
}

/**
 * Milliseconds one call may take on an input of `length` units before it counts as a
 * blow-up: 2 s plus 50 µs per unit, far above normal (a few µs per unit on this machine,
 * under coverage) and far below a quadratic blow-up on the larger inputs.
 */
export function blowUpMs(length: number): number {
  return 2000 + length * 0.05;
}

/**
 * A deep-equality check for parse results that distinguishes `-0` from `0`, treats NaN
 * as equal to NaN, compares prototypes and own enumerable keys; returns the first
 * difference or null.
 */
export function valueDiff(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (typeof a === 'number') {
    return Object.is(a, b) ? null : `${path}: ${String(a)} vs ${String(b)}`;
  }
  if (typeof a !== 'object' || a === null || b === null) {
    return a === b ? null : `${path}: ${String(a)} vs ${String(b)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different classes`;
  const ak = Object.keys(a);
  const bk = Object.keys(b as object);
  if (Array.isArray(a) && ak.length !== bk.length)
    return `${path}: length ${ak.length} vs ${bk.length}`;
  if (ak.length !== bk.length || ak.some((k) => !Object.hasOwn(b as object, k))) {
    return `${path}: keys [${ak.join(',')}] vs [${bk.join(',')}]`;
  }
  for (const k of ak) {
    const diff = valueDiff(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
    if (diff !== null) return diff;
  }
  return null;
}

export interface CheckContext {
  rng: Rng;
  /** Problems found; each names the invariant. */
  problems: string[];
  /** Run the (slower) streaming comparison for this input. */
  stream: boolean;
}

function timed<T>(ctx: CheckContext, what: string, length: number, run: () => T): T {
  const start = performance.now();
  const result = run();
  const elapsed = performance.now() - start;
  if (elapsed > blowUpMs(length)) {
    ctx.problems.push(`${what} took ${Math.round(elapsed)} ms on ${length} units`);
  }
  return result;
}

/** Compares two outcomes; a difference becomes a problem named `what`. */
function sameOutcome(ctx: CheckContext, what: string, expected: Outcome, actual: Outcome): void {
  if ('crash' in actual) {
    ctx.problems.push(`${what}: crashed with ${crashText(actual.crash)}`);
    return;
  }
  if (expected.ok !== actual.ok) {
    ctx.problems.push(
      `${what}: ${expected.ok ? 'accepted' : 'rejected'} by parse but ${actual.ok ? 'accepted' : `rejected (${actual.error.code}: ${actual.error.message})`}`,
    );
    return;
  }
  if (expected.ok && actual.ok) {
    const diff = valueDiff(expected.value, actual.value);
    if (diff !== null) ctx.problems.push(`${what}: different value at ${diff}`);
    return;
  }
  if (!expected.ok && !actual.ok && 'error' in expected && 'error' in actual) {
    const e = JSON.stringify(errorFields(expected.error));
    const a = JSON.stringify(errorFields(actual.error));
    if (e !== a) ctx.problems.push(`${what}: different error ${a}, parse gave ${e}`);
  }
}

async function streamOutcome(
  chunks: (string | Uint8Array)[],
  options: ParseOptions,
): Promise<Outcome> {
  return asyncOutcomeOf(() => parseStream(chunks, options));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Every invariant for one input: parse gives a value or a TomlError (1.1 and 1.0, every
 * integer mode), quickly; what 1.0 accepts 1.1 accepts alike; an accepted value
 * round-trips through stringify; parseLocated, parseStream (random chunks) and, for
 * bytes, parse of the decoded text agree with parse exactly (value or error);
 * parseLocatedRecovering never throws and agrees with parse on the value or the first
 * error; tokenize never throws and its tokens cover the input. The spans of
 * parseLocated's tree (text and bytes) and of the recovering parse's (on errors, and
 * with a small maxDepth) are exact (`checkSpans`). Returns the 1.1 outcome.
 */
export async function checkInput(ctx: CheckContext, input: string | Uint8Array): Promise<Outcome> {
  const bigint = { integers: 'bigint' } as const;
  const o11 = timed(ctx, 'parse', input.length, () => outcomeOf(() => parse(input, bigint)));
  if ('crash' in o11) ctx.problems.push(`parse crashed: ${crashText(o11.crash)}`);
  const o10 = timed(ctx, 'parse 1.0', input.length, () =>
    outcomeOf(() => parse(input, { ...bigint, version: '1.0' })),
  );
  if ('crash' in o10) ctx.problems.push(`parse 1.0 crashed: ${crashText(o10.crash)}`);
  if (o10.ok) sameOutcome(ctx, '1.0 accepted, so 1.1', o10, o11);
  else if (o11.ok && 'error' in o10 && o10.error.code !== 'version-1.1-only') {
    // What only 1.1 accepts, 1.0 rejects for a 1.1 feature.
    ctx.problems.push(
      `valid 1.1, but rejected as 1.0 with ${o10.error.code}: ${o10.error.message}`,
    );
  }
  for (const integers of ['number', 'auto'] as const) {
    const other = timed(ctx, `parse ${integers}`, input.length, () =>
      outcomeOf(() => parse(input, { integers })),
    );
    if ('crash' in other)
      ctx.problems.push(`parse (integers: ${integers}) crashed: ${crashText(other.crash)}`);
    else if (
      other.ok !== o11.ok &&
      !(!other.ok && 'error' in other && other.error.code === 'unsafe-integer')
    ) {
      ctx.problems.push(
        `parse (integers: ${integers}) ${other.ok ? 'accepted' : `rejected (${other.error.code})`} what integers: bigint did not`,
      );
    }
  }
  const source = decodedText(input);
  const boundaries = timed(ctx, 'tokenize', input.length, () =>
    checkTokens(ctx, input, source.length),
  );
  const lexed: LexedText = { text: source, boundaries };
  const located = timed(ctx, 'parseLocated', input.length, () => locatedOutcome(input, bigint));
  sameOutcome(ctx, 'parseLocated', o11, located.outcome);
  if (located.doc !== null) checkLocatedSpans(ctx, input, located.doc, lexed, bigint);
  checkRecovering(ctx, input, o11, lexed);
  if (o11.ok) {
    let text: string | null = null;
    try {
      text = timed(ctx, 'stringify', input.length, () =>
        stringify(o11.value, { numbers: 'float' }),
      );
    } catch (error) {
      ctx.problems.push(`stringify threw on a parsed value: ${crashText(error)}`);
    }
    if (text !== null) {
      const again = outcomeOf(() => parse(text!, { ...bigint, version: '1.0' }));
      sameOutcome(ctx, 'parse(stringify(x)) (1.0)', o11, again);
      if (again.ok) {
        const twice = stringify(again.value, { numbers: 'float' });
        if (twice !== text) ctx.problems.push('stringify is not idempotent');
      }
    }
  }
  if (typeof input !== 'string') {
    const bad = firstInvalidUtf8(input);
    if (bad < 0) {
      const decoded = strictUtf8.decode(input);
      sameOutcome(
        ctx,
        'parse of the decoded text',
        o11,
        outcomeOf(() => parse(decoded, bigint)),
      );
    } else if (o11.ok) {
      ctx.problems.push(`accepted bytes that are not valid UTF-8 (bad byte at ${bad})`);
    } else if ('error' in o11) {
      // Statements before the bad byte are parsed first; otherwise the error is the byte.
      const before = strictUtf8.decode(input.subarray(0, bad)).length;
      const error = o11.error;
      if (error.code === 'invalid-utf8') {
        if (error.byteOffset !== bad || error.offset !== before) {
          ctx.problems.push(
            `invalid-utf8 at byte ${String(error.byteOffset)} / offset ${error.offset}, expected byte ${bad} / offset ${before}`,
          );
        }
      } else if (error.offset > before) {
        ctx.problems.push(
          `${error.code} at offset ${error.offset} reported after the invalid byte ${bad}`,
        );
      }
    }
  }
  if (ctx.stream) {
    const max = input.length > 20_000 ? 4096 : ctx.rng.pick([1, 3, 7, 64]);
    const chunks: (string | Uint8Array)[] = chunksOf(ctx.rng, input, max);
    sameOutcome(ctx, `parseStream (chunks of 1-${max})`, o11, await streamOutcome(chunks, bigint));
  }
  return o11;
}

/** The text of an input: bytes decoded, up to the first invalid byte. */
function decodedText(input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  const bad = firstInvalidUtf8(input);
  return strictUtf8.decode(bad < 0 ? input : input.subarray(0, bad));
}

/** parseLocated's outcome, and the document when it parsed (for the span checks). */
function locatedOutcome(
  input: string | Uint8Array,
  options: ParseOptions,
): { outcome: Outcome; doc: LocatedDocument | null } {
  let doc: LocatedDocument | null = null;
  const outcome = outcomeOf(() => {
    doc = parseLocated(input, options);
    return doc.value;
  });
  return { outcome, doc };
}

/**
 * The spans of a located parse; the same document in its other form, its UTF-8 bytes
 * (unless the text has a lone surrogate, which has none) or its decoded text, has the
 * same spans (compared, not checked again).
 */
function checkLocatedSpans(
  ctx: CheckContext,
  input: string | Uint8Array,
  doc: LocatedDocument,
  lexed: LexedText,
  options: ParseOptions,
): void {
  checkSpans(ctx, 'parseLocated', doc, lexed, options);
  const text = lexed.text;
  const other = typeof input === 'string' ? utf8.encode(input) : text;
  if (typeof other !== 'string' && strictUtf8.decode(other) !== text) return;
  const what = `parseLocated of the ${typeof input === 'string' ? 'UTF-8 bytes' : 'decoded text'}`;
  const again = locatedOutcome(other, options);
  if (again.doc === null) ctx.problems.push(`${what}: rejected what parseLocated accepted`);
  else {
    const diff = spanDiff(doc.root, again.doc.root);
    if (diff !== null) ctx.problems.push(`${what}: spans differ at ${diff}`);
  }
}

/**
 * The first difference between two located trees (spans, keys, origins), or null: the
 * spans of a tree already checked are then right in the other one too.
 */
function spanDiff(a: LocatedValue, b: LocatedValue, path = ''): string | null {
  if (a.type !== b.type || a.start !== b.start || a.end !== b.end) {
    return `${path}: ${a.type} [${a.start}, ${a.end}) vs ${b.type} [${b.start}, ${b.end})`;
  }
  if (a.type === 'array' && b.type === 'array') {
    if (a.items.length !== b.items.length)
      return `${path}: ${a.items.length} vs ${b.items.length} items`;
    for (let i = 0; i < a.items.length; i++) {
      const diff = spanDiff(a.items[i]!, b.items[i]!, `${path}[${i}]`);
      if (diff !== null) return diff;
    }
  } else if (a.type === 'table' && b.type === 'table') {
    if (a.origin !== b.origin) return `${path}: origin ${a.origin} vs ${b.origin}`;
    let other = b.firstEntry;
    for (let entry = a.firstEntry; entry !== null; entry = entry.next, other = other.next) {
      const at = `${path}.${JSON.stringify(entry.key)}`;
      if (other === null || other.key !== entry.key) return `${at}: key ${other?.key}`;
      if (other.start !== entry.start || other.end !== entry.end) {
        return `${at}: key [${entry.start}, ${entry.end}) vs [${other.start}, ${other.end})`;
      }
      const diff = spanDiff(entry.node, other.node, at);
      if (diff !== null) return diff;
    }
    if (other !== null) return `${path}: an extra key ${other.key}`;
  }
  return null;
}

/**
 * The recovering parse (what the manifest reader uses) never throws: on a document parse
 * accepts it reports nothing and gives the same value; on one parse rejects, its first
 * error is parse's (code and position).
 */
function checkRecovering(
  ctx: CheckContext,
  input: string | Uint8Array,
  o11: Outcome,
  lexed: LexedText,
): void {
  checkShallowRecovering(ctx, input, lexed);
  let result;
  try {
    result = timed(ctx, 'parseLocatedRecovering', input.length, () =>
      parseLocatedRecovering(input, { integers: 'bigint' }),
    );
  } catch (error) {
    ctx.problems.push(`parseLocatedRecovering threw: ${crashText(error)}`);
    return;
  }
  const first = result.errors[0];
  if (o11.ok) {
    if (first !== undefined) {
      ctx.problems.push(`parseLocatedRecovering reported ${first.code} on a valid document`);
    } else {
      const diff = valueDiff(o11.value, result.document.value);
      if (diff !== null) ctx.problems.push(`parseLocatedRecovering: different value at ${diff}`);
    }
  } else if ('error' in o11) {
    checkSpans(
      ctx,
      'parseLocatedRecovering',
      result.document,
      lexed,
      { integers: 'bigint' },
      first,
    );
    const expected = [o11.error.code, o11.error.line, o11.error.column].join(':');
    const actual =
      first === undefined ? 'no error' : [first.code, first.line, first.column].join(':');
    if (actual !== expected) {
      ctx.problems.push(`parseLocatedRecovering: first error ${actual}, parse gave ${expected}`);
    }
  }
}

/**
 * The recovering parse with a maxDepth of 1 to 3 never throws either, and locates
 * exactly what it keeps: depth errors then stop statements half way (a header with
 * tables made before its last key), which the default depth reaches only in documents
 * nested hundreds deep. The depth is chosen by the input's length, and one input in two
 * is skipped (for the fuzzer's speed).
 */
function checkShallowRecovering(
  ctx: CheckContext,
  input: string | Uint8Array,
  lexed: LexedText,
): void {
  const maxDepth = 1 + (input.length % 6);
  if (maxDepth > 3) return;
  const options = { integers: 'bigint', maxDepth } as const;
  const what = `parseLocatedRecovering (maxDepth ${maxDepth})`;
  let result;
  try {
    result = timed(ctx, what, input.length, () => parseLocatedRecovering(input, options));
  } catch (error) {
    ctx.problems.push(`${what} threw: ${crashText(error)}`);
    return;
  }
  checkSpans(ctx, what, result.document, lexed, options, result.errors[0]);
}

/**
 * Offset of the first byte of the first ill-formed sequence (Unicode table 3-7), or -1.
 * An independent oracle for the engine's own decoder.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * tokenize never throws, and its tokens cover the input without gaps or overlaps.
 * Returns where tokens start and end in the `length` units of the decoded text (for the
 * span checks), or null.
 */
function checkTokens(
  ctx: CheckContext,
  input: string | Uint8Array,
  length: number,
): TokenBoundaries | null {
  let text = '';
  let expectedStart = -1;
  const boundaries = new Uint8Array(length + 1);
  try {
    for (const token of tokenize(input)) {
      if (expectedStart !== -1 && token.start !== expectedStart) {
        ctx.problems.push(
          `tokenize: token at ${token.start} does not start where the previous ended (${expectedStart})`,
        );
        return null;
      }
      expectedStart = token.end;
      text += token.text;
      boundaries[token.start] = boundaries[token.end] = 1;
    }
  } catch (error) {
    ctx.problems.push(`tokenize threw ${crashText(error)}`);
    return null;
  }
  if (typeof input === 'string') {
    const body = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    if (text !== body) ctx.problems.push('tokenize: the token texts do not rebuild the input');
  }
  return boundaries;
}

/**
 * Checks a generated document: it parses to exactly its value (under 1.0 too unless it
 * uses 1.1 syntax, in which case 1.0 must say `version-1.1-only`), plus every
 * invariant of `checkInput` (on the text, and on its UTF-8 bytes).
 */
export async function checkGenerated(ctx: CheckContext, doc: GeneratedDocument): Promise<void> {
  const o11 = await checkInput(ctx, doc.text);
  if (!o11.ok) {
    ctx.problems.push(
      `generated document rejected: ${'error' in o11 ? `${o11.error.code} at ${o11.error.line}:${o11.error.column}: ${o11.error.message}` : crashText(o11.crash)}`,
    );
    return;
  }
  const diff = valueDiff(doc.value, o11.value);
  if (diff !== null) ctx.problems.push(`generated document parsed to a different value at ${diff}`);
  const o10 = outcomeOf(() => parse(doc.text, { integers: 'bigint', version: '1.0' }));
  if (doc.uses11) {
    if (o10.ok) ctx.problems.push('a document using TOML 1.1 syntax was accepted as 1.0');
    else if ('error' in o10 && o10.error.code !== 'version-1.1-only') {
      ctx.problems.push(
        `1.1 syntax rejected as 1.0 with ${o10.error.code}, not version-1.1-only: ${o10.error.message}`,
      );
    }
  } else if (!o10.ok) {
    ctx.problems.push(
      `a TOML 1.0 document was rejected as 1.0: ${'error' in o10 ? o10.error.message : crashText(o10.crash)}`,
    );
  }
  const bytes = utf8.encode(doc.text);
  const fromBytes = outcomeOf(() => parse(bytes, { integers: 'bigint' }));
  sameOutcome(ctx, 'parse of the UTF-8 bytes', o11, fromBytes);
  const chunks = chunksOf(ctx.rng, bytes, ctx.rng.pick([1, 2, 5, 16]));
  sameOutcome(
    ctx,
    'parseStream of the bytes',
    o11,
    await streamOutcome(chunks, { integers: 'bigint' }),
  );
}

// ---- spans of the located tree -------------------------------------------------------------

type SpanPath = readonly (string | number)[];

const KEY_TOKENS: ReadonlySet<number> = new Set([
  TokenKind.BareKey,
  TokenKind.BasicString,
  TokenKind.LiteralString,
]);
const OPENING_TOKENS: ReadonlySet<number> = new Set([TokenKind.LeftBracket, TokenKind.LeftBrace]);
const CLOSING_TOKENS: ReadonlySet<number> = new Set([TokenKind.RightBracket, TokenKind.RightBrace]);
/** What a value slice is put after, so that it lexes and parses as a value on its own. */
const VALUE_PREFIX = 'x = ';
/** Offsets whose position is compared with `positionIn` (it counts from the start). */
const CHECKED_POSITIONS = 4;
/** Problems reported per tree: the first ones say it, the rest repeat it. */
const REPORTED_SPAN_PROBLEMS = 3;

/**
 * Checks every span of a located tree against the (decoded) text it was parsed from,
 * with the lexer as the independent reader. Every span starts and ends where tokens of
 * the whole text do (for a recovering parse, up to its first error: after it the two
 * resume differently). A key's slice is one key token that decodes to the key; a
 * scalar's slice, after `x = `, parses alone to the same type and value, spanning all of
 * it; an array's and an inline table's slice lexes as one bracketed value; a `[header]`,
 * `[[header]]` or array of tables spans a header naming its path, and its entry is the
 * header's last key (or, for a table that was implicit first, a key before it); a dotted
 * or implicit table spans its entry's key. Spans nest as the grammar does: inside the
 * brackets or braces of their array or inline table, a value right after its key and
 * `=`, the keys of a table after the text that defined it (for a header table, those of
 * its section), entries in definition order, which is text order; none is empty or
 * crosses the end of the text. The tree holds the document's own values and every key,
 * and `position` agrees with `positionIn` (on the first few offsets: it counts from the
 * start). `firstError` is the recovering parse's.
 */
export function checkSpans(
  ctx: CheckContext,
  what: string,
  doc: LocatedDocument,
  lexed: LexedText,
  options: ParseOptions,
  firstError?: TomlError,
): void {
  const problems = new SpanChecker(doc, lexed, options, firstError?.offset ?? Infinity).run();
  for (const problem of problems.slice(0, REPORTED_SPAN_PROBLEMS)) {
    ctx.problems.push(`${what} spans: ${problem}`);
  }
}

class SpanChecker {
  private readonly problems: string[] = [];
  private positionsLeft = CHECKED_POSITIONS;

  private readonly text: string;
  private readonly boundaries: TokenBoundaries | null;

  constructor(
    private readonly doc: LocatedDocument,
    lexed: LexedText,
    private readonly options: ParseOptions,
    /** Where the first error is: after it, the lexer and the parser go on differently. */
    private readonly synced: number,
  ) {
    this.text = lexed.text;
    this.boundaries = lexed.boundaries;
  }

  run(): string[] {
    const { doc, text } = this;
    if (doc.source !== text) this.problems.push('the source is not the decoded text');
    const root = doc.root;
    if (root.origin !== 'root' || root.start !== 0 || root.end !== text.length) {
      this.fail([], root, `the root is ${root.origin} [${root.start}, ${root.end})`);
    }
    this.table(root, [], root);
    this.position(text.length);
    return this.problems;
  }

  private fail(path: SpanPath, span: Span, why: string): void {
    const slice = this.slice(span);
    const shown = slice.length > 60 ? `${slice.slice(0, 60)}…` : slice;
    this.problems.push(
      `${JSON.stringify(path)} [${span.start}, ${span.end}) ${JSON.stringify(shown)}: ${why}`,
    );
  }

  private slice(span: Span): string {
    return this.text.slice(span.start, span.end);
  }

  /**
   * A span is not empty, lies within `bounds`, and starts and ends where the lexer's
   * tokens of the whole text do (a slice can be a token of its own and the same value
   * while it is only part of one: `0b000` of `0b0000`); its start's position is right.
   */
  private within(path: SpanPath, span: Span, bounds: Span, what: string): boolean {
    if (span.start >= span.end || span.start < bounds.start || span.end > bounds.end) {
      this.fail(path, span, `${what} is empty or outside [${bounds.start}, ${bounds.end})`);
      return false;
    }
    const boundaries = span.end <= this.synced ? this.boundaries : null;
    if (boundaries !== null && !(boundaries[span.start] && boundaries[span.end])) {
      this.fail(path, span, `${what} starts or ends inside a token`);
      return false;
    }
    this.position(span.start);
    return true;
  }

  private position(offset: number): void {
    if (this.positionsLeft-- <= 0) return;
    const expected = positionIn(this.text, offset);
    const actual = this.doc.position(offset);
    if (valueDiff(expected, actual) !== null) {
      this.fail([], { start: offset, end: offset }, `position ${JSON.stringify(actual)}`);
    }
  }

  /** The entries of a table: keys, then what each holds. */
  private table(table: LocatedTable, path: SpanPath, bounds: Span): void {
    let count = 0;
    let previous = -1;
    for (let entry = table.firstEntry; entry !== null; entry = entry.next) {
      count++;
      const at = [...path, entry.key];
      if (!this.within(at, entry, bounds, 'the key')) continue;
      if (entry.start <= previous) this.fail(at, entry, 'an entry out of text order');
      previous = entry.start;
      this.key(at, entry, entry.key);
      if (!Object.is(table.value[entry.key], entry.node.value)) {
        this.fail(at, entry, "the entry's value is not the table's");
      }
      if (entry.start < table.end && definedAfter(table, entry.node)) {
        this.fail(at, entry, `a key before its ${table.origin} table's span ends`);
      }
      this.entry(at, entry, bounds);
    }
    if (count !== Object.keys(table.value).length) {
      this.fail(path, table, `${count} entries for ${Object.keys(table.value).length} keys`);
    }
  }

  /** The node of an entry: how it is defined decides where its span must be. */
  private entry(path: SpanPath, entry: LocatedEntry, bounds: Span): void {
    const node = entry.node;
    if (node.type === 'table' && node.origin === 'header') {
      this.headerEntry(path, entry, node, 'header');
      this.table(node, path, bounds);
    } else if (node.type === 'table' && (node.origin === 'dotted' || node.origin === 'implicit')) {
      if (node.start !== entry.start || node.end !== entry.end) {
        this.fail(path, node, `a ${node.origin} table not at its key`);
      }
      this.table(node, path, bounds);
    } else if (node.type === 'array' && node.ofTables) {
      this.headerEntry(path, entry, node, 'array-element');
      this.tableArray(path, node, bounds);
    } else {
      if (!/^[ \t]*=[ \t]*$/.test(this.text.slice(entry.end, node.start))) {
        this.fail(path, node, 'a value not right after its key and =');
      }
      this.value(path, node, bounds);
    }
  }

  /** A value written after `=` or in an array. */
  private value(path: SpanPath, node: LocatedValue, bounds: Span): void {
    if (!this.within(path, node, bounds, `the ${node.type}`)) return;
    if (node.type === 'array' && !node.ofTables) this.array(path, node);
    else if (node.type === 'table' && node.origin === 'inline') {
      if (this.bracketed(path, node, TokenKind.LeftBrace)) this.table(node, path, inside(node));
    } else if (node.type !== 'array' && node.type !== 'table') this.scalar(path, node);
    else this.fail(path, node, `a ${node.type} that is not a value`);
  }

  private array(path: SpanPath, node: LocatedArray): void {
    if (!this.bracketed(path, node, TokenKind.LeftBracket)) return;
    if (node.items.length !== node.value.length) {
      this.fail(path, node, `${node.items.length} items for ${node.value.length} elements`);
    }
    let previous = node.start;
    node.items.forEach((item, i) => {
      const at = [...path, i];
      if (!Object.is(node.value[i], item.value)) this.fail(at, item, 'not the array element');
      if (item.start < previous) this.fail(at, item, 'an item before the previous one ends');
      previous = item.end;
      this.value(at, item, inside(node));
    });
  }

  /** The slice, after `x = `, lexes as one value from `opening` to its matching closer. */
  private bracketed(path: SpanPath, node: Span, opening: number): boolean {
    const tokens = [...tokenize(VALUE_PREFIX + this.slice(node), this.options)].slice(4);
    let depth = 0;
    let closed = -1;
    for (let i = 0; i < tokens.length && closed < 0; i++) {
      if (OPENING_TOKENS.has(tokens[i]!.kind)) depth++;
      else if (CLOSING_TOKENS.has(tokens[i]!.kind) && --depth === 0) closed = i;
    }
    const first = tokens[0];
    if (
      first?.kind !== opening ||
      first.start !== VALUE_PREFIX.length ||
      closed !== tokens.length - 1
    ) {
      this.fail(path, node, 'not one bracketed value');
      return false;
    }
    return true;
  }

  /**
   * The slice, after `x = `, parses to a value of the same type and value that spans all
   * of it (so no whitespace or comment around it). Parsing, not lexing, as scalars are
   * most spans: the parser's span in that simplest place is the reference.
   */
  private scalar(path: SpanPath, node: LocatedScalar): void {
    let again: LocatedValue | undefined;
    try {
      again = parseLocated(VALUE_PREFIX + this.slice(node), this.options).root.firstEntry?.node;
    } catch (error) {
      this.fail(path, node, `does not parse alone: ${crashText(error)}`);
      return;
    }
    const end = node.end - node.start + VALUE_PREFIX.length;
    if (again?.start !== VALUE_PREFIX.length || again.end !== end) {
      this.fail(path, node, `not one value: alone it spans [${again?.start}, ${again?.end})`);
    } else if (again.type !== node.type || valueDiff(again.value, node.value) !== null) {
      this.fail(path, node, `parses alone to ${again.type} ${String(again.value)}`);
    }
  }

  /** The slice is one key token that decodes to `key`. */
  private key(path: SpanPath, span: Span, key: string): void {
    const slice = this.slice(span);
    // A bare key is its own text (most keys: lexing each would slow the fuzzer down).
    if (isBareKey(slice) && slice === key) return;
    const tokens = [...tokenize(slice, this.options)];
    if (tokens.length !== 1 || !KEY_TOKENS.has(tokens[0]!.kind) || tokens[0]!.value !== key) {
      this.fail(path, span, `not the key ${JSON.stringify(key)}`);
    }
  }

  /**
   * The entry of a table or array of tables defined by a header: the header's last key,
   * or a key before the header (a table named by an earlier header or dotted key first).
   */
  private headerEntry(
    path: SpanPath,
    entry: LocatedEntry,
    node: LocatedTable | LocatedArray,
    origin: TableOrigin,
  ): void {
    const lastKey = this.header(path, node, origin);
    if (lastKey === null) return;
    const atLastKey = entry.start === lastKey.start && entry.end === lastKey.end;
    const before = node.type === 'table' && entry.end <= node.start;
    if (!atLastKey && !before) {
      this.fail(path, entry, "neither the header's last key nor before it");
    }
  }

  /**
   * The span is a `[header]` (`[[header]]` for an array of tables and its elements) that
   * names `path` (without array indexes); gives the span of its last key.
   */
  private header(path: SpanPath, span: Span, origin: TableOrigin): Span | null {
    if (!this.within(path, span, { start: 0, end: this.text.length }, `the ${origin}`)) {
      return null;
    }
    const double = origin === 'array-element';
    const tokens = [...tokenize(this.slice(span), this.options)].filter(
      (t) => t.kind !== TokenKind.Whitespace,
    );
    const open = tokens.shift();
    const close = tokens.pop();
    const keys = tokens.filter((_, i) => i % 2 === 0);
    const named =
      open?.kind === (double ? TokenKind.DoubleLeftBracket : TokenKind.LeftBracket) &&
      open.start === 0 &&
      close?.kind === (double ? TokenKind.DoubleRightBracket : TokenKind.RightBracket) &&
      close.end === span.end - span.start &&
      tokens.length % 2 === 1 &&
      tokens.every((t, i) => (i % 2 === 0 ? KEY_TOKENS.has(t.kind) : t.kind === TokenKind.Dot)) &&
      valueDiff(
        keys.map((t) => t.value),
        path.filter((p) => typeof p === 'string'),
      ) === null;
    if (!named) {
      this.fail(path, span, `not a ${double ? '[[header]]' : '[header]'} naming the path`);
      return null;
    }
    const last = keys[keys.length - 1]!;
    return { start: span.start + last.start, end: span.start + last.end };
  }

  /** An array of tables: its span is its first element's `[[header]]`. */
  private tableArray(path: SpanPath, node: LocatedArray, bounds: Span): void {
    const first = node.items[0];
    if (first === undefined || first.start !== node.start || first.end !== node.end) {
      this.fail(path, node, "an array of tables not at its first element's header");
    }
    if (node.items.length !== node.value.length) {
      this.fail(path, node, `${node.items.length} items for ${node.value.length} elements`);
    }
    let previous = -1;
    node.items.forEach((item, i) => {
      const at = [...path, i];
      if (item.type !== 'table' || item.origin !== 'array-element') {
        this.fail(at, item, `a ${item.type} in an array of tables`);
        return;
      }
      if (!Object.is(node.value[i], item.value)) this.fail(at, item, 'not the array element');
      if (item.start <= previous) this.fail(at, item, 'an element before the previous one');
      previous = item.start;
      this.header(path, item, 'array-element');
      this.table(item, at, bounds);
    });
  }
}

/** 1 at each offset where a token starts or ends (a set, without a set's cost per token). */
type TokenBoundaries = Uint8Array;

/** A text and where its tokens start and end (null when it could not be lexed). */
export interface LexedText {
  text: string;
  boundaries: TokenBoundaries | null;
}

/** `text` lexed for `checkSpans`. */
export function lexedText(text: string): LexedText {
  const boundaries = new Uint8Array(text.length + 1);
  for (const token of tokenize(text)) boundaries[token.start] = boundaries[token.end] = 1;
  return { text, boundaries };
}

/** The text between a container's brackets or braces. */
function inside(span: Span): Span {
  return { start: span.start + 1, end: span.end - 1 };
}

/**
 * Whether `node`, in `table`, is defined after the text that defined the table: every
 * key of a table from a dotted key, an implicit one or an array element comes after it;
 * of a header table, the keys of its section (a sub-table may have come first).
 */
function definedAfter(table: LocatedTable, node: LocatedValue): boolean {
  switch (table.origin) {
    case 'dotted':
    case 'implicit':
    case 'array-element':
      return true;
    case 'header':
      return node.type !== 'table'
        ? !(node.type === 'array' && node.ofTables)
        : node.origin === 'inline';
    default:
      return false;
  }
}
