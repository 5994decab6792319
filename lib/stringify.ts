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
import { LocalDate, LocalDateTime, LocalTime, OffsetDateTime } from './datetime.js';
import { TomlError, isStackOverflow } from './errors.js';
import { formatKey, isBareKey } from './keys.js';
import { DEFAULT_MAX_DEPTH } from './options.js';

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
  return proto === Object.prototype || proto === null;
}

function isDateTime(
  value: unknown,
): value is OffsetDateTime | LocalDateTime | LocalDate | LocalTime {
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

/** True for a value written as a section (`[table]` or `[[array]]`), not inline. */
function isSection(value: unknown): boolean {
  if (typeof value !== 'object') return false;
  return Array.isArray(value) ? isArrayOfTables(value) : isPlainObject(value);
}

const HEX = '0123456789ABCDEF';

/** 1 for the ASCII characters a basic string holds as they are. */
const PLAIN_ASCII = new Uint8Array(128);
for (let c = 0x20; c < 0x7f; c++) PLAIN_ASCII[c] = c === 0x22 || c === 0x5c ? 0 : 1;

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
    let escaped: string;
    if (c >= 0x80) {
      if (c < 0xd800 || c > 0xdfff) continue;
      const d = text.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return null;
    }
    switch (c) {
      case 0x22:
        escaped = '\\"';
        break;
      case 0x5c:
        escaped = '\\\\';
        break;
      case 0x08:
        escaped = '\\b';
        break;
      case 0x09:
        escaped = '\\t';
        break;
      case 0x0a:
        escaped = '\\n';
        break;
      case 0x0c:
        escaped = '\\f';
        break;
      case 0x0d:
        escaped = '\\r';
        break;
      default:
        escaped = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    }
    out += text.slice(chunk, i) + escaped;
    chunk = i + 1;
  }
  return chunk === 0 ? `"${text}"` : `"${out}${text.slice(chunk)}"`;
}

/** Shortest text that reads back as the same float, always with a float's syntax. */
export function floatText(value: number): string {
  if (value !== value) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const text = String(value);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e || c === 0x65) return text;
  }
  return `${text}.0`;
}

/** Output is flattened in blocks of about this size, so its many pieces die young. */
const BLOCK = 16384;

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
  /** Finished output blocks, and the block being built by concatenation. */
  private blocks: string[] = [];
  private out = '';
  /** Tables and arrays open (a cycle shows up as nesting beyond the limit). */
  private depth = 0;
  private sortKeys = false;
  private floats = false;
  maxDepth = DEFAULT_MAX_DEPTH;

  /** Sets the options for the next document (an encoder is reused, see `spareEncoder`). */
  begin(options: StringifyOptions | undefined): void {
    if (this.blocks.length > 0) this.blocks = [];
    this.out = '';
    this.depth = 0;
    this.sortKeys = options?.sortKeys ?? false;
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
    const last = this.out;
    // Reading a character flattens a concatenated string into one piece.
    last.charCodeAt(0);
    if (this.blocks.length === 0) return last;
    this.blocks.push(last);
    return this.blocks.join('');
  }

  private keysOf(table: Record<string, unknown>): string[] {
    const keys = Object.keys(table);
    return this.sortKeys ? keys.sort() : keys;
  }

  /** A key as TOML text: bare when possible, else a basic string. */
  private key(key: string, container: object): string {
    if (isBareKey(key)) return key;
    const quoted = quoteString(key);
    if (quoted === null)
      throw new EncodeFailure('cannot encode a key with a lone surrogate', container, key);
    return quoted;
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
    const keys = this.keysOf(table);
    let body = '';
    let sections: number[] | null = null;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const value = table[key];
      if (value === undefined || value === null) continue;
      if (isSection(value)) {
        (sections ??= []).push(i);
        continue;
      }
      body += `${this.key(key, table)} = ${this.value(value, table, key)}\n`;
    }
    let out = this.out;
    if (header !== '' && (element || body !== '' || sections === null)) {
      const line = element ? `[[${header}]]\n` : `[${header}]\n`;
      out += out === '' && this.blocks.length === 0 ? line : `\n${line}`;
    }
    out += body;
    if (out.length > BLOCK) {
      out.charCodeAt(0);
      this.blocks.push(out);
      out = '';
    }
    this.out = out;
    if (sections !== null) {
      for (const i of sections) {
        const key = keys[i]!;
        const value = table[key];
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
    }
    this.depth--;
  }

  /** A value (held by `container` under `key`) in inline form. */
  private value(value: unknown, container: object, key: string | number): string {
    switch (typeof value) {
      case 'string': {
        const quoted = quoteString(value);
        if (quoted !== null) return quoted;
        const at = /[\uD800-\uDFFF]/u.exec(value)?.[0] ?? '';
        throw new EncodeFailure(
          `cannot encode a string with a lone surrogate U+${at.charCodeAt(0).toString(16).toUpperCase()}`,
          container,
          key,
        );
      }
      case 'number':
        if (!this.floats && Number.isSafeInteger(value) && !Object.is(value, -0)) {
          return String(value);
        }
        return floatText(value);
      case 'bigint':
        if (value > MAX_INT64 || value < MIN_INT64) {
          throw new EncodeFailure(
            `cannot encode ${value}: TOML integers are 64-bit`,
            container,
            key,
          );
        }
        return String(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'object':
        if (value === null) break;
        if (Array.isArray(value)) return this.inlineArray(value, container, key);
        if (isDateTime(value)) return value.toString();
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
      `cannot encode ${value === null ? 'null' : `a ${typeof value}`}`,
      container,
      key,
    );
  }

  private inlineArray(array: unknown[], container: object, key: string | number): string {
    this.enter(container, key);
    let out = '[';
    for (let i = 0; i < array.length; i++) {
      out += i === 0 ? this.value(array[i], array, i) : `, ${this.value(array[i], array, i)}`;
    }
    this.depth--;
    return `${out}]`;
  }

  private inlineTable(
    table: Record<string, unknown>,
    container: object,
    key: string | number,
  ): string {
    this.enter(container, key);
    let out = '';
    for (const name of this.keysOf(table)) {
      const value = table[name];
      if (value === undefined || value === null) continue;
      const item = `${this.key(name, table)} = ${this.value(value, table, name)}`;
      out += out === '' ? item : `, ${item}`;
    }
    this.depth--;
    return out === '' ? '{}' : `{ ${out} }`;
  }
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
