/**
 * Strings written in the style of the string they replace: a literal string stays
 * literal and a multi-line string multi-line when the new text can be written so.
 * Anything else is written as the encoder writes strings (`quoteString`).
 */
import { isTerminalControl } from './errors.js';
import { quoteString } from './stringify.js';

/** The quotes a string was written with: `"`, `'`, `"""` or `'''`. */
export function quotesOf(source: string, start: number): string {
  const quote = source[start]!;
  return source[start + 1] === quote && source[start + 2] === quote ? quote.repeat(3) : quote;
}

/**
 * True when `text` can be written between literal quotes: no character the encoder
 * escapes (controls other than tab, bidirectional formatting, separators), no lone
 * surrogate, and no `'` (single-line) or `'''` (multi-line, where newlines may stay).
 */
function fitsLiteral(text: string, multiline: boolean): boolean {
  if (multiline ? text.includes("'''") || text.endsWith("'") : text.includes("'")) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x09 || (multiline && c === 0x0a)) continue;
    if (c === 0x7f || isTerminalControl(c)) return false;
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

/**
 * `text` written with the quotes `quotes` when they can hold it, else as a basic
 * string; `null` for a lone surrogate. A multi-line string keeps a newline after its
 * opening quotes if it had one (`leadingNewline`), and its line breaks are `newline`.
 */
export function styledString(
  text: string,
  quotes: string,
  leadingNewline: boolean,
  newline: string,
): string | null {
  const multiline = quotes.length === 3;
  const opening = (body: string) =>
    leadingNewline || body.startsWith('\n') ? quotes + newline : quotes;
  if (quotes[0] === "'" && fitsLiteral(text, multiline)) {
    return multiline ? `${opening(text)}${text.replaceAll('\n', newline)}${quotes}` : `'${text}'`;
  }
  const basic = quoteString(text);
  if (basic === null || !multiline || !text.includes('\n')) return basic;
  // A multi-line basic string: the encoder's escapes, newlines written as line breaks.
  const body = basic
    .slice(1, -1)
    .replace(/\\(u[0-9A-F]{4}|.)/g, (escape: string, letter: string) =>
      letter === 'n' ? newline : escape,
    );
  return `${opening(text)}${body}"""`;
}
