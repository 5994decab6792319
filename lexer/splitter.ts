/**
 * Finds statement boundaries in text that arrives in pieces. A statement (key/value
 * pair or table header) ends at a newline outside any string, comment, array or inline
 * table; everything before such a newline can be parsed without seeing what follows.
 *
 * The state machine mirrors the scanner's view of strings and comments exactly, so on
 * valid input it cuts only where the scanner would end a statement; on invalid input
 * the first error always lies inside the text handed over, at the same position.
 */

const enum State {
  Normal,
  Comment,
  Basic,
  Literal,
  MultilineBasic,
  MultilineLiteral,
}

export class StatementSplitter {
  private state = State.Normal;
  /** Open `[` and `{` not yet closed. */
  private depth = 0;
  /** Text from the last pause point: a construct that needs a few more characters. */
  private carry = '';
  /** Characters pushed so far. */
  private total = 0;

  get pushed(): number {
    return this.total;
  }

  /**
   * Scans the next piece of text. Returns the stream offset just after the last
   * statement-ending newline in it, or -1. With `final`, nothing more will come, so
   * nothing is held back. Each character is scanned once (a pause carries at most a
   * handful of characters into the next call), so the cost is linear in the input.
   */
  push(chunk: string, final: boolean): number {
    const text = this.carry === '' ? chunk : this.carry + chunk;
    const origin = this.total - this.carry.length;
    this.total += chunk.length;
    const len = text.length;
    let p = 0;
    let state = this.state;
    let depth = this.depth;
    let boundary = -1;
    scan: while (p < len) {
      const c = text.charCodeAt(p);
      switch (state) {
        case State.Normal:
          switch (c) {
            case 0x0a:
              if (depth === 0) boundary = p + 1;
              break;
            case 0x23:
              state = State.Comment;
              break;
            case 0x22:
            case 0x27: {
              if (p + 2 >= len && !final) break scan;
              const triple = text.charCodeAt(p + 1) === c && text.charCodeAt(p + 2) === c;
              if (triple) {
                state = c === 0x22 ? State.MultilineBasic : State.MultilineLiteral;
                p += 3;
                continue;
              }
              if (text.charCodeAt(p + 1) === c) {
                p += 2;
                continue;
              }
              state = c === 0x22 ? State.Basic : State.Literal;
              break;
            }
            case 0x5b:
            case 0x7b:
              depth++;
              break;
            case 0x5d:
            case 0x7d:
              if (depth > 0) depth--;
              break;
          }
          p++;
          continue;
        case State.Comment:
          if (c === 0x0a) {
            state = State.Normal;
            continue;
          }
          p++;
          continue;
        case State.Basic:
          if (c === 0x5c) {
            if (p + 1 >= len && !final) break scan;
            p += 2;
            continue;
          }
          if (c === 0x22) state = State.Normal;
          else if (c === 0x0a) {
            state = State.Normal;
            continue;
          }
          p++;
          continue;
        case State.Literal:
          if (c === 0x27) state = State.Normal;
          else if (c === 0x0a) {
            state = State.Normal;
            continue;
          }
          p++;
          continue;
        default: {
          const quote = state === State.MultilineBasic ? 0x22 : 0x27;
          if (c === 0x5c && state === State.MultilineBasic) {
            if (p + 1 >= len && !final) break scan;
            p += 2;
            continue;
          }
          if (c !== quote) {
            p++;
            continue;
          }
          let run = 1;
          while (p + run < len && run < 5 && text.charCodeAt(p + run) === quote) run++;
          if (p + run >= len && run < 5 && !final) break scan;
          if (run >= 3) state = State.Normal;
          p += run;
          continue;
        }
      }
    }
    this.carry = p < len ? text.slice(p) : '';
    this.state = state;
    this.depth = depth;
    return boundary < 0 ? -1 : origin + boundary;
  }
}
