/**
 * A scanner of JSON text (RFC 8259, the syntax `JSON.parse` accepts), with its own stack
 * so no nesting depth can overflow it. It finds where text goes wrong: `JSON.parse` says
 * what is wrong but, depending on the engine and the mistake, not always where (V8:
 * "Unexpected token '}', …" has no position); the offset is the one V8 names when it
 * names one. On valid text the same pass builds the located tree of the value, so a
 * manifest given as JSON text is reported at lines and columns as a TOML file is, and
 * finds a member name given twice in one object.
 */
import { Ch } from '../../lexer/scanner.js';
import {
  LocatedArrayNode,
  LocatedScalarNode,
  LocatedTableNode,
  type LocatedValue,
  type ScalarType,
} from '../toml/located.js';

const enum Container {
  Array,
  Object,
}

function skipSpace(text: string, p: number): number {
  for (;;) {
    const c = text.charCodeAt(p);
    if (c !== Ch.Space && c !== Ch.LF && c !== Ch.CR && c !== Ch.Tab) return p;
    p++;
  }
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/**
 * The string starting at the quote at `p`: the offset after its closing quote, or the
 * bitwise complement (`~offset`, negative) of where it goes wrong.
 */
function scanString(text: string, p: number): number {
  for (p++; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === Ch.Quote) return p + 1;
    if (c < Ch.Space) return ~p;
    if (c === Ch.Backslash) {
      const e = text.charCodeAt(p + 1);
      if (e === 0x75) {
        for (let i = 2; i < 6; i++) if (!isHexDigit(text.charCodeAt(p + i))) return ~(p + i);
        p += 5;
      } else if (
        e === Ch.Quote ||
        e === Ch.Backslash ||
        e === Ch.Slash ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      ) {
        p++;
      } else {
        return ~(p + 1);
      }
    }
  }
  return ~p;
}

/** The number at `p`: the offset after it, or `~offset` of where it goes wrong. */
function scanNumber(text: string, p: number): number {
  if (text.charCodeAt(p) === Ch.Minus) p++;
  const first = text.charCodeAt(p);
  if (first === Ch.Zero) p++;
  else if (isDigit(first)) while (isDigit(text.charCodeAt(++p)));
  else return ~p;
  if (text.charCodeAt(p) === Ch.Dot) {
    if (!isDigit(text.charCodeAt(++p))) return ~p;
    while (isDigit(text.charCodeAt(++p)));
  }
  if ((text.charCodeAt(p) | 0x20) === 0x65) {
    const sign = text.charCodeAt(++p);
    if (sign === Ch.Plus || sign === Ch.Minus) p++;
    if (!isDigit(text.charCodeAt(p))) return ~p;
    while (isDigit(text.charCodeAt(++p)));
  }
  return p;
}

/** The value at `p` when it is not an object or array: as `scanString`. */
function scanScalar(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (c === Ch.Quote) return scanString(text, p);
  if (c === Ch.Minus || isDigit(c)) return scanNumber(text, p);
  for (const word of ['true', 'false', 'null']) {
    if (c !== word.charCodeAt(0)) continue;
    for (let i = 1; i < word.length; i++)
      if (text.charCodeAt(p + i) !== word.charCodeAt(i)) return ~(p + i);
    return p + word.length;
  }
  return ~p;
}

/**
 * The name of the member at `p` (after spaces) and its colon: the offset of its value
 * (after spaces), or `~offset` of where it goes wrong. `named` gets the name's span.
 */
function scanMemberName(
  text: string,
  p: number,
  named: ((start: number, end: number) => void) | null,
): number {
  if (text.charCodeAt(p) !== Ch.Quote) return ~p;
  const end = scanString(text, p);
  if (end < 0) return end;
  const colon = skipSpace(text, end);
  if (text.charCodeAt(colon) !== Ch.Colon) return ~colon;
  named?.(p, end);
  return skipSpace(text, colon + 1);
}

/** What a scan of valid JSON tells, in document order; each span is `[start, end)`. */
interface JsonVisitor {
  /** A string, number, `true`, `false` or `null`. */
  scalar(start: number, end: number): void;
  /** The `[` or `{` at `start`. */
  open(start: number, isObject: boolean): void;
  /** The name (quotes included) of the object member whose value comes next. */
  name(start: number, end: number): void;
  /** The container opened last ends at `end` (just after its bracket). */
  close(end: number): void;
}

/** The offset of the first syntax error in `text` as JSON, or -1 when it is valid JSON. */
export function jsonErrorOffset(text: string): number {
  return scanJson(text, null);
}

/**
 * The offset of the first syntax error in `text`, or -1 when there is none; `visitor`
 * hears what the text holds as it is read (what it heard is void when there is an error).
 * Containers are kept on a stack of our own.
 */
function scanJson(text: string, visitor: JsonVisitor | null): number {
  const open: Container[] = [];
  const named = visitor === null ? null : (start: number, end: number) => visitor.name(start, end);
  let p = skipSpace(text, 0);
  for (;;) {
    // A value at `p`.
    const c = text.charCodeAt(p);
    if (c === Ch.LeftBracket || c === Ch.LeftBrace) {
      const isObject = c === Ch.LeftBrace;
      visitor?.open(p, isObject);
      p = skipSpace(text, p + 1);
      if (text.charCodeAt(p) !== (isObject ? Ch.RightBrace : Ch.RightBracket)) {
        open.push(isObject ? Container.Object : Container.Array);
        if (isObject) {
          p = scanMemberName(text, p, named);
          if (p < 0) return ~p;
        }
        continue;
      }
      p++;
      visitor?.close(p);
    } else {
      const start = p;
      p = scanScalar(text, p);
      if (p < 0) return ~p;
      visitor?.scalar(start, p);
    }
    // After a value: close what it ends, or go on to the next element or member.
    for (;;) {
      p = skipSpace(text, p);
      if (open.length === 0) return p === text.length ? -1 : p;
      const inObject = open[open.length - 1] === Container.Object;
      const c = text.charCodeAt(p);
      if (c === (inObject ? Ch.RightBrace : Ch.RightBracket)) {
        open.pop();
        p++;
        visitor?.close(p);
        continue;
      }
      if (c !== Ch.Comma) return p;
      p = skipSpace(text, p + 1);
      if (inObject) {
        p = scanMemberName(text, p, named);
        if (p < 0) return ~p;
      }
      break;
    }
  }
}

/** JSON text read by `locateJson`. */
export interface LocatedJson {
  /** The offset of the first syntax error, or -1. */
  error: number;
  /** The value with the span of every value and member name (null with an error). */
  root: LocatedValue | null;
  /** The first member name its object already has, and where (JSON keeps the last value). */
  repeated: { offset: number; name: string } | null;
}

/**
 * Reads JSON text in one pass, as `JSON.parse` would (the same values, the last of a
 * member name given twice), and locates it: each value has the span of its text and each
 * member the span of its name, in document order. `null` members are left out of the
 * located tables (absent, as in Go's JSON decoding), and `null` in an array is located
 * with the type `'null'` (no TOML type: the builder names it). Containers `maxDepth`
 * levels down are located without their contents (their values are whole), so a walk of
 * the tree never goes deep, whatever the nesting of the text. Offsets are UTF-16 code
 * units of `text`.
 */
export function locateJson(text: string, maxDepth = Infinity): LocatedJson {
  const locator = new JsonLocator(text, maxDepth);
  const error = scanJson(text, locator);
  return error >= 0
    ? { error, root: null, repeated: null }
    : { error, root: locator.root, repeated: locator.repeated };
}

/**
 * The first member name in `text` (valid JSON) that its object already has, and where
 * it is; null when there is none. `JSON.parse` keeps only the last value of a name given
 * twice; a manifest must not lose the other without a word, as a TOML file cannot.
 */
export function jsonDuplicateName(text: string): { offset: number; name: string } | null {
  return locateJson(text, 0).repeated;
}

/** A container being read by `JsonLocator`. */
interface OpenJson {
  start: number;
  value: unknown[] | Record<string, unknown>;
  isObject: boolean;
  /** Whether the container itself is located (its parent is, and it is not too deep). */
  located: boolean;
  /** The located elements or member values; null when they are not located. */
  nodes: LocatedValue[] | null;
  /** An object's member names, and the span of each, in the order of `nodes`. */
  names: string[];
  nameSpans: number[];
  /** An object has a member name twice. */
  repeats: boolean;
}

/** The type of a JSON `null`, which has no TOML type (see `locateValue`). */
const NULL_TYPE = 'null' as ScalarType;

class JsonLocator implements JsonVisitor {
  root: LocatedValue | null = null;
  repeated: { offset: number; name: string } | null = null;
  /** The containers being read, innermost last. */
  private readonly containers: OpenJson[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  /** The parsed value of the string `[start, end)` (quotes included). */
  private string(start: number, end: number): string {
    const text = this.text;
    for (let i = start + 1; i < end - 1; i++) {
      if (text.charCodeAt(i) === Ch.Backslash) return JSON.parse(text.slice(start, end)) as string;
    }
    return text.slice(start + 1, end - 1);
  }

  /** Whether a value read now gets a node (the root does; others when their parent's nodes are kept). */
  private locating(): boolean {
    const parent = this.containers[this.containers.length - 1];
    return parent === undefined || parent.nodes !== null;
  }

  scalar(start: number, end: number): void {
    const c = this.text.charCodeAt(start);
    let value: unknown;
    let type: ScalarType;
    if (c === Ch.Quote) {
      value = this.string(start, end);
      type = 'string';
    } else if (c === 0x74 || c === 0x66) {
      value = c === 0x74;
      type = 'boolean';
    } else if (c === 0x6e) {
      value = null;
      type = NULL_TYPE;
    } else {
      // JSON's number syntax is a subset of JavaScript's: Number reads it as JSON.parse does.
      value = Number(this.text.slice(start, end));
      type = Number.isInteger(value) ? 'integer' : 'float';
    }
    this.add(this.locating() ? new LocatedScalarNode(type, value, start, end) : null, value);
  }

  open(start: number, isObject: boolean): void {
    const located = this.locating();
    this.containers.push({
      start,
      value: isObject ? {} : [],
      isObject,
      located,
      nodes: located && this.containers.length < this.maxDepth ? [] : null,
      names: [],
      nameSpans: [],
      repeats: false,
    });
  }

  name(start: number, end: number): void {
    const object = this.containers[this.containers.length - 1]!;
    const name = this.string(start, end);
    if (Object.prototype.hasOwnProperty.call(object.value, name)) {
      object.repeats = true;
      this.repeated ??= { offset: start, name };
    }
    object.names.push(name);
    object.nameSpans.push(start, end);
  }

  close(end: number): void {
    const container = this.containers.pop()!;
    const { start, value, nodes } = container;
    let node: LocatedValue | null = null;
    if (!container.located) {
      // Not located: only the value is kept.
    } else if (!container.isObject) {
      node = new LocatedArrayNode(value as unknown[], start, end, nodes ?? [], false);
    } else {
      const table = new LocatedTableNode(value as Record<string, unknown>, 'inline', start, end);
      if (nodes !== null) locateMembers(table, container, nodes);
      node = table;
    }
    this.add(node, value);
  }

  /** A value read whole: into its container, or the root. */
  private add(node: LocatedValue | null, value: unknown): void {
    const parent = this.containers[this.containers.length - 1];
    if (parent === undefined) {
      this.root = node;
      return;
    }
    if (!parent.isObject) {
      (parent.value as unknown[]).push(value);
    } else {
      const name = parent.names[parent.names.length - 1]!;
      const object = parent.value as Record<string, unknown>;
      // An own member, as JSON.parse makes it: `"__proto__"` is a name, not the prototype.
      if (name === '__proto__')
        Object.defineProperty(object, name, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      else object[name] = value;
    }
    if (parent.nodes !== null) parent.nodes.push(node!);
  }
}

/**
 * The members of a JSON object, located in document order: a `null` member is left out
 * (absent), and of a name given twice only the last is kept, as its value is.
 */
function locateMembers(table: LocatedTableNode, object: OpenJson, nodes: LocatedValue[]): void {
  const { names, nameSpans } = object;
  let last: Map<string, number> | null = null;
  if (object.repeats) {
    last = new Map();
    for (let i = 0; i < names.length; i++) last.set(names[i]!, i);
  }
  for (let i = 0; i < names.length; i++) {
    const node = nodes[i]!;
    if (node.type === NULL_TYPE) continue;
    if (last !== null && last.get(names[i]!) !== i) continue;
    table.add(names[i]!, nameSpans[2 * i]!, nameSpans[2 * i + 1]!, node);
  }
}
