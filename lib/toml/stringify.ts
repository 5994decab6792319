/**
 * The TOML encoder. Deterministic (the same value gives the same bytes on every
 * runtime), idempotent (`stringify(parse(stringify(x)))` is `stringify(x)`) and, for
 * values read with `integers: 'bigint'` and written with `numbers: 'float'`, lossless.
 *
 * Layout: a table's plain key/values first, then its sub-tables as `[a.b]` sections and
 * its arrays of tables as `[[a.b]]` sections, in key order. Inline tables appear only
 * where TOML requires them (inside arrays that are not arrays of tables). Output is valid
 * TOML 1.0 (no 1.1-only syntax), so any conforming reader can read it.
 */
import {
  LocalDate,
  LocalDateTime,
  LocalTime,
  OffsetDateTime,
  type TomlDateTime,
  checkedText,
} from './datetime.js';
import { TomlError, escapeControl, isStackOverflow, isTerminalControl } from './errors.js';
import { formatKey, isBareKey } from './keys.js';
import { Ch, isBareKeyChar } from '../../lexer/scanner.js';
import { DEFAULT_MAX_DEPTH, checkOptionsObject } from './options.js';
import { writeCodePoint, writeUtf8 } from '../../lexer/utf8.js';
import { bytesToString } from './utf8-text.js';

export interface StringifyOptions {
  /**
   * Write keys sorted by UTF-16 code units instead of in object order. Default `false`
   * (object order, which JavaScript fixes: integer-like keys ascending, then insertion).
   */
  sortKeys?: boolean;
  /**
   * How a `number` is written. `'auto'` (default): a safe integer as an integer, any
   * other number as a float. `'float'`: every `number` as a float (for values read with
   * `integers: 'bigint'`, where integers are `bigint`s). A `bigint` is always an integer.
   */
  numbers?: 'auto' | 'float';
  /** Maximum nesting of tables and arrays. Default 256, as for `parse`. */
  maxDepth?: number;
}

const MAX_INT64 = 0x7fffffffffffffffn;
const MIN_INT64 = -0x8000000000000000n;

/** An encoder error: it has no source position, so it names the key path instead. */
export function unencodable(message: string, path: string): TomlError {
  const at = { offset: 0, line: 0, column: 0 };
  const where = path === '' ? 'at the top level' : `at ${path}`;
  const error = new TomlError({
    code: 'unencodable-value',
    message: `${message} ${where}`,
    start: at,
    end: at,
    lineText: '',
  });
  return error;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || isForeignObjectPrototype(proto);
}

/**
 * Is `proto` the `Object.prototype` of another realm (an iframe, a `vm` context)? Plain
 * objects made there are plain data too, as `JSON.stringify` takes them; a class
 * instance's prototype has a prototype of its own, so it does not pass.
 */
function isForeignObjectPrototype(proto: unknown): boolean {
  if (typeof proto !== 'object' || proto === null || Object.getPrototypeOf(proto) !== null) {
    return false;
  }
  const constructor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  return (
    typeof constructor === 'function' &&
    constructor.name === 'Object' &&
    constructor.prototype === proto
  );
}

function isDateTime(value: unknown): value is TomlDateTime {
  return (
    value instanceof OffsetDateTime ||
    value instanceof LocalDateTime ||
    value instanceof LocalDate ||
    value instanceof LocalTime
  );
}

/** An array written as `[[header]]` sections: non-empty, every element a table. */
function isArrayOfTables(value: unknown[]): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    // Cheap tests first: most arrays hold strings or numbers.
    if (typeof item !== 'object' || Array.isArray(item) || !isPlainObject(item)) return false;
  }
  return true;
}

const HEX = '0123456789ABCDEF';

/** For the characters escaped by one letter after a backslash (`\n`), that letter; else 0. */
const SHORT_ESCAPES = new Uint8Array(128);
for (const [c, letter] of [
  [0x22, '"'],
  [0x5c, '\\'],
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0c, 'f'],
  [0x0d, 'r'],
] as const) {
  SHORT_ESCAPES[c] = letter.charCodeAt(0);
}

/** 1 for the ASCII characters a basic string holds as they are. */
const PLAIN_ASCII = new Uint8Array(128);
for (let c = 0x20; c < 0x7f; c++) PLAIN_ASCII[c] = c === 0x22 || c === 0x5c ? 0 : 1;

/**
 * True for a character above U+007F that strings are written with as a `\uXXXX` escape:
 * the C1 controls, line and paragraph separators and the bidirectional formatting
 * characters. TOML allows them raw, but printed raw they drive a terminal (U+009B starts a
 * control sequence) or reorder how a line reads (U+202E), and the TOML this writes is
 * printed (`volt-manifest resolve`). Escaped, the value reads back the same.
 */
function escapedAbove7f(c: number): boolean {
  return c <= 0x9f || (c >= 0x061c && c <= 0x2069 && isTerminalControl(c));
}

/**
 * A basic string literal, every control character escaped so it stays on one line; `null`
 * when the text holds a lone surrogate, which no TOML string can.
 */
export function quoteString(text: string): string | null {
  let out = '';
  let chunk = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 && PLAIN_ASCII[c] === 1) continue;
    if (c >= 0x80 && !escapedAbove7f(c)) {
      if (c < 0xd800 || c > 0xdfff) continue;
      const d = text.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return null;
    }
    const short = c < 0x80 ? SHORT_ESCAPES[c]! : 0;
    const escaped =
      short !== 0
        ? `\\${String.fromCharCode(short)}`
        : `\\u${HEX[c >> 12]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
    out += text.slice(chunk, i) + escaped;
    chunk = i + 1;
  }
  return chunk === 0 ? `"${text}"` : `"${out}${text.slice(chunk)}"`;
}

/** Shortest text that reads back as the same float, always with a float's syntax. */
export function floatText(value: number): string {
  if (!Number.isInteger(value)) {
    if (value !== value) return 'nan';
    if (value === Infinity) return 'inf';
    if (value === -Infinity) return '-inf';
    // A finite number that is not an integer is written with a '.' or an 'e' already.
    return String(value);
  }
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const text = String(value);
  // From 1e21 on, integers are written with an exponent.
  return value < 1e21 && value > -1e21 ? `${text}.0` : text;
}

/** Output bytes are turned into a string piece once a table ends past this many. */
const BLOCK = 16384;
/** The output buffer's size to start with, and the most it keeps between documents. */
const INITIAL_BYTES = 8192;
const KEPT_BYTES = 65536;

/**
 * What the encoder could not write: the container holding it and its key or index (or,
 * for a container too deep, its parent and key). The path is worked out only then.
 */
class EncodeFailure {
  constructor(
    readonly message: string,
    readonly container: object,
    readonly key: string | number,
    /** Nesting beyond maxDepth: possibly a cycle, which is then reported instead. */
    readonly tooDeep = false,
  ) {}
}

class Encoder {
  /**
   * The output as UTF-8, made into a string once per block. Building it by concatenation
   * made a string object per `+` that died at once, several times the output's size;
   * with many outputs kept, collecting that garbage took more time than the encoding
   * itself.
   */
  private bytes = new Uint8Array(INITIAL_BYTES);
  private length = 0;
  /** Finished pieces of a big output. */
  private blocks: string[] = [];
  /**
   * By nesting depth, the sub-tables and arrays of tables of the table being written, as
   * key and value in turn: reused within a document, so a table allocates no list of its
   * own.
   */
  private sectionLists: unknown[][] = [];
  /** Tables and arrays open (a cycle shows up as nesting beyond the limit). */
  private depth = 0;
  private sortKeys = false;
  private floats = false;
  maxDepth = DEFAULT_MAX_DEPTH;

  /** Sets the options for the next document (an encoder is reused, see `spareEncoder`). */
  begin(options: StringifyOptions | undefined): void {
    if (this.blocks.length > 0) this.blocks = [];
    // Lets go of what the lists held (this runs after every document, as it failed or not).
    this.sectionLists = [];
    this.length = 0;
    if (this.bytes.length > KEPT_BYTES) this.bytes = new Uint8Array(INITIAL_BYTES);
    this.depth = 0;
    checkOptionsObject(options);
    const sortKeys = options?.sortKeys ?? false;
    if (typeof sortKeys !== 'boolean') {
      throw new TypeError(`sortKeys must be a boolean, got ${String(sortKeys)}`);
    }
    this.sortKeys = sortKeys;
    const numbers = options?.numbers ?? 'auto';
    if (numbers !== 'auto' && numbers !== 'float') {
      throw new TypeError(`numbers must be 'auto' or 'float', got ${String(numbers)}`);
    }
    this.floats = numbers === 'float';
    this.maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(this.maxDepth) || this.maxDepth < 1) {
      throw new TypeError(`maxDepth must be a positive integer, got ${String(options?.maxDepth)}`);
    }
  }

  encode(root: Record<string, unknown>): string {
    this.table(root, root, '', '', false);
    return this.output();
  }

  /**
   * `value` as written after `key = ` (inline), or, with a `header` (`a."b c"`), a table
   * as its `[header]` section (`[[header]]` for an `element`) and its sub-sections.
   */
  encodePart(
    value: unknown,
    container: object,
    key: string | number,
    header: string,
    element: boolean,
  ): string {
    if (header === '') this.value(value, container, key);
    else this.table(value as Record<string, unknown>, container, key, header, element);
    return this.output();
  }

  private output(): string {
    const last = bytesToString(this.bytes, this.length);
    if (this.blocks.length === 0) return last;
    this.blocks.push(last);
    return this.blocks.join('');
  }

  /** Makes room for `count` more bytes. */
  private reserve(count: number): Uint8Array {
    const needed = this.length + count;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    return this.bytes;
  }

  private char(code: number): void {
    this.reserve(1)[this.length++] = code;
  }

  /** Two characters, such as `, ` or ` }`. */
  private pair(first: number, second: number): void {
    const out = this.reserve(2);
    out[this.length] = first;
    out[this.length + 1] = second;
    this.length += 2;
  }

  /** Text that needs no escaping and holds no lone surrogate (a header, a key, a date). */
  private text(text: string): void {
    const count = text.length;
    const out = this.reserve(count);
    let at = this.length;
    for (let i = 0; i < count; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        // A quoted key in a header: the rest as UTF-8.
        const rest = text.slice(i);
        this.length = at;
        this.length = writeUtf8(rest, this.reserve(3 * rest.length), at);
        return;
      }
      out[at++] = c;
    }
    this.length = at;
  }

  /** A safe integer in decimal digits, written without making its text first. */
  private integer(value: number): void {
    if (value < 0) this.char(Ch.Minus);
    let rest = Math.abs(value);
    // At most 16 digits for a safe integer.
    const out = this.reserve(16);
    let end = this.length;
    for (let power = 10; power <= rest; power *= 10) end++;
    this.length = end + 1;
    do {
      out[end--] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
  }

  /**
   * `text` as a basic string, every control character escaped so it stays on one line;
   * false (and nothing written) when it holds a lone surrogate, which no TOML string can.
   */
  private quoted(text: string): boolean {
    const start = this.length;
    const count = text.length;
    let out = this.reserve(count + 2);
    let at = start;
    out[at++] = Ch.Quote;
    for (let i = 0; i < count; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        if (PLAIN_ASCII[c] === 1) {
          out[at++] = c;
          continue;
        }
        // An escape takes up to six bytes, any other character up to three (a pair
        // of surrogates, four): room for it and for the rest.
        this.length = at;
        out = this.reserve(3 * (count - i) + 4);
        out[at++] = Ch.Backslash;
        const short = SHORT_ESCAPES[c]!;
        if (short !== 0) {
          out[at++] = short;
        } else {
          out[at++] = 0x75; // u
          out[at++] = 0x30;
          out[at++] = 0x30;
          out[at++] = HEX.charCodeAt(c >> 4);
          out[at++] = HEX.charCodeAt(c & 15);
        }
        continue;
      }
      if (escapedAbove7f(c)) {
        this.length = at;
        out = this.reserve(3 * (count - i) + 4);
        out[at++] = Ch.Backslash;
        out[at++] = 0x75; // u
        out[at++] = HEX.charCodeAt(c >> 12);
        out[at++] = HEX.charCodeAt((c >> 8) & 15);
        out[at++] = HEX.charCodeAt((c >> 4) & 15);
        out[at++] = HEX.charCodeAt(c & 15);
        continue;
      }
      let code = c;
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = text.charCodeAt(i + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) {
          this.length = start;
          return false;
        }
        code = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
      this.length = at;
      out = this.reserve(3 * (count - i) + 4);
      at = writeCodePoint(code, out, at);
    }
    out[at++] = Ch.Quote;
    this.length = at;
    return true;
  }

  /**
   * The keys of `table` in output order. `Object.keys` rather than `for…in` into a reused
   * list: for…in checks every key of a table in dictionary mode (a big table) again.
   */
  private keysOf(table: Record<string, unknown>): string[] {
    const keys = Object.keys(table);
    return this.sortKeys ? keys.sort() : keys;
  }

  /** A key as TOML text: bare when possible, else a basic string (for headers). */
  private key(key: string, container: object): string {
    if (isBareKey(key)) return key;
    const quoted = quoteString(key);
    if (quoted === null) throw lonelyKey(container, key);
    return quoted;
  }

  /** Writes a key: bare when possible, else a basic string. */
  private writeKey(key: string, container: object): void {
    // Copied while checked: a bare key is the usual case, and a quoted one starts over.
    const count = key.length;
    const out = this.reserve(count);
    let at = this.length;
    for (let i = 0; i < count; i++) {
      const c = key.charCodeAt(i);
      if (!isBareKeyChar(c)) {
        at = -1;
        break;
      }
      out[at++] = c;
    }
    if (at > this.length) this.length = at;
    else if (!this.quoted(key)) throw lonelyKey(container, key);
  }

  /** Enters a table or array held by `parent` under `key`. */
  private enter(parent: object, key: string | number): void {
    if (++this.depth > this.maxDepth + 1) {
      throw new EncodeFailure(
        `nesting is deeper than the maximum of ${this.maxDepth} (option maxDepth)`,
        parent,
        key,
        true,
      );
    }
  }

  /**
   * A table (held by `parent` under `name`) and everything under it, `header` being its
   * TOML path (`a."b c"`) and `element` marking an array-of-tables element.
   */
  private table(
    table: Record<string, unknown>,
    parent: object,
    name: string | number,
    header: string,
    element: boolean,
  ): void {
    this.enter(parent, name);
    if (this.length > BLOCK) {
      this.blocks.push(bytesToString(this.bytes, this.length));
      this.length = 0;
    }
    const depth = this.depth;
    const keys = this.keysOf(table);
    const count = keys.length;
    // The header goes first; it is taken back if the table turns out to need none.
    const headerAt = this.length;
    if (header !== '') {
      if (this.length > 0 || this.blocks.length > 0) this.char(Ch.LF);
      this.char(Ch.LeftBracket);
      if (element) this.char(Ch.LeftBracket);
      this.text(header);
      this.char(Ch.RightBracket);
      if (element) this.char(Ch.RightBracket);
      this.char(Ch.LF);
    }
    const bodyAt = this.length;
    // Sub-tables and arrays of tables, found in the one pass that writes the plain values
    // (each value is read and classified once): their keys and values, in turn.
    let sections = this.sectionLists[depth];
    if (sections === undefined) this.sectionLists[depth] = sections = [];
    let sectionCount = 0;
    for (let i = 0; i < count; i++) {
      const key = keys[i]!;
      const value = table[key];
      if (typeof value === 'object') {
        if (value === null) continue;
        if (Array.isArray(value) ? isArrayOfTables(value) : isPlainObject(value)) {
          sections[sectionCount++] = key;
          sections[sectionCount++] = value;
          continue;
        }
      } else if (value === undefined) {
        continue;
      }
      this.writeKey(key, table);
      const out = this.reserve(3);
      out[this.length] = Ch.Space;
      out[this.length + 1] = Ch.Equals;
      out[this.length + 2] = Ch.Space;
      this.length += 3;
      this.value(value, table, key);
      this.char(Ch.LF);
    }
    if (sectionCount === 0) {
      this.depth--;
      return;
    }
    if (header !== '' && !element && this.length === bodyAt) this.length = headerAt;
    for (let s = 0; s < sectionCount; s += 2) {
      const key = sections[s] as string;
      const value = sections[s + 1] as object;
      const childHeader =
        header === '' ? this.key(key, table) : `${header}.${this.key(key, table)}`;
      if (Array.isArray(value)) {
        this.enter(table, key);
        for (let j = 0; j < value.length; j++) {
          this.table(value[j] as Record<string, unknown>, value, j, childHeader, true);
        }
        this.depth--;
      } else {
        this.table(value as Record<string, unknown>, table, key, childHeader, false);
      }
    }
    this.depth--;
  }

  /** Writes a value (held by `container` under `key`) in inline form. */
  private value(value: unknown, container: object, key: string | number): void {
    switch (typeof value) {
      case 'string': {
        if (this.quoted(value)) return;
        const at = /[\uD800-\uDFFF]/u.exec(value)?.[0] ?? '';
        throw new EncodeFailure(
          `cannot encode a string with a lone surrogate U+${at.charCodeAt(0).toString(16).toUpperCase()}`,
          container,
          key,
        );
      }
      case 'number':
        if (!this.floats && Number.isSafeInteger(value) && !Object.is(value, -0)) {
          this.integer(value);
        } else {
          this.text(floatText(value));
        }
        return;
      case 'bigint':
        if (value > MAX_INT64 || value < MIN_INT64) {
          throw new EncodeFailure(
            `cannot encode ${value}: TOML integers are 64-bit`,
            container,
            key,
          );
        }
        this.text(String(value));
        return;
      case 'boolean':
        this.text(value ? 'true' : 'false');
        return;
      case 'object':
        if (value === null) break;
        if (Array.isArray(value)) return this.inlineArray(value, container, key);
        if (isDateTime(value)) return this.dateTime(value, container, key);
        if (isPlainObject(value)) return this.inlineTable(value, container, key);
        throw new EncodeFailure(
          value instanceof Date
            ? 'cannot encode a Date (use OffsetDateTime, LocalDateTime, LocalDate or LocalTime)'
            : `cannot encode an object of class ${value.constructor?.name ?? 'unknown'}`,
          container,
          key,
        );
    }
    throw new EncodeFailure(
      `cannot encode ${value === null || value === undefined ? String(value) : `a ${typeof value}`}`,
      container,
      key,
    );
  }

  /** A date/time, written from its fields once they pass the constructors' checks. */
  private dateTime(value: TomlDateTime, container: object, key: string | number): void {
    let text: string;
    try {
      text = checkedText(value);
    } catch (error) {
      if (!(error instanceof RangeError) || isStackOverflow(error)) throw error;
      // The message quotes the field, which may hold a line break or a terminal escape.
      throw new EncodeFailure(
        `cannot encode an invalid date/time: ${escapeControl(error.message)}`,
        container,
        key,
      );
    }
    this.text(text);
  }

  private inlineArray(array: unknown[], container: object, key: string | number): void {
    this.enter(container, key);
    this.char(Ch.LeftBracket);
    for (let i = 0; i < array.length; i++) {
      if (i > 0) this.pair(Ch.Comma, Ch.Space);
      this.value(array[i], array, i);
    }
    this.char(Ch.RightBracket);
    this.depth--;
  }

  private inlineTable(
    table: Record<string, unknown>,
    container: object,
    key: string | number,
  ): void {
    this.enter(container, key);
    this.char(Ch.LeftBrace);
    const open = this.length;
    const names = this.keysOf(table);
    const count = names.length;
    for (let i = 0; i < count; i++) {
      const name = names[i]!;
      const value = table[name];
      if (value === undefined || value === null) continue;
      if (this.length === open) this.char(Ch.Space);
      else this.pair(Ch.Comma, Ch.Space);
      this.writeKey(name, table);
      this.text(' = ');
      this.value(value, table, name);
    }
    if (this.length === open) this.char(Ch.RightBrace);
    else this.pair(Ch.Space, Ch.RightBrace);
    this.depth--;
  }
}

function lonelyKey(container: object, key: string): EncodeFailure {
  return new EncodeFailure('cannot encode a key with a lone surrogate', container, key);
}

/** The containers a value holds, with their keys (null and undefined members skipped). */
function childrenOf(value: object): [string | number, object][] {
  const out: [string | number, object][] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item !== null && typeof item === 'object') out.push([i, item as object]);
    });
  } else {
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object' && !isDateTime(item)) out.push([key, item]);
    }
  }
  return out;
}

/** Keys and indexes from the root. */
type Path = readonly (string | number)[];

/** `a."b c"[2].d`, as the path appears in messages. */
function formatPath(steps: Path): string {
  let path = '';
  for (const step of steps) {
    path +=
      typeof step === 'number'
        ? `[${step}]`
        : path === ''
          ? formatKey(step)
          : `.${formatKey(step)}`;
  }
  return path;
}

/**
 * Where things are in `root`, worked out only when encoding failed: the path of the
 * first container that refers back to one it is inside (a cycle), and the path of
 * `target`. Iterative, so it handles nesting deeper than the stack.
 */
function explore(root: object, target: object): { cycle: string | null; target: Path | null } {
  interface Frame {
    value: object;
    key: string | number;
    children: [string | number, object][];
    next: number;
  }
  // The stack is the path from the root to the container being explored.
  const stack: Frame[] = [{ value: root, key: '', children: childrenOf(root), next: 0 }];
  const pathTo = (key: string | number): Path => [...stack.slice(1).map((f) => f.key), key];
  const onPath = new Set<object>([root]);
  const seen = new Set<object>([root]);
  let found: Path | null = root === target ? [] : null;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.children.length) {
      onPath.delete(frame.value);
      stack.pop();
      continue;
    }
    const [key, child] = frame.children[frame.next++]!;
    if (onPath.has(child)) return { cycle: formatPath(pathTo(key)), target: found };
    if (child === target && found === null) found = pathTo(key);
    if (seen.has(child)) continue;
    seen.add(child);
    onPath.add(child);
    stack.push({ value: child, key, children: childrenOf(child), next: 0 });
  }
  return { cycle: null, target: found };
}

/** The TomlError for a failure: a cycle if there is one, else the failure at its path. */
function failureError(root: object, failure: EncodeFailure): TomlError {
  const { cycle, target } = explore(root, failure.container);
  if (failure.tooDeep && cycle !== null) return unencodable('cannot encode a cycle', cycle);
  return unencodable(failure.message, formatPath([...(target ?? []), failure.key]));
}

/**
 * One encoder kept between calls. Keeping it reachable keeps the engine's optimized code:
 * V8 discards optimized code when a full garbage collection finds no object of the
 * shapes it was specialised for, and a new encoder per call left none alive (measured:
 * three times the time per document right after a full collection).
 */
let spareEncoder: Encoder | null = null;

/**
 * Encodes a table as a TOML document. `undefined` and `null` members of tables are
 * skipped; anything else TOML cannot hold (a function, a symbol, `null` or `undefined`
 * in an array, a cycle, a class instance other than the four date/time classes, a
 * string with a lone surrogate, a bigint beyond 64 bits) throws a `TomlError` with code
 * `unencodable-value` naming the key path.
 */
export function stringify(value: Record<string, unknown>, options?: StringifyOptions): string {
  if (!isPlainObject(value)) {
    throw unencodable('a TOML document must be a table (a plain object)', '');
  }
  const encoder = spareEncoder ?? new Encoder();
  spareEncoder = null;
  try {
    encoder.begin(options);
    return encoder.encode(value);
  } catch (error) {
    if (error instanceof EncodeFailure) throw failureError(value, error);
    if (!isStackOverflow(error)) throw error;
    const { cycle } = explore(value, value);
    if (cycle !== null) throw unencodable('cannot encode a cycle', cycle);
    throw unencodable(
      `nesting is deeper than the JavaScript stack allows (option maxDepth is ${encoder.maxDepth})`,
      '',
    );
  } finally {
    encoder.begin(undefined);
    spareEncoder = encoder;
  }
}

/**
 * What `stringify` writes for `value` at `path` of a document: the inline text that
 * follows `key = `, or, when `section` is set, the `[a.b]` section of a table (for an
 * array-of-tables element, `[[a.b]]`) with its sub-sections, the header named by the
 * path's keys. The editor writes its values with this; errors name `path`.
 */
export function stringifyAt(
  value: unknown,
  path: readonly (string | number)[],
  section: 'inline' | 'table' | 'element',
  options?: StringifyOptions,
): string {
  // The value inside containers along `path`, so an error's path is the document's.
  let root: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i]!;
    const holder: unknown[] | Record<string, unknown> = typeof step === 'number' ? [] : {};
    Object.defineProperty(holder, step, { value: root, enumerable: true, writable: true });
    root = holder;
  }
  const container = path.length === 0 ? {} : (parentOf(root, path) as object);
  const key = path.length === 0 ? '' : path[path.length - 1]!;
  if (section !== 'inline' && !isPlainObject(value)) {
    throw unencodable('a section must be a table (a plain object)', formatPath(path));
  }
  const encoder = spareEncoder ?? new Encoder();
  spareEncoder = null;
  try {
    encoder.begin(options);
    let header = '';
    if (section !== 'inline') {
      for (const step of path) {
        if (typeof step === 'number') continue;
        const name = isBareKey(step) ? step : quoteString(step);
        if (name === null)
          throw unencodable('cannot encode a key with a lone surrogate', formatPath(path));
        header = header === '' ? name : `${header}.${name}`;
      }
    }
    return encoder.encodePart(value, container, key, header, section === 'element');
  } catch (error) {
    if (error instanceof EncodeFailure) throw failureError(root as object, error);
    if (!isStackOverflow(error)) throw error;
    throw unencodable('nesting is deeper than the JavaScript stack allows', formatPath(path));
  } finally {
    encoder.begin(undefined);
    spareEncoder = encoder;
  }
}

/** The container holding the last step of `path` in the nest `root` built along it. */
function parentOf(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (let i = 0; i < path.length - 1; i++)
    node = (node as Record<string | number, unknown>)[path[i]!];
  return node;
}
