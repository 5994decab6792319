/**
 * SHA-256 (FIPS 180-4) in plain JavaScript, so the core needs no `crypto` module.
 */
import { utf8Length } from '../../lexer/utf8.js';
import { stringToUtf8 } from '../toml/utf8-text.js';

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Message schedule, reused by every call (hashing is synchronous). */
const W = new Int32Array(64);

/**
 * The buffer messages are padded in, reused by every call (hashing is synchronous): a new
 * typed array per message took a sixth of the profile of encoding and hashing the
 * manifest set, besides the collector's work. One bigger than `KEPT_PADDED` is not kept.
 */
let padBuffer: Uint8Array = new Uint8Array(4096);
/** `padBuffer` as a DataView: it reads a big-endian word in one load. */
let padView = new DataView(padBuffer.buffer);
const KEPT_PADDED = 65536;

/** The buffer `pad` wrote the last message into. */
let message: Uint8Array = padBuffer;

/**
 * Writes the message followed by SHA-256 padding (0x80, zeros, the 64-bit bit length)
 * into `message` (a string as UTF-8) and returns the padded length.
 */
function pad(data: Uint8Array | string): number {
  let length = data.length;
  let out = bufferFor(length);
  if (typeof data === 'string') {
    // Room for a byte a character first (the usual case); the exact length otherwise.
    let written = stringToUtf8(data, out);
    if (written < 0 || paddedSize(written) > out.length) {
      out = bufferFor(utf8Length(data));
      written = stringToUtf8(data, out);
    }
    length = written;
  } else {
    out.set(data);
  }
  const end = paddedSize(length);
  out[length] = 0x80;
  out.fill(0, length + 1, end - 8);
  const bits = length * 8;
  const high = Math.floor(bits / 0x100000000);
  out[end - 8] = high >>> 24;
  out[end - 7] = high >>> 16;
  out[end - 6] = high >>> 8;
  out[end - 5] = high;
  out[end - 4] = bits >>> 24;
  out[end - 3] = bits >>> 16;
  out[end - 2] = bits >>> 8;
  out[end - 1] = bits;
  message = out;
  return end;
}

/** A buffer with room for a padded message of `length` bytes. */
function bufferFor(length: number): Uint8Array {
  const size = paddedSize(length);
  if (size <= padBuffer.length) return padBuffer;
  const buffer = new Uint8Array(size);
  if (size <= KEPT_PADDED) {
    padBuffer = buffer;
    padView = new DataView(buffer.buffer);
  }
  return buffer;
}

/** Bytes of a message of `length` bytes once padded: a multiple of 64. */
function paddedSize(length: number): number {
  return (((length + 8) >> 6) + 1) << 6;
}

/**
 * One 64-byte block of `m` at `at` into the state `h`. The rounds are unrolled by eight
 * with the working variables renamed instead of shifted: the same arithmetic as the
 * textbook loop, about a third fewer instructions.
 */
function compress(h: Int32Array, m: DataView, at: number): void {
  const w = W;
  for (let i = 0, j = at; i < 16; i++, j += 4) w[i] = m.getInt32(j);
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let k = h[7]!;
  let t: number;
  for (let i = 0; i < 64; i += 8) {
    t =
      (k +
        (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
        ((e & f) ^ (~e & g)) +
        K[i + 0]! +
        w[i + 0]!) |
      0;
    d = (d + t) | 0;
    k =
      (t +
        (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
        ((a & b) ^ (a & c) ^ (b & c))) |
      0;
    t =
      (g +
        (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) +
        ((d & e) ^ (~d & f)) +
        K[i + 1]! +
        w[i + 1]!) |
      0;
    c = (c + t) | 0;
    g =
      (t +
        (((k >>> 2) | (k << 30)) ^ ((k >>> 13) | (k << 19)) ^ ((k >>> 22) | (k << 10))) +
        ((k & a) ^ (k & b) ^ (a & b))) |
      0;
    t =
      (f +
        (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) +
        ((c & d) ^ (~c & e)) +
        K[i + 2]! +
        w[i + 2]!) |
      0;
    b = (b + t) | 0;
    f =
      (t +
        (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) +
        ((g & k) ^ (g & a) ^ (k & a))) |
      0;
    t =
      (e +
        (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) +
        ((b & c) ^ (~b & d)) +
        K[i + 3]! +
        w[i + 3]!) |
      0;
    a = (a + t) | 0;
    e =
      (t +
        (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) +
        ((f & g) ^ (f & k) ^ (g & k))) |
      0;
    t =
      (d +
        (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) +
        ((a & b) ^ (~a & c)) +
        K[i + 4]! +
        w[i + 4]!) |
      0;
    k = (k + t) | 0;
    d =
      (t +
        (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) +
        ((e & f) ^ (e & g) ^ (f & g))) |
      0;
    t =
      (c +
        (((k >>> 6) | (k << 26)) ^ ((k >>> 11) | (k << 21)) ^ ((k >>> 25) | (k << 7))) +
        ((k & a) ^ (~k & b)) +
        K[i + 5]! +
        w[i + 5]!) |
      0;
    g = (g + t) | 0;
    c =
      (t +
        (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) +
        ((d & e) ^ (d & f) ^ (e & f))) |
      0;
    t =
      (b +
        (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) +
        ((g & k) ^ (~g & a)) +
        K[i + 6]! +
        w[i + 6]!) |
      0;
    f = (f + t) | 0;
    b =
      (t +
        (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) +
        ((c & d) ^ (c & e) ^ (d & e))) |
      0;
    t =
      (a +
        (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) +
        ((f & g) ^ (~f & k)) +
        K[i + 7]! +
        w[i + 7]!) |
      0;
    e = (e + t) | 0;
    a =
      (t +
        (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) +
        ((b & c) ^ (b & d) ^ (c & d))) |
      0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + k) | 0;
}

const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** The hash state, reused by every call (hashing is synchronous). */
const STATE = new Int32Array(8);

/** The state after hashing `data` (valid until the next call). */
function digestState(data: Uint8Array | string): Int32Array {
  const end = pad(data);
  const m = message === padBuffer ? padView : new DataView(message.buffer);
  const h = STATE;
  h.set(INITIAL);
  for (let at = 0; at < end; at += 64) compress(h, m, at);
  return h;
}

/** The SHA-256 digest of `data` (a string is hashed as UTF-8). */
export function sha256(data: Uint8Array | string): Uint8Array {
  const h = digestState(data);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = h[i]!;
    out[i * 4] = word >>> 24;
    out[i * 4 + 1] = word >>> 16;
    out[i * 4 + 2] = word >>> 8;
    out[i * 4 + 3] = word;
  }
  return out;
}

/**
 * Character codes of a hex digest, reused (hashing is synchronous). A plain array:
 * `String.fromCharCode` takes one several times faster than a typed array.
 */
const HEX_CODES = new Array<number>(64).fill(0);

/** `sha256(data)` as lowercase hex. */
export function sha256Hex(data: Uint8Array | string): string {
  const h = digestState(data);
  for (let i = 0; i < 8; i++) {
    const word = h[i]!;
    for (let j = 0; j < 8; j++) {
      const digit = (word >>> (28 - j * 4)) & 15;
      HEX_CODES[i * 8 + j] = digit < 10 ? 0x30 + digit : 0x57 + digit;
    }
  }
  return String.fromCharCode.apply(null, HEX_CODES);
}
