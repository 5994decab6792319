/**
 * A strict, incremental UTF-8 decoder. It needs no `TextDecoder`, accepts input in
 * chunks split anywhere (even inside a multi-byte sequence) and, on invalid input,
 * stops at the first bad sequence: the text before it is returned and `error` says
 * which byte (by absolute offset) and why.
 */

export interface Utf8Problem {
  /** Offset of the first byte of the invalid sequence, counted over all chunks. */
  byteOffset: number;
  message: string;
}

/** Bytes per sequence by lead byte, 0 for bytes that cannot start a sequence. */
const sequenceLength = new Uint8Array(256);
for (let b = 0; b < 0x80; b++) sequenceLength[b] = 1;
for (let b = 0xc2; b < 0xe0; b++) sequenceLength[b] = 2;
for (let b = 0xe0; b < 0xf0; b++) sequenceLength[b] = 3;
for (let b = 0xf0; b < 0xf5; b++) sequenceLength[b] = 4;

function hex(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The allowed range of the second byte after `lead` (excludes overlongs and surrogates). */
function secondByteOk(lead: number, b: number): boolean {
  switch (lead) {
    case 0xe0:
      return b >= 0xa0 && b <= 0xbf;
    case 0xed:
      return b >= 0x80 && b <= 0x9f;
    case 0xf0:
      return b >= 0x90 && b <= 0xbf;
    case 0xf4:
      return b >= 0x80 && b <= 0x8f;
    default:
      return b >= 0x80 && b <= 0xbf;
  }
}

const CHUNK = 8192;

export class Utf8Decoder {
  /** Bytes of an incomplete sequence at the end of the last chunk. */
  private pending = new Uint8Array(4);
  private pendingLength = 0;
  /** Bytes consumed so far (including pending ones). */
  private consumed = 0;
  private readonly units = new Uint16Array(CHUNK + 2);
  /** The first invalid sequence found; once set, decoding stops. */
  error: Utf8Problem | null = null;

  /**
   * Decodes the next chunk. With `final`, an incomplete sequence at the end is an
   * error. Returns the text decoded (up to the first error, if any).
   */
  decode(bytes: Uint8Array, final: boolean): string {
    if (this.error !== null) return '';
    let input = bytes;
    const base = this.consumed - this.pendingLength;
    if (this.pendingLength > 0) {
      input = new Uint8Array(this.pendingLength + bytes.length);
      input.set(this.pending.subarray(0, this.pendingLength));
      input.set(bytes, this.pendingLength);
      this.pendingLength = 0;
    }
    this.consumed += bytes.length;
    const units = this.units;
    const len = input.length;
    let out = '';
    let n = 0;
    let i = 0;
    while (i < len) {
      if (n >= CHUNK) {
        out += String.fromCharCode.apply(null, units.subarray(0, n) as unknown as number[]);
        n = 0;
      }
      const b = input[i]!;
      if (b < 0x80) {
        units[n++] = b;
        i++;
        continue;
      }
      const need = sequenceLength[b]!;
      if (need === 0) {
        this.error = {
          byteOffset: base + i,
          message:
            b < 0xc0
              ? `invalid UTF-8: unexpected continuation byte ${hex(b)}`
              : `invalid UTF-8: byte ${hex(b)} never appears in UTF-8`,
        };
        break;
      }
      if (i + need > len) {
        // Incomplete at the end of the chunk: check what is there, keep it for later.
        if (!this.prefixValid(input, i, len, base)) break;
        if (final) {
          this.error = {
            byteOffset: base + i,
            message: `invalid UTF-8: truncated ${need}-byte sequence at the end of the input`,
          };
          break;
        }
        this.pending.set(input.subarray(i, len));
        this.pendingLength = len - i;
        i = len;
        break;
      }
      if (!this.prefixValid(input, i, i + need, base)) break;
      let code: number;
      if (need === 2) {
        code = ((b & 0x1f) << 6) | (input[i + 1]! & 0x3f);
      } else if (need === 3) {
        code = ((b & 0x0f) << 12) | ((input[i + 1]! & 0x3f) << 6) | (input[i + 2]! & 0x3f);
      } else {
        code =
          ((b & 0x07) << 18) |
          ((input[i + 1]! & 0x3f) << 12) |
          ((input[i + 2]! & 0x3f) << 6) |
          (input[i + 3]! & 0x3f);
      }
      if (code >= 0x10000) {
        code -= 0x10000;
        units[n++] = 0xd800 + (code >> 10);
        units[n++] = 0xdc00 + (code & 0x3ff);
      } else {
        units[n++] = code;
      }
      i += need;
    }
    if (n > 0) out += String.fromCharCode.apply(null, units.subarray(0, n) as unknown as number[]);
    return out;
  }

  /** Ends the input: an incomplete sequence left over is an error. */
  finish(): string {
    return this.decode(new Uint8Array(0), true);
  }

  /**
   * A chunk that is text already. It ends a character the bytes before it left unfinished
   * (it cannot complete one), and its UTF-8 length counts in the byte offsets of later
   * errors, as if it had come as bytes. Returns the text to take (without the chunk once
   * an error is found).
   */
  takeText(chunk: string): string {
    const before = this.finish();
    if (this.error !== null) return before;
    this.consumed += utf8Length(chunk);
    return before + chunk;
  }

  /** Checks the continuation bytes of the sequence at `i` that lie before `end`. */
  private prefixValid(input: Uint8Array, i: number, end: number, base: number): boolean {
    const lead = input[i]!;
    for (let j = i + 1; j < end; j++) {
      const b = input[j]!;
      const ok = j === i + 1 ? secondByteOk(lead, b) : b >= 0x80 && b <= 0xbf;
      if (!ok) {
        this.error = {
          byteOffset: base + i,
          message: `invalid UTF-8: byte ${hex(lead)} is followed by ${hex(b)}, which cannot continue it`,
        };
        return false;
      }
    }
    return true;
  }
}

/** Decodes a whole byte array. Returns the text before the first error, and the error. */
export function decodeUtf8(bytes: Uint8Array): { text: string; error: Utf8Problem | null } {
  const decoder = new Utf8Decoder();
  const text = decoder.decode(bytes, true);
  return { text, error: decoder.error };
}

/** Number of UTF-8 bytes of a string (a lone surrogate counts as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2;
        i++;
        continue;
      }
      n += 2;
    } else n += 2;
  }
  return n;
}

/**
 * Writes one code point (not a surrogate) as UTF-8 into `out` at `at`, which must have
 * room for four bytes. Returns the offset after the last byte.
 */
export function writeCodePoint(code: number, out: Uint8Array, at: number): number {
  let n = at;
  if (code < 0x80) {
    out[n++] = code;
  } else if (code < 0x800) {
    out[n++] = 0xc0 | (code >> 6);
    out[n++] = 0x80 | (code & 0x3f);
  } else if (code < 0x10000) {
    out[n++] = 0xe0 | (code >> 12);
    out[n++] = 0x80 | ((code >> 6) & 0x3f);
    out[n++] = 0x80 | (code & 0x3f);
  } else {
    out[n++] = 0xf0 | (code >> 18);
    out[n++] = 0x80 | ((code >> 12) & 0x3f);
    out[n++] = 0x80 | ((code >> 6) & 0x3f);
    out[n++] = 0x80 | (code & 0x3f);
  }
  return n;
}

/**
 * Writes `text` as UTF-8 into `out` from `at` (which must have room for
 * `utf8Length(text)` bytes); a lone surrogate becomes U+FFFD, as in `TextEncoder`.
 * Returns the offset after the last byte.
 */
export function writeUtf8(text: string, out: Uint8Array, at = 0): number {
  let n = at;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = text.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    n = writeCodePoint(c, out, n);
  }
  return n;
}
