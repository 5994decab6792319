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
  /** Where scanning resumes in the buffer. */
  private pos = 0;

  /**
   * Scans `buffer` from where the last call stopped. Returns the offset just after the
   * last statement-ending newline found (0 if none). With `final`, the whole buffer is
   * scanned (nothing more will come).
   */
  advance(buffer: string, final: boolean): number {
    const len = buffer.length;
    let p = this.pos;
    let state = this.state;
    let depth = this.depth;
    let boundary = 0;
    scan: while (p < len) {
      const c = buffer.charCodeAt(p);
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
              const triple = buffer.charCodeAt(p + 1) === c && buffer.charCodeAt(p + 2) === c;
              if (triple) {
                state = c === 0x22 ? State.MultilineBasic : State.MultilineLiteral;
                p += 3;
                continue;
              }
              if (buffer.charCodeAt(p + 1) === c) {
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
          while (p + run < len && run < 5 && buffer.charCodeAt(p + run) === quote) run++;
          if (p + run >= len && run < 5 && !final) break scan;
          if (run >= 3) state = State.Normal;
          p += run;
          continue;
        }
      }
    }
    this.pos = p;
    this.state = state;
    this.depth = depth;
    return boundary;
  }

  /** The caller removed the first `count` characters of the buffer. */
  shift(count: number): void {
    this.pos -= count;
  }
}
