/**
 * Editing a TOML text in place: set, delete and append by path, with every byte outside
 * the entries touched left as the author wrote it (comments, blank lines, key order,
 * quoting, spacing). Built on the located parse: each edit is a few splices of the text
 * at the spans of the located tree, then the text is parsed again, which both checks the
 * result and gives the spans for the next edit. The common edits (a scalar replaced by a
 * one-line value, a new one-line key/value, an item appended on a line, a key/value of a
 * section deleted) are checked on their own instead and the tree moved, not read again
 * (`replaceScalar`, `insertLineInPlace`, `appendInPlace`, `deleteLineInPlace`). An edit
 * whose result would not read as the value asked for throws a `TomlError` naming the
 * path and changes nothing.
 */
import { appendAll } from './arrays.js';
import { LocalDate, LocalDateTime, LocalTime, OffsetDateTime } from './datetime.js';
import { type TomlErrorCode, TomlError } from './errors.js';
import { formatKey, isBareKey } from './keys.js';
import {
  type LocatedArray,
  LocatedDocument,
  LocatedTableNode,
  type LocatedEntry,
  type LocatedScalar,
  type LocatedTable,
  type LocatedValue,
} from './located.js';
import type { ParseOptions } from './options.js';
import { parseLocated } from './parse.js';
import { quoteString, stringifyAt, type StringifyOptions } from './stringify.js';
import {
  type Splice,
  afterLine,
  commaAfter,
  commentBlockStart,
  indentBefore,
  isBlankLine,
  lineEndingOf,
  lineStart,
  memberRemovals,
  skipSeparators,
} from './edit-text.js';
import { quotesOf, styledString } from './edit-string.js';

/** Keys and array indexes from the document's root: `['storage', 'volumes', 0, 'host']`. */
export type EditPath = readonly (string | number)[];

type Table = Record<string, unknown>;

/** Where a path leads in the located tree: the nodes along it, as far as they exist. */
interface Found {
  /** `nodes[i]` is the node at `path.slice(0, i)`; `nodes[0]` is the root. */
  nodes: LocatedValue[];
  /** `entries[i - 1]` is the entry of `nodes[i]` in its table (or null for an array item). */
  entries: (LocatedEntry | null)[];
  /** True when the whole path exists (`nodes.length === path.length + 1`). */
  exists: boolean;
  /** The path looked for. */
  path: EditPath;
}

/**
 * A TOML document open for editing. `set`, `delete` and `append` change the text at the
 * entries they name and nothing else; `toString()` gives the text. Values are written by
 * `stringify`'s rules (a string in the quotes of the string it replaces when they can
 * hold it). Core only: no Node API.
 */
export class EditableDocument {
  private source: string;
  private located: LocatedDocument;
  private readonly options: ParseOptions | undefined;
  private readonly writeOptions: StringifyOptions;
  private readonly bigints: boolean;
  private newline: string;
  /** The path of the edit running, for messages. */
  private editing: EditPath = [];
  /** Counts the edits made in the tree itself (no re-parse): a rollback past one re-parses. */
  private inPlaceEdits = 0;
  /** Counts every change of the tree (in place or by a re-parse): a node held across one may be stale. */
  private treeChanges = 0;
  /**
   * During a transaction: tables and arrays of the tree's value found to read as the
   * value asked for there (by identity: the tree's, then the caller's), with no change
   * made in them since (made on the first one). The check at the end of the transaction
   * does not walk them again.
   */
  private sameAs: WeakMap<object, unknown> | null = null;

  /** Parses `text` (a `TomlError` if it is not valid TOML under `options`). */
  constructor(text: string, options?: ParseOptions) {
    this.options = options;
    this.located = parseLocated(text, options);
    this.source = this.located.source;
    this.bigints = options?.integers === 'bigint';
    // Read with bigint integers, a number is a float: written as one, it reads back so.
    this.writeOptions = { numbers: this.bigints ? 'float' : 'auto' };
    this.newline = lineEndingOf(this.source);
  }

  /**
   * A document over a tree `parseLocated` (or a recovering located parse with no error)
   * read from its text with `options`, which is not read again. The tree is the
   * document's from then on: edits change it in place.
   */
  static fromLocated(located: LocatedDocument, options?: ParseOptions): EditableDocument {
    // The empty text is read for nothing: the fields are then the tree's.
    const doc = new EditableDocument('', options);
    doc.located = located;
    doc.source = located.source;
    doc.newline = lineEndingOf(located.source);
    return doc;
  }

  /** The document's value, as `parse` gives it (do not change it: use `set`). */
  get value(): Table {
    return this.located.value;
  }

  /** The value at `path`, or `undefined` when there is none. */
  get(path: EditPath): unknown {
    checkPath(path);
    let value: unknown = this.located.value;
    for (const step of path) {
      if (typeof step === 'number') {
        if (!Array.isArray(value)) return undefined;
        value = value[step];
      } else {
        if (!isTable(value) || !Object.hasOwn(value, step)) return undefined;
        value = value[step];
      }
    }
    return value;
  }

  /**
   * Makes `path` read as `value`. An existing value is replaced in place (a table or an
   * array is changed member by member); a new key goes into the table that owns it,
   * tables missing on the way are created. `set([], value)` makes the whole document
   * read as `value`. `null` or `undefined` deletes.
   */
  set(path: EditPath, value: unknown): this {
    checkPath(path);
    if (value === undefined || value === null) {
      this.delete(path);
      return this;
    }
    const expected = withValue(this.located.value, path, value);
    this.transaction(path, expected, () => this.setAt(path, value));
    return this;
  }

  /**
   * Removes the value at `path` (a key with its line, its comment and the comment block
   * directly above it; a table with its sections; an array item). Returns false, and
   * changes nothing, when there is no such value.
   */
  delete(path: EditPath): boolean {
    checkPath(path);
    if (path.length === 0) throw new TypeError('delete needs a path of at least one key');
    if (this.get(path) === undefined) return false;
    const expected = withValue(this.located.value, path, undefined);
    this.transaction(path, expected, () => this.deleteAt(path));
    return true;
  }

  /**
   * Appends `value` to the array at `path` (to an array of tables, a table as a new
   * `[[section]]`); a missing array is created holding `value`.
   */
  append(path: EditPath, value: unknown): this {
    checkPath(path);
    const current = this.get(path);
    if (current !== undefined && !Array.isArray(current)) {
      const found = this.find(path);
      throw this.failure(
        'key-is-value',
        `cannot append to ${describePath(path)}: it is ${kindOf(current)}, not an array`,
        found.nodes[found.nodes.length - 1],
      );
    }
    const array = current === undefined ? [value] : [...current, value];
    const expected = withValue(this.located.value, path, array);
    this.transaction(path, expected, () => {
      if (current === undefined) this.setAt(path, array);
      else this.setAt([...path, current.length], value);
    });
    return this;
  }

  /**
   * Moves the value at `from` to `to`, a path with no value: `from` goes as `delete`
   * removes it, `to` is written as `set` writes a new key. A key/value (not a section)
   * takes its comments along: the comment block directly above it goes above its new
   * line (indented as that line), its trailing comment after its new value; in an
   * inline table, which holds no comment, they go with the old line.
   */
  move(from: EditPath, to: EditPath): this {
    checkPath(from);
    checkPath(to);
    if (from.length === 0 || to.length === 0)
      throw new TypeError('move needs paths of at least one key');
    const value = this.get(from);
    if (value === undefined) {
      throw this.failure(
        'invalid-value',
        `cannot move ${describePath(from)}: it has no value`,
        undefined,
      );
    }
    if (this.get(to) !== undefined) {
      const found = this.find(to);
      throw this.failure(
        'duplicate-key',
        `cannot move ${describePath(from)} to ${describePath(to)}: ${describePath(to)} has a value`,
        found.nodes[found.nodes.length - 1],
      );
    }
    const comments = this.commentsOf(this.find(from));
    const expected = withValue(withValue(this.located.value, from, undefined), to, value);
    this.transaction(to, expected, () => {
      this.deleteAt(from);
      this.setAt(to, value);
      if (comments !== null) this.writeComments(this.find(to), comments);
    });
    return this;
  }

  /**
   * Renames the key at the end of `path` to `key` where it is written: its value's text,
   * its place and its comments stay. The key is written in the style of the one it
   * replaces: bare when that was bare and it can be, else quoted (in literal quotes when
   * the old key had them and they can hold it, else in basic quotes). A
   * key its table already has is a `duplicate-key` error; a key written in more than one
   * place (a table that several headers or dotted keys name: renaming one would split
   * it) an `invalid-value` error; both name the path and change nothing.
   */
  rename(path: EditPath, key: string): this {
    checkPath(path);
    const old = path[path.length - 1];
    if (typeof old !== 'string') throw new TypeError('rename needs a path that ends in a key');
    if (typeof key !== 'string') throw new TypeError(`a key must be a string, got ${typeof key}`);
    const found = this.find(path);
    if (!found.exists) {
      throw this.failure(
        'invalid-value',
        `cannot rename ${describePath(path)}: it has no value`,
        undefined,
      );
    }
    if (key === old) return this;
    const renamed = [...path.slice(0, -1), key];
    const parent = found.nodes[found.nodes.length - 2] as LocatedTable;
    const existing = parent.entry(key);
    if (existing !== undefined) {
      throw this.failure(
        'duplicate-key',
        `cannot rename ${describePath(path)} to ${formatKey(key)}: ${describePath(renamed)} has a value`,
        existing.node,
      );
    }
    const entry = found.entries[found.entries.length - 1]!;
    const quote = this.source[entry.start];
    const quoted = quote === "'" || quote === '"';
    const text =
      !quoted && isBareKey(key)
        ? key
        : styledString(key, quoted ? quote : '"', false, this.newline);
    if (text === null) {
      throw this.failure(
        'unencodable-value',
        `cannot write the key ${formatKey(key)}: it holds a lone surrogate`,
        undefined,
      );
    }
    const value = this.get(path);
    const expected = withValue(withValue(this.located.value, path, undefined), renamed, value);
    try {
      this.transaction(path, expected, () =>
        this.apply([{ start: entry.start, end: entry.end, text }]),
      );
    } catch (error) {
      if (!(error instanceof TomlError)) throw error;
      // One key span written anew changes more than that key only where the key is
      // written again elsewhere (`[a]` and `[a.b]`, `[[a]]` twice, `a.x` and `a.y`).
      throw this.failure(
        'invalid-value',
        `cannot rename ${describePath(path)} to ${formatKey(key)}: ${describePath(path)} is written in more than one place`,
        entry.node,
      );
    }
    return this;
  }

  /** The text of the document. */
  toString(): string {
    return this.source;
  }

  // ---- the edits --------------------------------------------------------------------

  /** Runs an edit; unless the result reads as `expected`, undoes it and throws. */
  private transaction(path: EditPath, expected: unknown, edit: () => void): void {
    const { source, located, inPlaceEdits } = this;
    this.editing = path;
    this.sameAs = null;
    try {
      edit();
      if (!sameValue(this.located.value, expected, this.bigints, this.sameAs)) {
        throw this.failure(
          'invalid-value',
          `cannot write ${describePath(path)}: the edited text would not read as the value asked for`,
          undefined,
        );
      }
    } catch (error) {
      this.source = source;
      // The spans and values of the tree read then were changed in place since: read again.
      this.located =
        this.inPlaceEdits === inPlaceEdits ? located : parseLocated(source, this.options);
      this.treeChanges++;
      throw error;
    } finally {
      this.sameAs = null;
    }
  }

  private setAt(path: EditPath, value: unknown): void {
    if (value === undefined || value === null) {
      if (typeof path[path.length - 1] === 'number') {
        throw this.failure(
          'unencodable-value',
          `cannot set ${describePath(path)} to ${String(value)}: an array item must be a value`,
          undefined,
        );
      }
      this.deleteAt(path);
      return;
    }
    const found = this.find(path);
    if (found.exists) this.replaceAt(path, found, value);
    else this.insertAt(path, found, value);
  }

  /** Replaces the existing value at `path`. */
  private replaceAt(path: EditPath, found: Found, value: unknown): void {
    const node = found.nodes[found.nodes.length - 1]!;
    // A table or an array is compared member by member as it is changed (compared whole
    // here too, each level of a `patch` would compare everything below it again).
    const container = node.type === 'table' || node.type === 'array';
    if (!container && sameValue(node.value, value, this.bigints)) return;
    if (node.type === 'table' && isTable(value)) {
      this.changeTable(path, node, node.value, value);
      return;
    }
    if (node.type === 'array' && Array.isArray(value)) {
      if (!node.ofTables || isArrayOfTables(value)) {
        this.changeArray(path, node, value);
        return;
      }
    }
    if (isInline(node)) {
      const text = this.valueText(value, path, node);
      if (
        node.type === 'array' ||
        node.type === 'table' ||
        !this.replaceScalar(found, text, value)
      ) {
        this.apply([{ start: node.start, end: node.end, text }]);
      }
      return;
    }
    const parent = found.nodes[found.nodes.length - 2];
    if (parent?.type === 'array') {
      // An array of tables taking an item that is not a table: it is rewritten inline.
      const items = [...parent.value];
      items[path[path.length - 1] as number] = value;
      this.setAt(path.slice(0, -1), items);
      return;
    }
    // A section (or sections) replaced by a value written inline: the key moves to the
    // key/values of its table.
    this.deleteAt(path);
    this.setAt(path, value);
  }

  /**
   * Replaces the scalar at the end of `found` by `text` (written for `value`) without
   * parsing the document again, when that is sure to read as the whole parse would: the
   * text is one line and reads as `value` on its own (a value ends at its last character,
   * and what follows the old one, spaces then a newline, comment, comma or bracket, ends
   * any value). The tree then takes the new value and node, every span after it moves by
   * the change of length, and the plain values on the path are copied, not changed.
   * False when it cannot be sure: the caller splices and parses.
   */
  private replaceScalar(found: Found, text: string, value: unknown): boolean {
    const nodes = found.nodes;
    const node = nodes[nodes.length - 1] as LocatedScalar;
    if (isTable(value) || Array.isArray(value) || /[\r\n]/.test(text)) return false;
    // In a valid document a value is followed by spaces, then a line end, a comment, a
    // comma or a bracket, which end any value written before them.
    const read = this.readAlone(`v = ${text}`)?.entry('v')?.node as LocatedScalar | undefined;
    if (read === undefined || !sameValue(read.value, value, this.bigints)) return false;
    const { start, end } = node;
    this.source = this.source.slice(0, start) + text + this.source.slice(end);
    const delta = text.length - (end - start);
    if (delta !== 0) shiftSpans(this.located.root, end, end, delta);
    node.type = read.type;
    node.value = read.value;
    this.copyUp(found, nodes.length - 1, read.value);
    return true;
  }

  /**
   * After an edit made in the tree: the containers above `found.nodes[depth]` (which
   * now holds `member`) get copies of their values holding it, from the bottom up, so a
   * value handed out before stays as it was.
   */
  private copyUp(found: Found, depth: number, member: unknown): void {
    let value = member;
    for (let i = depth - 1; i >= 0; i--) {
      const container = found.nodes[i] as LocatedTable | LocatedArray;
      const step = found.path[i]!;
      if (container.type === 'array') {
        const copy = [...container.value];
        copy[step as number] = value;
        container.value = copy;
      } else {
        container.value = withMember(container.value, step as string, value);
      }
      value = container.value;
    }
    this.located = new LocatedDocument(this.source, this.located.root);
    this.inPlaceEdits++;
    this.treeChanges++;
  }

  /** `text` read on its own under this document's options, or null when it is not valid so. */
  private readAlone(text: string): LocatedTable | null {
    try {
      return parseLocated(text, this.options).root;
    } catch (error) {
      if (error instanceof TomlError) return null;
      throw error;
    }
  }

  /**
   * Inserts `inserted` at `at` and moves the spans after it; `node`, read on its own from
   * a text where it started at `readAt`, gets the spans of where it is now, `nodeAt`.
   */
  private insertText(
    at: number,
    inserted: string,
    node: LocatedValue,
    readAt: number,
    nodeAt: number,
  ): void {
    this.source = this.source.slice(0, at) + inserted + this.source.slice(at);
    const root = this.located.root;
    shiftSpans(root, at, at + 1, inserted.length);
    // The root spans the whole text, whatever was inserted at its start or end.
    root.start = 0;
    root.end = this.source.length;
    shiftSpans(node, 0, 0, nodeAt - readAt);
  }

  /**
   * Appends `text` (written for `item`) to the array at the end of `found` with the splice
   * `splice` (one insertion, the item `offset` characters into it) without parsing the
   * document again, when `text` is one line that reads as `item` on its own: inserted
   * after the last item and its comma, or with a comma before it, it ends where the old
   * last item ended, before a space, comment, line end or bracket. False when it cannot
   * be sure: the caller splices and parses.
   */
  private appendInPlace(
    found: Found,
    splice: Splice,
    offset: number,
    text: string,
    item: unknown,
  ): boolean {
    if (/[\r\n]/.test(text)) return false;
    const read = this.readAlone(`v = ${text}`)?.entry('v')?.node;
    if (read === undefined || !sameValue(read.value, item, this.bigints)) return false;
    const array = found.nodes[found.nodes.length - 1] as LocatedArray;
    this.insertText(splice.start, splice.text, read, 4, splice.start + offset);
    array.items.push(read);
    array.value = [...array.value, read.value];
    this.copyUp(found, found.nodes.length - 1, array.value);
    return true;
  }

  /**
   * Removes the key/value at the end of `found` (its lines, with the comment block
   * directly above) without parsing the document again, when it is a statement of a
   * `[header]` table, an array-of-tables element or the root that starts its line and
   * ends with its last: whole statements out of a table's body leave the rest reading as
   * it did. False when it cannot be sure: the caller splices and parses.
   */
  private deleteLineInPlace(found: Found): boolean {
    const nodes = found.nodes;
    // The parent of a key is a table of the parser's; the key/value of a table that is not
    // dotted nor inline starts its line (after spaces) and ends it (before a comment).
    const table = nodes[nodes.length - 2] as LocatedTableNode;
    const entry = found.entries[found.entries.length - 1]!;
    if (table.origin === 'dotted' || table.origin === 'inline') return false;
    const source = this.source;
    const end = afterLine(source, entry.node.end);
    const start = commentBlockStart(source, lineStart(source, entry.start));
    table.remove(entry.key);
    this.source = source.slice(0, start) + source.slice(end);
    shiftSpans(this.located.root, end, end, start - end);
    const without: Table = { ...table.value };
    delete without[entry.key];
    table.value = without;
    this.copyUp(found, nodes.length - 2, without);
    return true;
  }

  /**
   * Adds the line `line` (`key = value`, one line) to the table at the end of `found`
   * with the line insertion `splice` without parsing the document again, when the line
   * reads as that one key with `value` on its own: a line of its own after a line of the
   * table's (or after its header) is a key/value of that table. False when it cannot be
   * sure: the caller splices and parses.
   */
  private insertLineInPlace(
    found: Found,
    splice: Splice,
    line: string,
    key: string,
    value: unknown,
  ): boolean {
    const table = found.nodes[found.nodes.length - 1] as LocatedTableNode;
    if (/[\r\n]/.test(line)) return false;
    const entry = this.readAlone(line)?.entry(key);
    if (entry === undefined || !sameValue(entry.node.value, value, this.bigints)) return false;
    const lineAt = splice.start + splice.text.indexOf(line);
    this.insertText(splice.start, splice.text, entry.node, 0, lineAt);
    table.add(key, entry.start + lineAt, entry.end + lineAt, entry.node);
    table.value = withMember(table.value, key, entry.node.value);
    this.copyUp(found, found.nodes.length - 1, table.value);
    return true;
  }

  /**
   * The comment lines directly above the key/value at the end of `found` (each without
   * its indentation) and the text from its value's end to the end of its line when that
   * holds a comment; null when it is not a key/value on lines of its own (a section, an
   * array item, a member of an inline table) or has no comment.
   */
  private commentsOf(found: Found): { above: string[]; trailing: string } | null {
    const entry = found.entries[found.entries.length - 1];
    if (entry === null || entry === undefined || !isInline(entry.node)) return null;
    if (this.inlineAnchor(found.nodes, found.nodes.length - 2)) return null;
    const source = this.source;
    const start = lineStart(source, entry.start);
    const blockStart = commentBlockStart(source, start);
    const above = source
      .slice(blockStart, start)
      .split('\n')
      .slice(0, -1)
      .map((line) => `${line.replace(/^[ \t\uFEFF]+/, '').replace(/\r$/, '')}`);
    let p = entry.node.end;
    while (source[p] === ' ' || source[p] === '\t') p++;
    let trailing = '';
    if (source[p] === '#') {
      const newline = source.indexOf('\n', p);
      const end = newline === -1 ? source.length : newline;
      trailing = source.slice(entry.node.end, source[end - 1] === '\r' ? end - 1 : end);
    }
    return above.length === 0 && trailing === '' ? null : { above, trailing };
  }

  /** Writes `comments` (see `commentsOf`) around the key/value just written at `found`. */
  private writeComments(found: Found, comments: { above: string[]; trailing: string }): void {
    const entry = found.entries[found.entries.length - 1];
    if (entry === null || entry === undefined || !isInline(entry.node)) return;
    if (this.inlineAnchor(found.nodes, found.nodes.length - 2)) return;
    const start = lineStart(this.source, entry.start);
    const indent = indentBefore(this.source, statementStart(this.source, entry.start));
    const above = comments.above.map((line) => `${indent}${line}${this.newline}`).join('');
    this.apply([
      { start, end: start, text: above },
      { start: entry.node.end, end: entry.node.end, text: comments.trailing },
    ]);
  }

  /** True when the table `nodes[at]` is written inside an inline table. */
  private inlineAnchor(nodes: readonly LocatedValue[], at: number): boolean {
    let anchor = at;
    while ((nodes[anchor] as LocatedTable).origin === 'dotted') anchor--;
    return (nodes[anchor] as LocatedTable).origin === 'inline';
  }

  /**
   * Makes the table at `path` (now `current`, the value of `node`) read as `value`, key by
   * key. A scalar member that already reads as its value is passed over where it is found,
   * with no path made or looked up from the root (a `patch` compares every member).
   */
  private changeTable(path: EditPath, node: LocatedTable, current: Table, value: Table): void {
    const changesBefore = this.treeChanges;
    // Each member is read once (a getter, a proxy), then kept for both passes.
    const keys = Object.keys(value);
    const members = keys.map((key) => value[key]);
    let gone: Set<string> | null = null;
    for (let i = 0; i < keys.length; i++) {
      if (members[i] === undefined || members[i] === null) (gone ??= new Set()).add(keys[i]!);
    }
    for (const key of Object.keys(current)) {
      if (!Object.hasOwn(value, key) || gone?.has(key) === true) this.deleteAt([...path, key]);
    }
    let table = node;
    // A deletion above may have put a new tree in place already.
    let seen = changesBefore;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const member = members[i];
      if (member === undefined || member === null) continue;
      if (seen !== this.treeChanges) {
        // A change may have put a new tree in place: the table is looked up again.
        table = this.find(path).nodes.at(-1) as LocatedTable;
        seen = this.treeChanges;
      }
      const old = table.entry(key)?.node;
      if (old !== undefined && this.alreadyReads(old, member)) continue;
      this.setAt([...path, key], member);
    }
    if (this.treeChanges === changesBefore) (this.sameAs ??= new WeakMap()).set(current, value);
  }

  /** True when `node`, a scalar, reads as `value` (a container is compared as it is changed). */
  private alreadyReads(node: LocatedValue, value: unknown): boolean {
    return (
      node.type !== 'table' && node.type !== 'array' && sameValue(node.value, value, this.bigints)
    );
  }

  /** Makes the array at `path` read as `value`: item by item, then appends or removals. */
  private changeArray(path: EditPath, node: LocatedArray, value: unknown[]): void {
    const current = node.items.length;
    const common = Math.min(current, value.length);
    const changesBefore = this.treeChanges;
    const before = node.value;
    let array = node;
    let seen = changesBefore;
    for (let i = 0; i < common; i++) {
      if (seen !== this.treeChanges) {
        array = this.find(path).nodes.at(-1) as LocatedArray;
        seen = this.treeChanges;
      }
      const item = value[i];
      if (this.alreadyReads(array.items[i]!, item)) continue;
      this.setAt([...path, i], item);
    }
    if (current === value.length && this.treeChanges === changesBefore) {
      (this.sameAs ??= new WeakMap()).set(before, value);
    }
    if (value.length < current) {
      const array = this.find(path).nodes.at(-1) as LocatedArray;
      const removed: number[] = [];
      for (let i = value.length; i < current; i++) removed.push(i);
      if (array.ofTables) {
        if (value.length === 0) {
          this.deleteAt(path);
          this.setAt(path, []);
        } else {
          this.apply(this.sectionRemovals(removed.flatMap((i) => sectionsIn(array.items[i]!))));
        }
      } else {
        this.apply(this.arrayItemRemovals(array, removed));
      }
    }
    for (let i = current; i < value.length; i++) this.setAt([...path, i], value[i]);
  }

  /** Writes a value at a `path` that does not exist yet. */
  private insertAt(path: EditPath, found: Found, value: unknown): void {
    const depth = found.nodes.length - 1;
    const container = found.nodes[depth]!;
    const step = path[depth]!;
    const made = nest(path.slice(depth + 1), value, (message) =>
      this.failure('invalid-value', `cannot set ${describePath(path)}: ${message}`, undefined),
    );
    if (container.type === 'array') {
      if (step !== container.items.length) {
        throw this.failure(
          'invalid-value',
          `cannot set ${describePath(path)}: index ${String(step)} is past the end of an array of ${container.items.length}`,
          container,
        );
      }
      this.appendItem(path.slice(0, depth), container, made, found);
    } else {
      this.insertKey(path.slice(0, depth), found, step as string, made);
    }
  }

  /** Appends `item` to the array `array` at `path`. */
  private appendItem(path: EditPath, array: LocatedArray, item: unknown, found: Found): void {
    const itemPath = [...path, array.items.length];
    if (array.ofTables) {
      if (!isTable(item)) {
        this.setAt(path, [...array.value, item]);
        return;
      }
      const last = array.items[array.items.length - 1] as LocatedTable;
      const text = stringifyAt(item, itemPath, 'element', this.writeOptions);
      this.apply([this.sectionInsertion(this.subtreeEnd(last), text)]);
      return;
    }
    const text = this.valueText(item, itemPath, undefined);
    const items = array.items;
    if (items.length === 0) {
      this.apply([{ start: array.start + 1, end: array.end - 1, text }]);
      return;
    }
    const last = items[items.length - 1]!;
    const comma = commaAfter(this.source, last.end);
    const closing = array.end - 1;
    const tail = this.source.slice(comma === -1 ? last.end : comma, closing);
    if (!tail.includes('\n')) {
      // On one line: `[1, 2]` → `[1, 2, 3]`, `[1, 2,]` → `[1, 2, 3,]`.
      const splice =
        comma === -1
          ? { start: last.end, end: last.end, text: `, ${text}` }
          : { start: comma, end: comma, text: ` ${text},` };
      if (!this.appendInPlace(found, splice, comma === -1 ? 2 : 1, text, item)) {
        this.apply([splice]);
      }
      return;
    }
    // Over lines: a new line after the last item's, indented as it is.
    const lineEnd = afterLine(this.source, comma === -1 ? last.end : comma);
    const breakAt = this.source[lineEnd - 2] === '\r' ? lineEnd - 2 : lineEnd - 1;
    const indent = indentBefore(this.source, items.length > 0 ? last.start : closing);
    // The comma first: at the same offset (no comment after the item), it goes before.
    const splices: Splice[] = comma === -1 ? [{ start: last.end, end: last.end, text: ',' }] : [];
    const line = {
      start: breakAt,
      end: breakAt,
      text: `${this.newline}${indent}${text}${comma === -1 ? '' : ','}`,
    };
    splices.push(line);
    const offset = this.newline.length + indent.length;
    if (splices.length > 1 || !this.appendInPlace(found, line, offset, text, item)) {
      this.apply(splices);
    }
  }

  /** Adds `key = value` to the table at `path` (`found.nodes` leads to it). */
  private insertKey(path: EditPath, found: Found, key: string, value: unknown): void {
    const nodes = found.nodes;
    const table = nodes[nodes.length - 1] as LocatedTable;
    // The table whose text holds the new key: dotted tables are written in the body of
    // the nearest table that is not dotted, with the keys from there as a dotted key.
    let anchor = nodes.length - 1;
    while ((nodes[anchor] as LocatedTable).origin === 'dotted') anchor--;
    const anchorTable = nodes[anchor] as LocatedTable;
    const keyPath = [...path.slice(anchor), key] as string[];
    const fullPath = [...path, key];
    if (anchorTable.origin === 'inline') {
      const text = `${this.keyText(keyPath, undefined)} = ${this.valueText(value, fullPath, undefined)}`;
      const leaves = leavesOf(table);
      if (leaves.length === 0 && table === anchorTable) {
        this.apply([{ start: table.start + 1, end: table.end - 1, text: ` ${text} ` }]);
      } else {
        const end = lastEnd(leaves);
        this.apply([{ start: end, end, text: `, ${text}` }]);
      }
      return;
    }
    if (table.origin !== 'dotted' && isSection(value)) {
      const at = table.origin === 'root' ? this.source.length : this.subtreeEnd(table);
      this.apply([this.sectionInsertion(at, this.sectionText(fullPath, value))]);
      return;
    }
    if (table.origin === 'implicit') {
      // A table that only sub-sections made: its own `[header]` goes before them.
      const first = sectionsIn(table).sort((a, b) => a.start - b.start)[0]!;
      const at = commentBlockStart(this.source, lineStart(this.source, first.start));
      const header = stringifyAt({ [key]: value }, path, 'table', this.writeOptions);
      this.apply([{ start: at, end: at, text: `${this.lines(header)}${this.newline}` }]);
      return;
    }
    const leaves = leavesOf(table);
    const model = leaves.length === 0 ? undefined : lastLeaf(leaves);
    let at: number;
    let indent = '';
    let blankAfter = false;
    if (model !== undefined) {
      at = afterLine(this.source, model.node.end);
      indent = indentBefore(this.source, statementStart(this.source, model.start));
    } else if (table.origin === 'root') {
      const first = this.sections()[0];
      if (first === undefined) at = this.source.length;
      else {
        at = commentBlockStart(this.source, lineStart(this.source, first.start));
        blankAfter = true;
      }
    } else {
      at = afterLine(this.source, table.end);
      indent = indentBefore(this.source, table.start);
    }
    const line = `${indent}${this.keyText(keyPath, model)}${this.equalsText(model)}${this.valueText(value, fullPath, undefined)}`;
    const splice = this.lineInsertion(at, line, blankAfter);
    if (keyPath.length > 1 || !this.insertLineInPlace(found, splice, line, key, value)) {
      this.apply([splice]);
    }
  }

  /** Removes the value at `path`, then puts back as empty any table that went with it. */
  private deleteAt(path: EditPath): void {
    const found = this.find(path);
    if (!found.exists) return;
    const nodes = found.nodes;
    const node = nodes[nodes.length - 1]!;
    const parent = nodes[nodes.length - 2]!;
    if (parent.type === 'array') {
      const index = path[path.length - 1] as number;
      if (!parent.ofTables) this.apply(this.arrayItemRemovals(parent, [index]));
      else if (parent.items.length > 1) this.apply(this.sectionRemovals(sectionsIn(node)));
      else {
        this.deleteAt(path.slice(0, -1));
        this.setAt(path.slice(0, -1), []);
      }
      return;
    }
    let anchor = nodes.length - 2;
    while ((nodes[anchor] as LocatedTable).origin === 'dotted') anchor--;
    const anchorTable = nodes[anchor] as LocatedTable;
    const leaves: LocatedEntry[] = [];
    const sections: LocatedTable[] = [];
    if (isInline(node)) leaves.push(found.entries[found.entries.length - 1]!);
    else if (node.type === 'table' && node.origin === 'dotted') {
      appendAll(leaves, leavesOf(node));
      appendAll(sections, sectionsIn(node));
    } else appendAll(sections, sectionsIn(node));
    const splices = this.sectionRemovals(sections);
    if (anchorTable.origin === 'inline') {
      const statements = this.inlineStatements(anchorTable);
      const removed = leaves.map((leaf) => statements.findIndex((s) => s.leaf === leaf));
      removed.sort((a, b) => a - b);
      appendAll(splices, memberRemovals(statements, removed, insideOf(anchorTable), this.source));
    } else if (
      leaves.length === 1 &&
      sections.length === 0 &&
      leaves[0]!.node === node &&
      this.deleteLineInPlace(found)
    ) {
      return;
    } else {
      for (const leaf of leaves) {
        const start = lineStart(this.source, leaf.start);
        splices.push({
          start: commentBlockStart(this.source, start),
          end: afterLine(this.source, leaf.node.end),
          text: '',
        });
      }
    }
    this.apply(splices);
    // A dotted or implicit table exists only through what is in it: emptied, it is gone.
    const parentPath = path.slice(0, -1);
    if (!this.find(parentPath).exists) this.setAt(parentPath, {});
  }

  // ---- splices ----------------------------------------------------------------------

  /** Applies splices made from the current text, then parses the result. */
  private apply(splices: Splice[]): void {
    if (splices.length === 0) return;
    // Later offsets first; at one offset, the splice made last first, so the ones made
    // earlier end up before it.
    const order = splices.map((splice, index) => ({ splice, index }));
    order.sort((a, b) => b.splice.start - a.splice.start || b.index - a.index);
    let text = this.source;
    for (const { splice } of order) {
      text = text.slice(0, splice.start) + splice.text + text.slice(splice.end);
    }
    try {
      this.located = parseLocated(text, this.options);
      this.treeChanges++;
    } catch (error) {
      if (!(error instanceof TomlError)) throw error;
      throw this.failure(
        error.code,
        `cannot write ${describePath(this.editing)}: the edited text would not be valid TOML${this.options?.version === '1.0' ? ' 1.0' : ''} (${error.message})`,
        undefined,
      );
    }
    this.source = text;
  }

  /** A line `line` added at `at`, the start of a line (or the end of the text). */
  private lineInsertion(at: number, line: string, blankAfter: boolean): Splice {
    const source = this.source;
    const nl = this.newline;
    if (at === source.length && source.length > 0 && !source.endsWith('\n')) {
      return { start: at, end: at, text: `${nl}${line}${nl}` };
    }
    return { start: at, end: at, text: `${line}${nl}${blankAfter ? nl : ''}` };
  }

  /** Sections (`text`, LF line ends) added at `at`, the start of a line or the end. */
  private sectionInsertion(at: number, text: string): Splice {
    const source = this.source;
    const nl = this.newline;
    const body = this.lines(text);
    const empty = source.length === 0 || (source.length === 1 && source[0] === '\uFEFF');
    let before = empty ? '' : nl;
    if (at === source.length && !empty && !source.endsWith('\n')) before = nl + nl;
    const after = at < source.length && !isBlankLine(source, at) ? nl : '';
    return { start: at, end: at, text: `${before}${body}${after}` };
  }

  /** The ranges that remove sections, each with the comment block above its header. */
  private sectionRemovals(sections: LocatedTable[]): Splice[] {
    const source = this.source;
    // Sections one after the other are one range: the blank lines around it are tidied once.
    const ranges: Splice[] = [];
    for (const section of [...sections].sort((a, b) => a.start - b.start)) {
      const start = commentBlockStart(source, lineStart(source, section.start));
      const end = this.sectionEnd(section);
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last.end === start) last.end = end;
      else ranges.push({ start, end, text: '' });
    }
    for (const range of ranges) {
      const blankBefore =
        range.start === 0 || isBlankLine(source, lineStart(source, range.start - 1));
      if (blankBefore && range.end < source.length && isBlankLine(source, range.end)) {
        range.end = afterLine(source, range.end);
      } else if (range.end === source.length && range.start > 0 && blankBefore) {
        range.start = lineStart(source, range.start - 1);
      }
    }
    return ranges;
  }

  /** The ranges that remove items of an inline array. */
  private arrayItemRemovals(array: LocatedArray, removed: number[]): Splice[] {
    return memberRemovals(array.items, removed, insideOf(array), this.source);
  }

  /**
   * The statements of an inline table in order, each from its first key to the end of
   * its value (leaves of dotted tables included).
   */
  private inlineStatements(
    table: LocatedTable,
  ): { start: number; end: number; leaf: LocatedEntry }[] {
    const leaves = leavesOf(table).sort((a, b) => a.node.start - b.node.start);
    let from = table.start + 1;
    return leaves.map((leaf) => {
      const start = skipSeparators(this.source, from);
      from = leaf.node.end;
      return { start, end: leaf.node.end, leaf };
    });
  }

  // ---- where things are -------------------------------------------------------------

  /** The nodes along `path`; a step through a value that is not a container throws. */
  private find(path: EditPath): Found {
    const nodes: LocatedValue[] = [this.located.root];
    const entries: (LocatedEntry | null)[] = [];
    for (let i = 0; i < path.length; i++) {
      const node = nodes[i]!;
      const step = path[i]!;
      if (typeof step === 'number') {
        if (node.type !== 'array') throw this.notA('an array', path, i, node);
        const item = node.items[step];
        if (item === undefined) return { nodes, entries, exists: false, path };
        nodes.push(item);
        entries.push(null);
      } else {
        if (node.type !== 'table') throw this.notA('a table', path, i, node);
        const entry = node.entry(step);
        if (entry === undefined) return { nodes, entries, exists: false, path };
        nodes.push(entry.node);
        entries.push(entry);
      }
    }
    return { nodes, entries, exists: true, path };
  }

  private notA(what: string, path: EditPath, at: number, node: LocatedValue): TomlError {
    return this.failure(
      'key-is-value',
      `cannot edit ${describePath(path)}: ${describePath(path.slice(0, at))} is ${kindOf(node.value)}, not ${what}`,
      node,
    );
  }

  /** Every `[header]` and `[[header]]` of the document, in order. */
  private sections(): LocatedTable[] {
    return sectionsIn(this.located.root).sort((a, b) => a.start - b.start);
  }

  /** The end of a section's last line: its last key/value's, or its header's. */
  private sectionEnd(section: LocatedTable): number {
    const leaves = leavesOf(section);
    return afterLine(this.source, leaves.length === 0 ? section.end : lastEnd(leaves));
  }

  /** Where the sections of a table and of the tables under it end. */
  private subtreeEnd(table: LocatedTable): number {
    let end = 0;
    for (const section of sectionsIn(table)) end = Math.max(end, this.sectionEnd(section));
    return end;
  }

  // ---- writing ----------------------------------------------------------------------

  /** A value as it is written after `key =`: a string in the quotes of `replaced`'s. */
  private valueText(value: unknown, path: EditPath, replaced: LocatedValue | undefined): string {
    if (typeof value === 'string' && replaced?.type === 'string') {
      const quotes = quotesOf(this.source, replaced.start);
      const after = this.source.slice(
        replaced.start + quotes.length,
        replaced.start + quotes.length + 2,
      );
      const text = styledString(
        value,
        quotes,
        quotes.length === 3 && (after[0] === '\n' || after === '\r\n'),
        this.newline,
      );
      if (text !== null) return text;
    }
    return stringifyAt(value, path, 'inline', this.writeOptions);
  }

  /** The sections of a new table or array of tables at `path`. */
  private sectionText(path: EditPath, value: unknown): string {
    if (!Array.isArray(value)) return stringifyAt(value, path, 'table', this.writeOptions);
    return value
      .map((item, i) => stringifyAt(item, [...path, i], 'element', this.writeOptions))
      .join('\n');
  }

  /** Encoder text (LF line ends) in this document's line ends. */
  private lines(text: string): string {
    return this.newline === '\n' ? text : text.replaceAll('\n', this.newline);
  }

  /**
   * A key (dotted when it has several parts) written as the keys of `model`: bare when it
   * can be, quoted as the model's key when that is quoted though it could be bare.
   */
  private keyText(keys: readonly string[], model: LocatedEntry | undefined): string {
    const quote = model === undefined ? '' : this.source[model.start];
    const modelQuoted =
      model !== undefined && (quote === '"' || quote === "'") && isBareKey(model.key);
    return keys
      .map((key) => {
        if (isBareKey(key)) return modelQuoted ? `${quote}${key}${quote}` : key;
        const quoted = quoteString(key);
        if (quoted === null) {
          throw this.failure(
            'unencodable-value',
            `cannot write the key ${formatKey(key)}: it holds a lone surrogate`,
            undefined,
          );
        }
        return quoted;
      })
      .join('.');
  }

  /** ` = `, or the spacing around `=` of `model` (`a=1` stays without spaces). */
  private equalsText(model: LocatedEntry | undefined): string {
    if (model === undefined) return ' = ';
    const gap = this.source.slice(model.end, model.node.start);
    const equals = gap.indexOf('=');
    return `${equals > 0 ? ' ' : ''}=${equals < gap.length - 1 ? ' ' : ''}`;
  }

  /** A `TomlError` about the edit, at `node` (or with no position, naming the path). */
  private failure(code: TomlErrorCode, message: string, node: LocatedValue | undefined): TomlError {
    if (node === undefined || (node.type === 'table' && node.origin === 'root')) {
      const none = { offset: 0, line: 0, column: 0 };
      return new TomlError({ code, message, start: none, end: none, lineText: '' });
    }
    const start = this.located.position(node.start);
    return new TomlError({
      code,
      message,
      start,
      end: this.located.position(node.end),
      lineText: this.located.lineText(start.line),
    });
  }
}

/**
 * The text `text` changed as little as possible to read as `value` (the model of
 * `@decimalturn/toml-patch`: parse, change the plain object, patch): unchanged keys,
 * comments and layout stay as they are, so `patch(text, parse(text)) === text`.
 */
export function patch(text: string, value: Table, options?: ParseOptions): string {
  return new EditableDocument(text, options).set([], value).toString();
}

// ---- the located tree -------------------------------------------------------------------

/** True for a value whose text follows `key =` (not a section). */
function isInline(node: LocatedValue): boolean {
  if (node.type === 'table') return node.origin === 'inline';
  return node.type !== 'array' || !node.ofTables;
}

/** The entries of a table written as `key = value`, through its dotted tables. */
function leavesOf(table: LocatedTable, out: LocatedEntry[] = []): LocatedEntry[] {
  for (let entry = table.firstEntry; entry !== null; entry = entry.next) {
    const node = entry.node;
    if (isInline(node)) out.push(entry);
    else if (node.type === 'table' && node.origin === 'dotted') leavesOf(node, out);
  }
  return out;
}

function lastLeaf(leaves: LocatedEntry[]): LocatedEntry {
  let last = leaves[0]!;
  for (const leaf of leaves) if (leaf.node.end > last.node.end) last = leaf;
  return last;
}

function lastEnd(leaves: LocatedEntry[]): number {
  return lastLeaf(leaves).node.end;
}

/** The `[header]` and `[[header]]` tables of a value and of everything under it. */
function sectionsIn(node: LocatedValue, out: LocatedTable[] = []): LocatedTable[] {
  if (node.type === 'array') {
    if (node.ofTables) for (const item of node.items) sectionsIn(item, out);
    return out;
  }
  if (node.type !== 'table' || node.origin === 'inline') return out;
  if (node.origin === 'header' || node.origin === 'array-element') out.push(node);
  for (let entry = node.firstEntry; entry !== null; entry = entry.next) sectionsIn(entry.node, out);
  return out;
}

/**
 * Moves by `delta` every start of a span of the tree at or after `from` and every end at
 * or after `endFrom` (for text inserted at `from`, `from + 1`: a span ending there ends
 * before it).
 */
function shiftSpans(node: LocatedValue, from: number, endFrom: number, delta: number): void {
  // A value written inline lies within its span: ending before `from` (`endFrom` is
  // `from` or after it), nothing in it moves. (A section's members lie past its header.)
  if (node.end < from && isInline(node)) return;
  if (node.start >= from) node.start += delta;
  if (node.end >= endFrom) node.end += delta;
  if (node.type === 'array') {
    for (const item of node.items) shiftSpans(item, from, endFrom, delta);
  } else if (node.type === 'table') {
    for (let entry = node.firstEntry; entry !== null; entry = entry.next) {
      // Its key is before its value: both end before `from`.
      if (entry.node.end < from && isInline(entry.node)) continue;
      if (entry.start >= from) entry.start += delta;
      if (entry.end >= endFrom) entry.end += delta;
      shiftSpans(entry.node, from, endFrom, delta);
    }
  }
}

/** Between the brackets or braces of an inline array or table. */
function insideOf(node: LocatedValue): { start: number; end: number } {
  return { start: node.start + 1, end: node.end - 1 };
}

/** The first character of the statement whose key holds `offset` (on its line). */
function statementStart(source: string, offset: number): number {
  let p = lineStart(source, offset);
  while (source[p] === ' ' || source[p] === '\t' || source[p] === '\uFEFF') p++;
  return p;
}

// ---- values -------------------------------------------------------------------------------

function checkPath(path: EditPath): void {
  if (!Array.isArray(path)) throw new TypeError('a path must be an array of keys and indexes');
  for (const step of path) {
    if (typeof step === 'string') continue;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
      throw new TypeError(
        `a path step must be a key (a string) or an index (an integer from 0), got ${String(step)}`,
      );
    }
  }
}

function isTable(value: unknown): value is Table {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isArrayOfTables(value: unknown[]): boolean {
  return value.length > 0 && value.every(isTable);
}

/** A value `stringify` writes as sections: a table, or an array of tables. */
function isSection(value: unknown): boolean {
  return isTable(value) || (Array.isArray(value) && isArrayOfTables(value));
}

/** `value` inside the containers that `steps` (below the existing part of a path) name. */
function nest(steps: EditPath, value: unknown, fail: (message: string) => Error): unknown {
  let made = value;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    if (typeof step === 'number') {
      if (step !== 0) throw fail(`index ${step} of a new array (only 0 can be set)`);
      made = [made];
    } else {
      const table: Table = {};
      Object.defineProperty(table, step, {
        value: made,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      made = table;
    }
  }
  return made;
}

/** A copy of `root` with `value` at `path` (`undefined`: without it), copying only the path. */
function withValue(root: Table, path: EditPath, value: unknown): Table {
  const copy = (container: unknown, i: number): unknown => {
    if (i === path.length) return value;
    const step = path[i]!;
    if (typeof step === 'number') {
      const array = Array.isArray(container) ? [...container] : [];
      if (i === path.length - 1 && value === undefined) array.splice(step, 1);
      else array[step] = copy(array[step], i + 1);
      return array;
    }
    const table: Table = isTable(container) ? container : {};
    if (i < path.length - 1 || value !== undefined) {
      return withMember(table, step, copy(table[step], i + 1));
    }
    const without: Table = { ...table };
    delete without[step];
    return without;
  };
  return copy(root, 0) as Table;
}

/** A copy of `table` with `member` at `key` (an own property even for `__proto__`). */
function withMember(table: Table, key: string, member: unknown): Table {
  const copy: Table = { ...table };
  // Assigning `__proto__` would set the prototype; anything else is assigned (a defined
  // property would make the copy a slow dictionary object).
  if (key !== '__proto__') copy[key] = member;
  else {
    Object.defineProperty(copy, key, {
      value: member,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * True when `a` (as read) and `b` (as asked for) are the same TOML value. Without bigint
 * integers a number and a bigint of the same integer are the same; `null` and
 * `undefined` members of a table are no members, as for `stringify`.
 */
function sameValue(
  a: unknown,
  b: unknown,
  bigints: boolean,
  sameAs: WeakMap<object, unknown> | null = null,
): boolean {
  // The same object: an edit's expected value shares what it does not change.
  if (a === b && typeof a === 'object') return true;
  if (typeof a === 'number' || typeof a === 'bigint') {
    if (typeof b === typeof a) return Object.is(a, b);
    if (bigints || (typeof b !== 'number' && typeof b !== 'bigint')) return false;
    const n = typeof a === 'number' ? a : b;
    const big = typeof a === 'bigint' ? a : b;
    return Number.isInteger(n) && BigInt(n as number) === big;
  }
  if (typeof a !== 'object' || a === null) return a === b;
  if (typeof b !== 'object' || b === null) return false;
  if (sameAs !== null && sameAs.get(a) === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i], bigints, sameAs)) return false;
    return true;
  }
  if (
    a instanceof OffsetDateTime ||
    a instanceof LocalDateTime ||
    a instanceof LocalDate ||
    a instanceof LocalTime
  ) {
    return b.constructor === a.constructor && String(b) === String(a);
  }
  if (!isTable(b) || !isTable(a)) return false;
  let count = 0;
  for (const key of Object.keys(b)) {
    const member = b[key];
    if (member === undefined || member === null) continue;
    count++;
    if (!Object.hasOwn(a, key) || !sameValue(a[key], member, bigints, sameAs)) return false;
  }
  return count === Object.keys(a).length;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (isTable(value)) return 'a table';
  return 'a date/time';
}

/** `storage.volumes[0].host`, or `the document` for the root. */
function describePath(path: EditPath): string {
  if (path.length === 0) return 'the document';
  let text = '';
  for (const step of path) {
    if (typeof step === 'number') text += `[${step}]`;
    else text += text === '' ? formatKey(step) : `.${formatKey(step)}`;
  }
  return text;
}
