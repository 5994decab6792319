/**
 * UTF-8 bytes to a string, for the encoder, which writes its output as UTF-8, and for the
 * reader given bytes; and a string to UTF-8 bytes, for hashing.
 *
 * Where the platform has a `TextDecoder` (browsers, Node, Deno, workers), one native call
 * does it (UTF-8 rather than UTF-16 because engines decode ASCII-heavy UTF-8 fastest:
 * measured 2.2× faster than UTF-16LE on Node 20). Elsewhere (QuickJS) the reader's own
 * UTF-8 decoder does: slower, but the same text. The same goes for `TextEncoder` the
 * other way.
 */
import { type Utf8Problem, decodeUtf8, utf8Length, writeUtf8 } from '../../lexer/utf8.js';

export interface Utf8TextDecoder {
  decode(input: Uint8Array): string;
}

/**
 * A UTF-8 decoder made with `Decoder` (the platform's `TextDecoder`, looked up rather
 * than required), or `null` when there is none or it cannot be made. A `fatal` one
 * throws at invalid input instead of putting U+FFFD in.
 */
export function utf8Decoder(
  Decoder: unknown = (globalThis as { TextDecoder?: unknown }).TextDecoder,
  fatal = false,
): Utf8TextDecoder | null {
  if (typeof Decoder !== 'function') return null;
  try {
    const make = Decoder as new (label: string, options: object) => Utf8TextDecoder;
    return new make('utf-8', { ignoreBOM: true, fatal });
  } catch {
    return null;
  }
}

// Made at load, so a bundle keeps the calls unless they are marked free of side effects:
// a bundle of `parse` alone then leaves out the encoder and the lenient decoder.
const platformDecoder = /* @__PURE__ */ utf8Decoder();
const strictPlatformDecoder = /* @__PURE__ */ utf8Decoder(undefined, true);

/**
 * Bytes as strict UTF-8, as `decodeUtf8` does it: the text before the first invalid
 * sequence, and the problem. Valid input takes one native call where the platform has a
 * decoder (the 10,000 manifests of the benchmark: 2 ms against 56 ms for the portable
 * decoder); invalid input is decoded again by the portable decoder, which says where
 * and why. `null` takes the portable path (tests compare the two).
 */
export function decodeStrictUtf8(
  bytes: Uint8Array,
  decoder: Utf8TextDecoder | null = strictPlatformDecoder,
): { text: string; error: Utf8Problem | null } {
  if (decoder !== null) {
    try {
      return { text: decoder.decode(bytes), error: null };
    } catch {
      // Invalid: the portable decoder finds the first bad sequence.
    }
  }
  return decodeUtf8(bytes);
}

/**
 * The first `length` bytes of `bytes` (well-formed UTF-8) as a flat string. `decoder` is
 * the platform's by default; `null` takes the portable path (tests compare the two).
 */
export function bytesToString(
  bytes: Uint8Array,
  length: number,
  decoder: Utf8TextDecoder | null = platformDecoder,
): string {
  if (decoder !== null) return decoder.decode(bytes.subarray(0, length));
  const { text } = decodeUtf8(bytes.subarray(0, length));
  // Reading a character flattens the decoder's pieces into one string.
  text.charCodeAt(0);
  return text;
}

export interface Utf8TextEncoder {
  encodeInto(text: string, out: Uint8Array): { read: number; written: number };
}

/**
 * A UTF-8 encoder made with `Encoder` (the platform's `TextEncoder`, looked up rather
 * than required), or `null` when there is none or it cannot be made.
 */
export function utf8Encoder(
  Encoder: unknown = (globalThis as { TextEncoder?: unknown }).TextEncoder,
): Utf8TextEncoder | null {
  if (typeof Encoder !== 'function') return null;
  try {
    return new (Encoder as new () => Utf8TextEncoder)();
  } catch {
    return null;
  }
}

const platformEncoder = /* @__PURE__ */ utf8Encoder();

/**
 * Writes `text` as UTF-8 (a lone surrogate as U+FFFD) at the start of `out` and returns
 * the number of bytes, or -1 when they do not fit (`out` then holds nothing of use).
 * `encoder` is the platform's by default; `null` takes the portable path (tests compare
 * the two). Copying a string to bytes with a loop of `charCodeAt` cost 18 ms over the
 * 7.4 MB of the benchmark's manifest encodings; `encodeInto` 1.3 ms.
 */
export function stringToUtf8(
  text: string,
  out: Uint8Array,
  encoder: Utf8TextEncoder | null = platformEncoder,
): number {
  if (encoder !== null) {
    const { read, written } = encoder.encodeInto(text, out);
    return read === text.length ? written : -1;
  }
  // At least a byte per character: a quick refusal before counting.
  if (text.length > out.length || utf8Length(text) > out.length) return -1;
  return writeUtf8(text, out);
}
