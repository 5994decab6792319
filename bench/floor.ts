/**
 * A floor for any parser written in JavaScript: the work of building the parse result
 * and nothing else. Setup (untimed) turns a document's JSON form into a list of events
 * (open a table or array, a key, a string, a number, close); the timed run replays them
 * into plain objects and exact-length arrays the way a parser's builder does, with no
 * scanning and no decoding. Keys come ready-made (a parser has to cut them out of the
 * text) and date/times are plain strings (our parse makes objects of them), so a parser
 * cannot be faster than this on the same data.
 */

const enum Op {
  OpenTable,
  OpenArray,
  Close,
  Key,
  String,
  Number,
  True,
  False,
  /** `nan` and `±inf` are `null` in the JSON form. */
  Null,
}

export interface Events {
  /** Triples of (op, a, b): a key index, or a string's start and end in `text`. */
  ops: Int32Array;
  numbers: Float64Array;
  keys: string[];
  /** Every string value, one after another. */
  text: string;
}

/** The events that build `value` (a JSON value: tables, arrays, strings, numbers, booleans). */
export function eventsOf(value: unknown): Events {
  const ops: number[] = [];
  const numbers: number[] = [];
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const strings: string[] = [];
  let length = 0;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      ops.push(Op.OpenArray, 0, 0);
      for (const item of v) visit(item);
      ops.push(Op.Close, 0, 0);
    } else if (v !== null && typeof v === 'object') {
      ops.push(Op.OpenTable, 0, 0);
      for (const [key, item] of Object.entries(v)) {
        let index = keyIndex.get(key);
        if (index === undefined) {
          index = keys.push(key) - 1;
          keyIndex.set(key, index);
        }
        ops.push(Op.Key, index, 0);
        visit(item);
      }
      ops.push(Op.Close, 0, 0);
    } else if (typeof v === 'string') {
      ops.push(Op.String, length, length + v.length);
      strings.push(v);
      length += v.length;
    } else if (typeof v === 'number') {
      ops.push(Op.Number, numbers.push(v) - 1, 0);
    } else if (typeof v === 'boolean') {
      ops.push(v ? Op.True : Op.False, 0, 0);
    } else if (v === null) {
      ops.push(Op.Null, 0, 0);
    } else {
      throw new TypeError(`not a JSON value: ${String(v)}`);
    }
  };
  visit(value);
  return {
    ops: Int32Array.from(ops),
    numbers: Float64Array.from(numbers),
    keys,
    text: strings.join(''),
  };
}

/** Marks an open array on the container stack (its elements are on the element stack). */
const ARRAY = {};

/** Builds the value the events describe. */
export function replay(events: Events): unknown {
  const { ops, numbers, keys, text } = events;
  const open: Record<string, unknown>[] = [];
  const openKeys: string[] = [];
  const arrayStarts: number[] = [];
  const elements: unknown[] = [];
  let count = 0;
  let key = '';
  let value: unknown;
  for (let i = 0; i < ops.length; i += 3) {
    switch (ops[i]) {
      case Op.OpenTable:
        open.push({});
        openKeys.push(key);
        continue;
      case Op.OpenArray:
        open.push(ARRAY);
        openKeys.push(key);
        arrayStarts.push(count);
        continue;
      case Op.Key:
        key = keys[ops[i + 1]!]!;
        continue;
      case Op.Close: {
        const closed = open.pop()!;
        key = openKeys.pop()!;
        if (closed === ARRAY) {
          const first = arrayStarts.pop()!;
          value = elements.slice(first, count);
          count = first;
        } else {
          value = closed;
        }
        if (open.length === 0) return value;
        break;
      }
      case Op.String:
        value = text.slice(ops[i + 1]!, ops[i + 2]!);
        break;
      case Op.Number:
        value = numbers[ops[i + 1]!];
        break;
      case Op.Null:
        value = null;
        break;
      default:
        value = ops[i] === Op.True;
    }
    const container = open[open.length - 1]!;
    if (container === ARRAY) elements[count++] = value;
    else container[key] = value;
  }
  throw new Error('events end inside an open table or array');
}
