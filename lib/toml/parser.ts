/**
 * The recursive-descent parser: one method per grammar construct, pulling tokens from
 * the scanner. It builds plain values directly (the fast path) and, when asked, the
 * located tree beside them. The table rules of TOML (what may be defined, extended or
 * reopened) live in a parallel tree of `TableNode`s; results are plain objects.
 */
import { Scanner } from '../../lexer/scanner.js';
import { Mode, Token } from '../../lexer/tokens.js';
import {
  LineIndex,
  type Position,
  TomlError,
  type TomlErrorCode,
  errorIn,
  isStackOverflow,
} from './errors.js';
import {
  type LocatedArray,
  type LocatedEntry,
  type LocatedTable,
  LocatedArrayNode,
  LocatedScalarNode,
  LocatedTableNode,
  type LocatedValue,
  type ScalarType,
  type Span,
  type TableOrigin,
  typeNames,
} from './located.js';
import { formatKey, keyInMessage } from './keys.js';
import { DEFAULT_MAX_DEPTH, type ParseOptions, resolveOptions } from './options.js';
import { IntegerMode, Kind, type ScalarContext, decodeScalar } from './scalars.js';
import { LineKind, failedStatementEnd, lineEndingOpenBrackets } from './statement-end.js';

const enum Flag {
  /** Defined by a header (or by dotted keys in an earlier section): closed to dotted keys and headers. */
  Explicit = 1,
  /** Defined by dotted keys in the current section: becomes Explicit at the next header. */
  Pending = 2,
  /** An array of tables; `last` is its current element. */
  ArrayOfTables = 4,
  /** Inside an inline table: everything is closed once the inline table ends. */
  Inline = 8,
  /** Defined by dotted keys (for messages). */
  Dotted = 16,
  /** Holds its sub-tables by their nodes (see `Parser.addChild`). */
  HoldsNodes = 32,
  /** A table that has no key yet: its first key decides how it is stored (`Parser.settle`). */
  Fresh = 64,
}

type Table = Record<string, unknown>;

/** Parse-time state of a table or array of tables. */
class TableNode {
  constructor(
    public value: Table | unknown[],
    public flags: number,
    public depth: number,
    public parent: TableNode | null,
    public key: string,
  ) {}
  /** For an array of tables: the element that headers and keys currently extend. */
  last: TableNode | null = null;
  /**
   * Sub-tables and arrays of tables, as a list (`firstChild`, then each one's
   * `nextSibling`): most tables have at most a handful. Past `MAX_LISTED_CHILDREN` the
   * table holds them by node instead (`Flag.HoldsNodes`), so lookups stay
   * constant-time. Values without a node are closed.
   *
   * An array of tables has no children; its `firstChild` is its first element, and the
   * elements link by `nextSibling` (the array itself is filled in once the document is
   * complete, at its exact length).
   */
  firstChild: TableNode | null = null;
  nextSibling: TableNode | null = null;
  located: LocatedTable | LocatedArray | null = null;
  /** Where each key was defined (only when tracking definitions for messages). */
  defs: Map<string, Position> | null = null;

  /** Makes a pooled node new (see `NodePool.take`). */
  reuse(
    value: Table | unknown[],
    flags: number,
    depth: number,
    parent: TableNode | null,
    key: string,
  ): void {
    this.value = value;
    this.flags = flags;
    this.depth = depth;
    this.parent = parent;
    this.key = key;
    this.last = null;
    this.firstChild = null;
    this.nextSibling = null;
    this.located = null;
    this.defs = null;
  }

  /** Lets go of the document a pooled node described. */
  clear(): void {
    this.value = EMPTY_ARRAY;
    this.parent = this.last = this.firstChild = this.nextSibling = null;
    this.located = null;
    this.defs = null;
  }
}

const EMPTY_ARRAY: unknown[] = [];

/**
 * A change a statement made to the document, recorded while recovering so that a statement
 * that fails can be taken back whole. Each is four slots of `Parser.changes`: the kind,
 * then what undoing it needs.
 */
const enum Change {
  /**
   * A table or array of tables added under a key (values are `Parser.setTable`): the
   * parent's node, the key, the parent's last located entry before.
   */
  Key,
  /** A table put first in its parent's list of children (`addChild`): the parent, the child. */
  ListedChild,
  /** A table's flags changed: its node, the flags before. */
  Flags,
  /** A located table's origin and span changed: the located table, the origin, the span before. */
  Span,
  /** A table appended to an array of tables: the array's node, its last element before. */
  Element,
}

/** Slots per recorded change. */
const CHANGE_SLOTS = 4;

/** Table nodes kept for reuse: the first `used` are in use. */
class NodePool {
  readonly nodes: TableNode[] = [];
  used = 0;
  /** How many nodes hold something since the last `release` (inline nodes free early). */
  private touched = 0;
  constructor(private readonly size: number) {}

  take(
    value: Table | unknown[],
    flags: number,
    depth: number,
    parent: TableNode | null,
    key: string,
  ): TableNode {
    const used = this.used;
    const nodes = this.nodes;
    if (used < nodes.length) {
      const node = nodes[used]!;
      node.reuse(value, flags, depth, parent, key);
      this.used = used + 1;
      if (used === this.touched) this.touched = used + 1;
      return node;
    }
    const node = new TableNode(value, flags, depth, parent, key);
    if (used < this.size) {
      nodes.push(node);
      this.used = this.touched = used + 1;
    }
    return node;
  }

  /** Frees every node, letting go of the document they described. */
  release(): void {
    const nodes = this.nodes;
    for (let i = 0; i < this.touched; i++) nodes[i]!.clear();
    this.used = this.touched = 0;
  }
}

/** Children of a table kept as a list before the table holds them by node. */
const MAX_LISTED_CHILDREN = 8;

/**
 * Table nodes kept by a parser between documents. They live only while a document is
 * parsed, so reusing them leaves no garbage behind for a typical document: garbage, not
 * work, was what separated parsing many small documents from `JSON.parse`.
 */
const NODE_POOL_SIZE = 256;

/**
 * Nodes of inline tables and of the tables inside them are not needed once the closing
 * brace is read (nothing can extend an inline table), so they are reused like a stack:
 * a document's inline tables leave no node garbage, however many there are.
 */
const INLINE_POOL_SIZE = 64;

/** Error codes whose message names an earlier definition. */
const CONTEXT_CODES: ReadonlySet<TomlErrorCode> = new Set<TomlErrorCode>([
  'duplicate-key',
  'duplicate-table',
  'key-is-value',
  'dotted-key-redefines-table',
  'inline-table-extended',
]);

export function needsDefinitionContext(error: unknown): boolean {
  return error instanceof TomlError && CONTEXT_CODES.has(error.code);
}

/** The offset after the newline that ends the line `offset` is on (or the text's end). */
function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** `table[key] = value` as an own data property, also for `__proto__` (no prototype change). */
function setOwn(table: Table, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(table, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    table[key] = value;
  }
}

/**
 * A reused list (filled from its first slot by each document) holding nothing: the same
 * list when it is small (its storage kept for the next document), else a new empty one.
 * A list whose first slot is empty was not used since it was last emptied.
 */
function emptied<T>(list: T[]): T[] {
  if (list.length === 0 || list[0] === undefined) return list;
  if (list.length > 64) return [];
  list.fill(undefined as T);
  return list;
}

/**
 * Makes the empty object `table` a dictionary-mode object (V8: its own hash table of
 * properties instead of a hidden class), its prototype still `Object.prototype`.
 *
 * A plain `{}` shares its hidden class with every object given the same keys in the same
 * order: cheap to fill and to read when tables repeat a layout (the manifests of a set,
 * the elements of an array of tables), but each new layout makes V8 build a hidden class
 * per key, which cost 40-50% of parsing tables whose keys differ from table to table
 * (dependency maps, catalogues, most of a real-world file parsed once). A dictionary adds
 * a key without that. Two throwaway keys are added (through hidden classes that all
 * tables share) and the first deleted: deleting a key that is not the last one added is
 * what turns an object into a dictionary in place, so no reference to the table changes.
 */
function makeDictionary(table: Table): void {
  table.__dictionaryA = 0;
  table.__dictionaryB = 0;
  delete table.__dictionaryA;
  delete table.__dictionaryB;
}

/** The root of a parser that holds no document. */
const DETACHED = new TableNode({}, Flag.Explicit, 0, null, '');

export class Parser extends Scanner implements ScalarContext {
  kind: Kind = Kind.String;
  // Set by `begin` from the options of each document.
  integerMode = IntegerMode.Number;
  maxDepth = DEFAULT_MAX_DEPTH;
  /** Build the located tree. */
  locate = false;
  /** Record where keys are defined, for messages about duplicates. */
  track = false;
  root = DETACHED;
  /** The table that key/value lines currently go to. */
  private current = DETACHED;
  /** Tables defined by dotted keys since the last header. */
  private pending: TableNode[] = [];
  /**
   * How many of `pending` belong to the current section. The list is not emptied by
   * setting its length: that frees its storage, and the next section allocates it again.
   */
  private pendingCount = 0;
  /**
   * Elements of the arrays being read, innermost last: an array is copied out of it once
   * complete, so it gets exactly its length instead of the spare capacity of `push`
   * (which made arrays most of the memory a parsed manifest keeps).
   */
  private elements: unknown[] = [];
  private elementCount = 0;
  /** The same for the located elements when locating. */
  private locatedElements: LocatedValue[] = [];
  /**
   * Arrays of tables of the document, the first `tableArrayCount`: each is filled in once
   * the document is complete.
   */
  private tableArrays: TableNode[] = [];
  private tableArrayCount = 0;
  /**
   * Nodes held in their parent's table in place of their table (see `addChild`), to be
   * replaced when the document, or the inline table they are in, is complete.
   */
  private held: TableNode[] = [];
  private heldCount = 0;
  /** Nodes of tables outside inline tables (see `NODE_POOL_SIZE`). */
  private nodes = new NodePool(NODE_POOL_SIZE);
  /** Nodes of inline tables and the tables inside them (see `INLINE_POOL_SIZE`). */
  private inlineNodes = new NodePool(INLINE_POOL_SIZE);
  /** The located node of the last value parsed (located mode). */
  private lastLocated: LocatedValue | null = null;
  private lines: LineIndex | null = null;
  /** Record the changes of each statement (recovering), to take back one that fails. */
  private recording = false;
  /**
   * The changes the current statement made to the document (see `Change`), in its first
   * `changeSlots` slots. Kept from document to document: a new list per document, grown
   * as it fills, cost a recovering parse of small documents a tenth of its time.
   */
  private changes: unknown[] = [];
  private changeSlots = 0;
  /**
   * The value set last in the current statement (recovering): its table (null when
   * none), its key and the located entry before its own. Values inside an inline table
   * may be set there too, harmlessly: the whole inline table is left out.
   */
  private setTable: TableNode | null = null;
  private setKey = '';
  private setPrevious: LocatedEntry | null = null;
  /** What the statement being parsed is, for "expected a newline after …". */
  private lastStatementName = 'value';
  /**
   * Where the statement being parsed starts (blank lines and comments before it
   * included): an error inside an array or inline table on a line that starts a
   * statement says they were never closed (see `fail`), and the brackets still open are
   * found from here, on the error's path only.
   */
  private statementStart = 0;
  /**
   * Where the recovering parse goes on after the error being thrown, when the error says
   * where its statement ends (an array or inline table left open ends before the line
   * that starts the next statement); -1 otherwise.
   */
  private resumeAt = -1;
  /**
   * TOML 1.0: the first newline inside the inline tables being read, or -1. It is an error
   * once the inline table closes; one that never does is reported as unterminated, as TOML
   * 1.1 reports it.
   */
  private inlineNewline = -1;

  constructor(options: ParseOptions | undefined, locate: boolean, track: boolean) {
    super();
    this.begin(options, locate, track);
  }

  /** Starts a new document (a parser can be reused once `detach`ed). */
  begin(options: ParseOptions | undefined, locate: boolean, track: boolean): void {
    const resolved = resolveOptions(options);
    this.v11 = resolved.v11;
    this.integerMode = resolved.integerMode;
    this.maxDepth = resolved.maxDepth;
    this.locate = locate;
    this.track = track;
    this.releaseNodes();
    this.root = this.nodes.take({}, Flag.Explicit | Flag.Fresh, 0, null, '');
    if (track) this.root.defs = new Map();
    if (locate) this.root.located = this.locatedTable(this.root.value as Table, 'root', 0, 0);
    this.current = this.root;
    this.pendingCount = 0;
    this.heldCount = 0;
    this.elementCount = 0;
    this.tableArrayCount = 0;
    this.lastLocated = null;
    this.lines = null;
    this.lastStatementName = 'value';
    this.statementStart = 0;
    this.resumeAt = -1;
    this.inlineNewline = -1;
  }

  /**
   * Lets go of the document (the parser itself can stay, with its optimized code). Lists
   * the document did not use are not touched: setting an array's length, even to what it
   * is, and filling unused slots were most of the cost of parsing an empty document.
   */
  detach(): void {
    this.root = this.current = DETACHED;
    this.pending = emptied(this.pending);
    this.pendingCount = 0;
    this.held = emptied(this.held);
    this.heldCount = 0;
    this.tableArrays = emptied(this.tableArrays);
    this.tableArrayCount = 0;
    this.releaseNodes();
    this.lastLocated = null;
    this.lines = null;
    this.reset('');
    // Lets go of the last document's values; a small buffer is kept for the next one.
    this.elements = emptied(this.elements);
    this.locatedElements = emptied(this.locatedElements);
    this.elementCount = 0;
  }

  /** Returns the pooled nodes of the last document, letting go of what they held. */
  private releaseNodes(): void {
    this.nodes.release();
    this.inlineNodes.release();
  }

  /**
   * Parses `text`, a run of complete statements starting at a line start, from offset
   * `start` (1 to skip a byte-order mark).
   */
  feed(text: string, baseOffset = 0, baseLine = 1, start = 0): void {
    this.reset(text, start, baseOffset, baseLine);
    this.lines = null;
    try {
      this.parseStatements();
    } catch (error) {
      throw this.stackOverflowAsTomlError(error);
    }
  }

  /** A stack overflow (possible only with a raised maxDepth) as a `max-depth` error. */
  private stackOverflowAsTomlError(error: unknown): unknown {
    if (!isStackOverflow(error)) return error;
    try {
      this.fail(
        'max-depth',
        `nesting is deeper than the JavaScript stack allows (option maxDepth is ${this.maxDepth})`,
        this.tokenStart,
      );
    } catch (converted) {
      return converted;
    }
  }

  /** The complete document, once all input is fed. */
  document(): Table {
    this.putHeldTables(0);
    const arrays = this.tableArrays;
    const count = this.tableArrayCount;
    // Any unfinished arrays (left by an error, when recovering) keep their elements below.
    const first = this.elementCount;
    const elements = this.elements;
    for (let i = 0; i < count; i++) {
      const node = arrays[i]!;
      let end = first;
      for (let e = node.firstChild; e !== null; e = e.nextSibling) elements[end++] = e.value;
      const exact = elements.slice(first, end);
      node.value = exact;
      setOwn(node.parent!.value as Table, node.key, exact);
      const located = node.located as LocatedArray | null;
      if (located !== null) {
        const items = this.locatedElements;
        end = first;
        for (let e = node.firstChild; e !== null; e = e.nextSibling) {
          items[end++] = e.located as LocatedTable;
        }
        located.value = exact;
        located.items = items.slice(first, end);
      }
    }
    this.tableArrayCount = 0;
    return this.root.value as Table;
  }

  /** The located tree of the complete document, its span covering `length` characters. */
  locatedRoot(length: number): LocatedTable {
    this.document();
    const root = this.root.located as LocatedTable;
    root.end = length;
    return root;
  }

  // ---- statements -------------------------------------------------------------------

  private parseStatements(): void {
    while (this.parseStatement());
  }

  /** One line's statement and its line ending; false at the end of the text. */
  private parseStatement(): boolean {
    this.statementStart = this.pos;
    let tok = this.next(Mode.Key);
    while (tok === Token.Newline) tok = this.next(Mode.Key);
    if (tok === Token.EOF) return false;
    if (tok === Token.LeftBracket) this.parseHeader();
    else this.parseKeyValue(this.current, tok);
    tok = this.nextAfterValue();
    if (tok === Token.Newline) return true;
    if (tok === Token.EOF) return false;
    this.fail(
      'expected-newline',
      `expected a newline after the ${this.lastStatementName}, found ${this.charAt(this.tokenStart)}`,
      this.tokenStart,
    );
  }

  /**
   * Parses statements like `feed`, but on an error records it and goes on with the next
   * statement, so a tool can report every syntax error at once. Keys after a header that
   * failed go to a table of their own, not to the one before the header.
   */
  feedRecovering(text: string, errors: TomlError[], maxErrors: number, start = 0): void {
    this.reset(text, start, 0, 1);
    this.lines = null;
    this.recording = true;
    try {
      this.recoverStatements(text, errors, maxErrors);
    } finally {
      this.recording = false;
      // Lets go of the document; a short list is kept for the next one.
      if (this.changes.length > 64) this.changes = [];
      else this.changes.fill(undefined);
    }
  }

  private recoverStatements(text: string, errors: TomlError[], maxErrors: number): void {
    for (;;) {
      const statementStart = this.pos;
      const heldMark = this.heldCount;
      const pendingMark = this.pendingCount;
      const arraysMark = this.tableArrayCount;
      this.changeSlots = 0;
      this.setTable = null;
      this.resumeAt = -1;
      this.inlineNewline = -1;
      // Not a header until one starts: a statement whose first token fails is not one,
      // whatever the statement before it was.
      this.lastStatementName = 'value';
      try {
        if (!this.parseStatement()) return;
      } catch (thrown) {
        const error = this.stackOverflowAsTomlError(thrown);
        if (!(error instanceof TomlError)) throw error;
        errors.push(error);
        if (errors.length >= maxErrors) return;
        this.takeBackStatement(heldMark, pendingMark, arraysMark);
        if (this.lastStatementName === 'table header') {
          // A table of its own, outside the document, for the keys under the failed header.
          const orphan = new TableNode({}, Flag.Explicit, 0, null, '');
          if (this.track) orphan.defs = new Map();
          if (this.locate) {
            orphan.located = this.locatedTable(
              orphan.value as Table,
              'header',
              statementStart,
              statementStart,
            );
          }
          this.current = orphan;
          // A header is one line: the brackets of one left open do not take the lines
          // after it into the statement, as those of an array would.
          this.pos = lineEnd(text, Math.max(error.offset, this.pos - 1));
        } else if (this.resumeAt >= 0) {
          this.pos = this.resumeAt;
        } else {
          this.pos = failedStatementEnd(text, statementStart, error.offset);
        }
      }
    }
  }

  /**
   * Undoes what the statement that failed did to the document, so that it leaves nothing
   * behind, as if its lines were not there: no key, no table, no parent made on the way
   * (a value set before a later error in the statement, the tables a too-deep dotted key
   * made up to the limit). The marks are the counts before the statement. The tables of
   * a header that failed are already closed to dotted keys (`finishSection`), which is
   * what the next header would do: the keys up to it go to a table outside the document.
   */
  private takeBackStatement(heldMark: number, pendingMark: number, arraysMark: number): void {
    const set = this.setTable;
    if (set !== null) {
      this.removeKey(set, this.setKey, this.setPrevious);
      this.setTable = null;
    }
    const changes = this.changes;
    for (let i = this.changeSlots - CHANGE_SLOTS; i >= 0; i -= CHANGE_SLOTS) {
      switch (changes[i] as Change) {
        case Change.Key:
          this.removeKey(
            changes[i + 1] as TableNode,
            changes[i + 2] as string,
            changes[i + 3] as LocatedEntry | null,
          );
          break;
        case Change.ListedChild: {
          const parent = changes[i + 1] as TableNode;
          const child = changes[i + 2] as TableNode;
          if (parent.firstChild === child) parent.firstChild = child.nextSibling;
          break;
        }
        case Change.Flags:
          (changes[i + 1] as TableNode).flags = changes[i + 2] as number;
          break;
        case Change.Span: {
          const located = changes[i + 1] as LocatedTable;
          const span = changes[i + 3] as Span;
          located.origin = changes[i + 2] as TableOrigin;
          located.start = span.start;
          located.end = span.end;
          break;
        }
        case Change.Element: {
          const array = changes[i + 1] as TableNode;
          const previous = changes[i + 2] as TableNode | null;
          array.last = previous;
          if (previous === null) array.firstChild = null;
          else previous.nextSibling = null;
          break;
        }
      }
    }
    this.changeSlots = 0;
    // Held nodes of the statement stay only where their table still holds them: those a
    // table took over when it came to hold its children by node (see `addChild`).
    const held = this.held;
    let kept = heldMark;
    for (let i = heldMark; i < this.heldCount; i++) {
      const node = held[i]!;
      if (!(node.flags & Flag.Inline) && (node.parent!.value as Table)[node.key] === node) {
        held[kept++] = node;
      }
    }
    this.heldCount = kept;
    // Tables the statement made dotted are open again, or gone; a header closed them all.
    if (this.pendingCount > pendingMark) this.pendingCount = pendingMark;
    if (this.tableArrayCount > arraysMark) this.tableArrayCount = arraysMark;
    this.elementCount = 0;
    this.inlineNodes.used = 0;
  }

  /** Takes back `key`, added last to `node`, whose located entry came after `previous`. */
  private removeKey(node: TableNode, key: string, previous: LocatedEntry | null): void {
    delete (node.value as Table)[key];
    node.defs?.delete(key);
    (node.located as LocatedTableNode | null)?.removeLast(previous);
  }

  /** Records a change to take back if the statement fails (only when recovering). */
  private recordChange(kind: Change, a: unknown, b: unknown, c: unknown): void {
    const changes = this.changes;
    const at = this.changeSlots;
    changes[at] = kind;
    changes[at + 1] = a;
    changes[at + 2] = b;
    changes[at + 3] = c;
    this.changeSlots = at + CHANGE_SLOTS;
  }

  /** Records that `key` is about to be added to `node` (a table outside inline tables). */
  private recordNewKey(node: TableNode, key: string): void {
    const located = node.located as LocatedTableNode | null;
    this.recordChange(Change.Key, node, key, located === null ? null : located.lastEntry);
  }

  /** `[a.b]` or `[[a.b]]`; the first `[` is consumed. */
  private parseHeader(): void {
    const start = this.tokenStart;
    this.lastStatementName = 'table header';
    const isArray = this.src.charCodeAt(this.pos) === 0x5b;
    if (isArray) this.pos++;
    this.finishSection();
    let node = this.root;
    let tok = this.next(Mode.Key);
    for (;;) {
      const keyStart = this.tokenStart;
      const key = this.keyText(tok, 'table name');
      const keyEnd = this.pos;
      tok = this.next(Mode.Key);
      if (tok === Token.Dot) {
        node = this.headerParent(node, key, keyStart, keyEnd);
        tok = this.next(Mode.Key);
        continue;
      }
      if (tok !== Token.RightBracket) {
        this.fail(
          tok === Token.EOF || tok === Token.Newline
            ? 'unterminated-table-header'
            : 'unexpected-token',
          `expected '.' or '${isArray ? ']]' : ']'}' in table header, found ${this.charAt(this.tokenStart)}`,
          this.tokenStart,
        );
      }
      if (isArray) {
        if (this.src.charCodeAt(this.pos) !== 0x5d) {
          this.fail(
            'unterminated-table-header',
            "expected ']]' to close the array-of-tables header",
            this.tokenStart,
            this.pos,
          );
        }
        this.pos++;
        this.current = this.appendArrayTable(node, key, keyStart, keyEnd, start);
      } else {
        this.current = this.defineTable(node, key, keyStart, keyEnd, start);
      }
      return;
    }
  }

  /** Closes the dotted-key tables of the section that ends at a header. */
  private finishSection(): void {
    const pending = this.pending;
    const count = this.pendingCount;
    for (let i = 0; i < count; i++) {
      pending[i]!.flags = (pending[i]!.flags & ~Flag.Pending) | Flag.Explicit;
    }
    this.pendingCount = 0;
  }

  /** `key = value`, with `tok` the first key token, into `node`. */
  private parseKeyValue(node: TableNode, tok: Token): void {
    this.lastStatementName = 'value';
    let keyStart = this.tokenStart;
    let key = this.keyText(tok, 'key');
    let keyEnd = this.pos;
    let target = node;
    // The usual spelling `key = value` skips the general token loop.
    const src = this.src;
    const p = keyEnd;
    if (src.charCodeAt(p) === 0x20 && src.charCodeAt(p + 1) === 0x3d) {
      this.tokenStart = p + 1;
      this.pos = p + 2;
      tok = Token.Equals;
    } else {
      tok = this.next(Mode.Key);
    }
    while (tok === Token.Dot) {
      target = this.dottedTable(target, key, keyStart, keyEnd);
      tok = this.next(Mode.Key);
      keyStart = this.tokenStart;
      key = this.keyText(tok, 'key');
      keyEnd = this.pos;
      tok = this.next(Mode.Key);
    }
    if (tok !== Token.Equals) {
      this.fail(
        'expected-equals',
        `expected '=' after the key, found ${this.charAt(this.tokenStart)}`,
        this.tokenStart,
      );
    }
    this.settle(target);
    tok = this.nextValue();
    const value = this.parseValue(tok, target.depth + 1);
    this.setValue(target, key, value, keyStart, keyEnd);
  }

  /** The text of a key token, or an error naming what was expected. */
  private keyText(tok: Token, what: string): string {
    if (tok === Token.BareKey) return this.value;
    if (tok === Token.BasicString || tok === Token.LiteralString) {
      this.keyIsNew = true;
      return this.value;
    }
    if (tok === Token.MultilineBasicString || tok === Token.MultilineLiteralString) {
      this.fail(
        'expected-key',
        `a ${what} cannot be a multi-line string`,
        this.tokenStart,
        this.pos,
      );
    }
    this.fail(
      'expected-key',
      `expected a ${what}, found ${this.charAt(this.tokenStart)}`,
      this.tokenStart,
    );
  }

  // ---- values -------------------------------------------------------------------------

  /** A value starting with token `tok`, nested `depth` containers deep. */
  private parseValue(tok: Token, depth: number): unknown {
    const start = this.tokenStart;
    let value: unknown;
    switch (tok) {
      case Token.BasicString:
      case Token.LiteralString:
      case Token.MultilineBasicString:
      case Token.MultilineLiteralString:
        this.kind = Kind.String;
        value = this.value;
        break;
      case Token.Scalar:
        value = decodeScalar(this, this.src, start, this.pos);
        break;
      case Token.LeftBracket:
        return this.parseArray(depth);
      case Token.LeftBrace:
        return this.parseInlineTable(depth);
      default:
        this.fail('expected-value', `expected a value, found ${this.charAt(start)}`, start);
    }
    if (this.locate) {
      this.lastLocated = new LocatedScalarNode(
        typeNames[this.kind] as ScalarType,
        value,
        start,
        this.pos,
      );
    }
    return value;
  }

  private checkDepth(depth: number, start: number): void {
    if (depth > this.maxDepth) {
      this.fail(
        'max-depth',
        `nesting is deeper than the maximum of ${this.maxDepth} (option maxDepth)`,
        start,
      );
    }
  }

  /** The next token in `mode`, skipping newlines (and the comments before them). */
  private nextSkippingNewlines(mode: number): Token {
    let tok = this.next(mode);
    while (tok === Token.Newline) tok = this.next(mode);
    return tok;
  }

  /** `[ value, … ]`; the `[` is consumed. */
  private parseArray(depth: number): unknown[] {
    const start = this.tokenStart;
    this.checkDepth(depth, start);
    const first = this.elementCount;
    const locate = this.locate;
    let tok = this.nextSkippingNewlines(Mode.Value);
    while (tok !== Token.RightBracket) {
      if (tok === Token.EOF)
        this.fail('unterminated-array', "unterminated array: expected ']'", start);
      const value = this.parseValue(tok, depth + 1);
      if (locate) this.locatedElements[this.elementCount] = this.lastLocated!;
      this.elements[this.elementCount++] = value;
      tok = this.nextSkippingNewlines(Mode.Key);
      if (tok === Token.Comma) {
        tok = this.nextSkippingNewlines(Mode.Value);
      } else if (tok !== Token.RightBracket) {
        if (tok === Token.EOF)
          this.fail('unterminated-array', "unterminated array: expected ']'", start);
        this.fail(
          'expected-comma',
          `expected ',' or ']' after an array element, found ${this.charAt(this.tokenStart)}`,
          this.tokenStart,
        );
      }
    }
    const array = this.elements.slice(first, this.elementCount);
    this.kind = Kind.Array;
    if (locate) {
      this.lastLocated = new LocatedArrayNode(
        array,
        start,
        this.pos,
        this.locatedElements.slice(first, this.elementCount),
        false,
      );
    }
    this.elementCount = first;
    return array;
  }

  /**
   * The next token inside an inline table. A newline needs TOML 1.1; in 1.0 the first one is
   * reported when its inline table closes (see `inlineNewline`).
   */
  private nextInInlineTable(): Token {
    let tok = this.next(Mode.Key);
    while (tok === Token.Newline) {
      if (!this.v11 && this.inlineNewline < 0) this.inlineNewline = this.tokenStart;
      tok = this.next(Mode.Key);
    }
    return tok;
  }

  /** `{ key = value, … }`; the `{` is consumed. */
  private parseInlineTable(depth: number): Table {
    const start = this.tokenStart;
    this.checkDepth(depth, start);
    const inlineMark = this.inlineNodes.used;
    const heldMark = this.heldCount;
    const node = this.inlineNodes.take({}, Flag.Inline | Flag.Fresh, depth, null, '');
    if (this.track) node.defs = new Map();
    const located = this.locate
      ? this.locatedTable(node.value as Table, 'inline', start, start)
      : null;
    node.located = located;
    let tok = this.nextInInlineTable();
    if (tok !== Token.RightBrace) {
      for (;;) {
        if (tok === Token.EOF) this.unterminatedInlineTable(start);
        this.parseKeyValue(node, tok);
        tok = this.nextInInlineTable();
        if (tok === Token.RightBrace) break;
        if (tok !== Token.Comma) {
          if (tok === Token.EOF) this.unterminatedInlineTable(start);
          this.fail(
            'expected-comma',
            `expected ',' or '}' in inline table, found ${this.charAt(this.tokenStart)}`,
            this.tokenStart,
          );
        }
        const comma = this.tokenStart;
        tok = this.nextInInlineTable();
        if (tok === Token.RightBrace) {
          if (!this.v11)
            this.fail(
              'version-1.1-only',
              'a trailing comma in an inline table needs TOML 1.1',
              comma,
            );
          break;
        }
      }
    }
    // TOML 1.0: a newline inside it (not in an inline table inside it, which failed).
    if (this.inlineNewline > start) this.failNewlineInInlineTable(this.inlineNewline);
    this.kind = Kind.Table;
    if (located !== null) {
      located.end = this.pos;
      this.lastLocated = located;
    }
    this.putHeldTables(heldMark);
    this.inlineNodes.used = inlineMark;
    return node.value as Table;
  }

  private unterminatedInlineTable(start: number): never {
    this.fail('unterminated-inline-table', "unterminated inline table: expected '}'", start);
  }

  private failNewlineInInlineTable(at: number): never {
    this.fail('version-1.1-only', 'newlines inside an inline table need TOML 1.1', at);
  }

  // ---- tables -------------------------------------------------------------------------

  private newTable(
    parent: TableNode,
    key: string,
    flags: number,
    origin: TableOrigin,
    spanStart: number,
    spanEnd: number,
    keyStart: number,
    keyEnd: number,
  ): TableNode {
    const depth = parent.depth + 1;
    this.checkDepth(depth, keyStart);
    const table: Table = {};
    const inline = parent.flags & Flag.Inline;
    const pool = inline ? this.inlineNodes : this.nodes;
    this.settle(parent);
    const node = pool.take(table, flags | inline | Flag.Fresh, depth, parent, key);
    if (this.track) node.defs = new Map();
    // Inline tables need no record: their statement's value is what is taken back.
    const record = this.recording && !inline;
    if (record) this.recordNewKey(parent, key);
    const listed = !this.addChild(parent, node);
    if (record && listed) this.recordChange(Change.ListedChild, parent, node, null);
    this.assign(parent, key, listed ? table : node, keyStart);
    if (this.locate) {
      const located = this.locatedTable(table, origin, spanStart, spanEnd);
      node.located = located;
      this.addEntry(parent, key, keyStart, keyEnd, located);
    }
    return node;
  }

  /** An intermediate key of a header: descends, creating implicit tables as needed. */
  private headerParent(node: TableNode, key: string, keyStart: number, keyEnd: number): TableNode {
    const child = this.childNode(node, key, keyStart, keyEnd);
    if (child === undefined) {
      return this.newTable(node, key, 0, 'implicit', keyStart, keyEnd, keyStart, keyEnd);
    }
    return child.flags & Flag.ArrayOfTables ? child.last! : child;
  }

  /** The last key of a `[header]`: defines the table. */
  private defineTable(
    node: TableNode,
    key: string,
    keyStart: number,
    keyEnd: number,
    headerStart: number,
  ): TableNode {
    const child = this.childNode(node, key, keyStart, keyEnd);
    if (child === undefined) {
      const table = this.newTable(
        node,
        key,
        Flag.Explicit,
        'header',
        headerStart,
        this.pos,
        keyStart,
        keyEnd,
      );
      this.recordDefinition(node, key, headerStart);
      return table;
    }
    if (child.flags & (Flag.Explicit | Flag.ArrayOfTables)) {
      const what =
        child.flags & Flag.ArrayOfTables
          ? 'is an array of tables'
          : child.flags & Flag.Dotted
            ? 'was already defined by dotted keys'
            : 'is already defined';
      this.fail(
        'duplicate-table',
        `table [${this.pathOf(child)}] ${what}${this.definedAt(node, key)}`,
        headerStart,
        this.pos,
      );
    }
    if (this.recording) this.recordChange(Change.Flags, child, child.flags, null);
    child.flags |= Flag.Explicit;
    this.recordDefinition(node, key, headerStart);
    const located = child.located as LocatedTable | null;
    if (located !== null) {
      if (this.recording) {
        const span: Span = { start: located.start, end: located.end };
        this.recordChange(Change.Span, located, located.origin, span);
      }
      located.origin = 'header';
      located.start = headerStart;
      located.end = this.pos;
    }
    return child;
  }

  /** The last key of a `[[header]]`: appends a table to the array of tables. */
  private appendArrayTable(
    node: TableNode,
    key: string,
    keyStart: number,
    keyEnd: number,
    headerStart: number,
  ): TableNode {
    let array = this.childNode(node, key, keyStart, keyEnd);
    if (array === undefined) {
      // The depth of its elements, checked once, before the array is made: made and then
      // failing, it stayed in a recovering parse with no element (and a later `[a.b]`
      // under it read the element that is not there).
      this.checkDepth(node.depth + 2, keyStart);
      // Empty until `document()` puts the elements in, at the array's exact length.
      const value: unknown[] = [];
      array = this.nodes.take(value, Flag.ArrayOfTables | Flag.Explicit, node.depth + 1, node, key);
      this.tableArrays[this.tableArrayCount++] = array;
      this.settle(node);
      const record = this.recording;
      if (record) this.recordNewKey(node, key);
      const listed = !this.addChild(node, array);
      if (record && listed) this.recordChange(Change.ListedChild, node, array, null);
      this.assign(node, key, listed ? value : array, headerStart);
      if (this.locate) {
        const located = new LocatedArrayNode(value, headerStart, this.pos, [], true);
        array.located = located;
        this.addEntry(node, key, keyStart, keyEnd, located);
      }
    } else if (!(array.flags & Flag.ArrayOfTables)) {
      this.fail(
        'duplicate-table',
        `[[${this.pathOf(array)}]] cannot append to [${this.pathOf(array)}], which is a table${this.definedAt(node, key)}`,
        headerStart,
        this.pos,
      );
    }
    const table: Table = {};
    const element = this.nodes.take(table, Flag.Explicit | Flag.Fresh, array.depth + 1, array, key);
    if (this.track) element.defs = new Map();
    if (this.recording) this.recordChange(Change.Element, array, array.last, null);
    if (array.last === null) array.firstChild = element;
    else array.last.nextSibling = element;
    array.last = element;
    if (this.locate) {
      element.located = this.locatedTable(table, 'array-element', headerStart, this.pos);
    }
    return element;
  }

  /** An intermediate key of a dotted key: descends, creating tables as needed. */
  private dottedTable(node: TableNode, key: string, keyStart: number, keyEnd: number): TableNode {
    let child = this.childNode(node, key, keyStart, keyEnd);
    if (child === undefined) {
      child = this.newTable(
        node,
        key,
        Flag.Dotted | (node.flags & Flag.Inline ? 0 : Flag.Pending),
        'dotted',
        keyStart,
        keyEnd,
        keyStart,
        keyEnd,
      );
      if (!(node.flags & Flag.Inline)) this.pending[this.pendingCount++] = child;
      return child;
    }
    if (child.flags & (Flag.Explicit | Flag.ArrayOfTables)) {
      this.fail(
        'dotted-key-redefines-table',
        child.flags & Flag.ArrayOfTables
          ? `dotted keys cannot add to the array of tables [[${this.pathOf(child)}]]${this.definedAt(node, key)}`
          : `dotted keys cannot add to table [${this.pathOf(child)}], which is defined elsewhere${this.definedAt(node, key)}`,
        keyStart,
        keyEnd,
      );
    }
    if (!(child.flags & (Flag.Pending | Flag.Inline))) {
      if (this.recording) this.recordChange(Change.Flags, child, child.flags, null);
      child.flags |= Flag.Pending | Flag.Dotted;
      this.pending[this.pendingCount++] = child;
      const located = child.located as LocatedTable | null;
      if (located !== null && located.origin === 'implicit') {
        if (this.recording) {
          const span: Span = { start: located.start, end: located.end };
          this.recordChange(Change.Span, located, located.origin, span);
        }
        located.origin = 'dotted';
      }
    }
    return child;
  }

  /**
   * Records `child` (a new table or array of tables) under its key in `node`; true when
   * `node` holds its children by node, so the caller stores `child` rather than its value.
   *
   * A table with many sub-tables (a document's root, say) stores each one's node under
   * its key until the document is complete: one property lookup then finds a sub-table
   * and its state, where a map beside the table cost a hash lookup and an insertion per
   * sub-table (both slow once the map is large). Few tables have that many, and putting
   * the tables back costs a store each, so small tables keep the list.
   */
  private addChild(node: TableNode, child: TableNode): boolean {
    if (node.flags & Flag.HoldsNodes) {
      this.hold(child);
      return true;
    }
    // The list never grows past MAX_LISTED_CHILDREN, so counting it is cheap.
    let count = 0;
    for (let c = node.firstChild; c !== null; c = c.nextSibling) count++;
    if (count < MAX_LISTED_CHILDREN) {
      child.nextSibling = node.firstChild;
      node.firstChild = child;
      return false;
    }
    node.flags |= Flag.HoldsNodes;
    for (let c = node.firstChild; c !== null; c = c.nextSibling) {
      setOwn(node.value as Table, c.key, c);
      this.hold(c);
    }
    node.firstChild = null;
    this.hold(child);
    return true;
  }

  private hold(child: TableNode): void {
    this.held[this.heldCount++] = child;
  }

  /** Puts back the tables of the nodes held since `from` (see `addChild`). */
  private putHeldTables(from: number): void {
    const held = this.held;
    for (let i = from; i < this.heldCount; i++) {
      const node = held[i]!;
      setOwn(node.parent!.value as Table, node.key, node.value);
    }
    this.heldCount = from;
  }

  /**
   * The node of the table or array of tables under `key`, or undefined when `key` is
   * free; errors (at the key, `keyStart` to `keyEnd`) when it holds a value.
   */
  private childNode(
    node: TableNode,
    key: string,
    keyStart: number,
    keyEnd: number,
  ): TableNode | undefined {
    const table = node.value as Table;
    if (node.flags & Flag.HoldsNodes) {
      // One lookup: the parser never stores undefined, so undefined is a free key.
      const value = table[key];
      if (value instanceof TableNode) return value;
      if (value === undefined || !Object.hasOwn(table, key)) return undefined;
    } else {
      for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.key === key) return c;
      if (!Object.hasOwn(table, key)) return undefined;
    }
    this.failOnValue(node, key, keyStart, keyEnd);
  }

  /** The error for a table key (`key` in `node`) that already holds a value. */
  private failOnValue(node: TableNode, key: string, keyStart: number, keyEnd: number): never {
    const table = node.value as Table;
    const existing = table[key];
    const path = this.childPath(node, key);
    const frozen =
      Array.isArray(existing) ||
      (existing !== null &&
        typeof existing === 'object' &&
        Object.getPrototypeOf(existing) === Object.prototype);
    if (frozen) {
      this.fail(
        'inline-table-extended',
        `${path} is ${Array.isArray(existing) ? 'an array' : 'an inline table'}, which cannot be extended${this.definedAt(node, key)}`,
        keyStart,
        keyEnd,
      );
    }
    this.fail(
      'key-is-value',
      `${path} is already a value, not a table${this.definedAt(node, key)}`,
      keyStart,
      keyEnd,
    );
  }

  /** Stores `value` under `key`, rejecting duplicates. */
  private setValue(
    node: TableNode,
    key: string,
    value: unknown,
    keyStart: number,
    keyEnd: number,
  ): void {
    const table = node.value as Table;
    if (Object.hasOwn(table, key)) {
      const path = this.pathOf(node);
      const where = path === '' ? '' : ` in table [${path}]`;
      this.fail(
        'duplicate-key',
        `duplicate key ${keyInMessage(key)}${where}${this.definedAt(node, key)}`,
        keyStart,
        keyEnd,
      );
    }
    this.assign(node, key, value, keyStart);
    if (this.locate) {
      // Only a recovering parse records changes, and it always locates. The last value
      // set is the statement's own (set last, after its tables): three fields, not a
      // record in `changes`, which cost the recovering parse of valid manifests a tenth.
      if (this.recording) {
        this.setTable = node;
        this.setKey = key;
        this.setPrevious = (node.located as LocatedTableNode).lastEntry;
      }
      this.addEntry(node, key, keyStart, keyEnd, this.lastLocated!);
    }
  }

  /**
   * Called before the first key goes into `node`'s table, that key being the last one
   * scanned: a table whose first key was not seen recently becomes a dictionary (see
   * `makeDictionary`); one whose first key was keeps the shared hidden classes of its
   * layout.
   */
  private settle(node: TableNode): void {
    if (node.flags & Flag.Fresh) {
      node.flags &= ~Flag.Fresh;
      if (this.keyIsNew) makeDictionary(node.value as Table);
    }
  }

  /** `table[key] = value` that never touches a prototype; records the definition. */
  private assign(node: TableNode, key: string, value: unknown, at: number): void {
    setOwn(node.value as Table, key, value);
    if (node.defs !== null) node.defs.set(key, this.positionOf(at));
  }

  private recordDefinition(node: TableNode, key: string, at: number): void {
    if (node.defs !== null) node.defs.set(key, this.positionOf(at));
  }

  // ---- located tree and messages --------------------------------------------------------

  private locatedTable(
    value: Table,
    origin: TableOrigin,
    start: number,
    end: number,
  ): LocatedTable {
    return new LocatedTableNode(value, origin, start, end);
  }

  private addEntry(
    node: TableNode,
    key: string,
    keyStart: number,
    keyEnd: number,
    located: LocatedValue,
  ): void {
    (node.located as LocatedTableNode).add(key, keyStart, keyEnd, located);
  }

  /**
   * The line index of the text being parsed, made on first use: every error and tracked
   * definition of the text is looked up in it.
   */
  private lineIndex(): LineIndex {
    return (this.lines ??= new LineIndex(this.src, this.baseOffset === 0));
  }

  /**
   * Throws a TomlError for `src[start, end)`. Inside arrays or inline tables, an error on
   * or after a line that starts a statement (`key =`, `[table]`) is theirs: they were
   * never closed, so the error is that, at the bracket, and the statement ends before
   * that line (`resumeAt`). Without it the error was an element's (`expected ','`) on a
   * later line, and a recovering parse took every line after into the statement.
   */
  override fail(code: TomlErrorCode, message: string, start: number, end = start + 1): never {
    // A header is one line; what TOML 1.1 allows is not a bracket left open.
    if (this.lastStatementName === 'value' && code !== 'version-1.1-only') {
      // Where the parse got to: an error at the bracket (unterminated) is found at the end.
      const reached = Math.max(start, this.tokenStart);
      const open = lineEndingOpenBrackets(this.src, this.statementStart, reached);
      if (open !== null) {
        this.resumeAt = open.at;
        const array = this.src.charCodeAt(open.opener) === 0x5b;
        const before = `${open.kind === LineKind.Header ? 'the table header' : 'the key'} on line ${this.positionOf(open.at).line}`;
        throw errorIn(
          this.lineIndex(),
          array ? 'unterminated-array' : 'unterminated-inline-table',
          array
            ? `unterminated array: expected ']' before ${before}`
            : `unterminated inline table: expected '}' before ${before}`,
          open.opener,
          open.opener + 1,
          this.baseOffset,
          this.baseLine,
        );
      }
    }
    // TOML 1.0: a newline in an inline table comes before any later need for 1.1.
    if (code === 'version-1.1-only' && this.inlineNewline >= 0 && this.inlineNewline < start) {
      const at = this.inlineNewline;
      this.inlineNewline = -1;
      this.failNewlineInInlineTable(at);
    }
    throw errorIn(this.lineIndex(), code, message, start, end, this.baseOffset, this.baseLine);
  }

  private positionOf(offset: number): Position {
    const local = this.lineIndex().position(offset);
    return {
      offset: this.baseOffset + offset,
      line: this.baseLine + local.line - 1,
      column: local.column,
    };
  }

  /**
   * ` (first defined at line L, column C)`, from the tracked definitions or the located
   * tree; `''` when neither is kept (the fast path, which reruns with tracking on error).
   */
  private definedAt(node: TableNode, key: string): string {
    let at = node.defs?.get(key);
    const located = node.located;
    if (at === undefined && located !== null && located.type === 'table') {
      const entry = located.entry(key);
      if (entry !== undefined) {
        const defined = entry.node;
        const byHeader =
          (defined.type === 'table' && defined.origin === 'header') ||
          (defined.type === 'array' && defined.ofTables);
        at = this.positionOf(byHeader ? defined.start : entry.start);
      }
    }
    return at === undefined ? '' : ` (first defined at line ${at.line}, column ${at.column})`;
  }

  private childPath(node: TableNode, key: string): string {
    const parent = this.pathOf(node);
    return parent === '' ? formatKey(key) : `${parent}.${formatKey(key)}`;
  }

  /** The dotted path of a table node, for messages. */
  private pathOf(node: TableNode): string {
    const parts: string[] = [];
    for (let n: TableNode | null = node; n !== null && n.parent !== null; n = n.parent) {
      if (n.parent.flags & Flag.ArrayOfTables) continue;
      parts.push(formatKey(n.key));
    }
    return parts.reverse().join('.');
  }
}
