/**
 * JSON-RPC 2.0 with the Language Server Protocol's framing: a header block of
 * `Name: value` lines ending in an empty line (`\r\n\r\n`), of which `Content-Length`
 * (the body's length in bytes) is required, then the body, UTF-8 JSON.
 */

export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  ServerNotInitialized: -32002,
  RequestFailed: -32803,
  RequestCancelled: -32800,
} as const;

export type MessageId = number | string | null;

/** What the reader made of the bytes: a parsed message, or why a frame was refused. */
export type Frame =
  { kind: 'message'; value: unknown } | { kind: 'error'; code: number; message: string };

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^content-length$/i;

/** A body larger than this is refused unread (the issue asks for 10 MB documents). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Cuts a byte stream into messages. A frame whose header cannot be read is reported and
 * skipped up to the next `Content-Length:` header, so that one bad frame does not end
 * the session; a body that is not JSON is reported and skipped (its length is known).
 */
export class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** The body length of the frame whose header was read, or -1 while reading a header. */
  private bodyLength = -1;
  /** The stream offset of `buffer[0]`, for saying where a bad frame is. */
  private offset = 0;
  /**
   * Chunks that came after `buffer` while its body is not complete, joined once it is: a
   * large body comes in many pipe reads, and joining at each one copied the body over and
   * over (0.8 GB for a 10 MB document in 64 KiB reads).
   */
  private waiting: Buffer[] = [];
  private waitingBytes = 0;

  /** Drops the first `count` bytes of the buffer. */
  private consume(count: number): void {
    this.buffer = this.buffer.subarray(count);
    this.offset += count;
  }

  push(chunk: Uint8Array): Frame[] {
    const bytes = Buffer.from(chunk);
    if (
      this.bodyLength !== -1 &&
      this.buffer.length + this.waitingBytes + bytes.length < this.bodyLength
    ) {
      this.waiting.push(bytes);
      this.waitingBytes += bytes.length;
      return [];
    }
    this.buffer =
      this.buffer.length === 0 && this.waiting.length === 0
        ? bytes
        : Buffer.concat([this.buffer, ...this.waiting, bytes]);
    this.waiting = [];
    this.waitingBytes = 0;
    const frames: Frame[] = [];
    for (;;) {
      if (this.bodyLength === -1) {
        const end = this.buffer.indexOf(HEADER_END);
        if (end === -1) {
          // A header block this long is not one: drop it, keep looking for the next.
          if (this.buffer.length > 64 * 1024) {
            frames.push(headerError(this.offset, 'a header block longer than 64 KiB'));
            this.skipToNextHeader(1);
          }
          return frames;
        }
        const header = this.buffer.subarray(0, end).toString('latin1');
        const length = contentLength(header);
        if (typeof length === 'string') {
          frames.push(headerError(this.offset, length));
          this.skipToNextHeader(end + HEADER_END.length);
          continue;
        }
        this.consume(end + HEADER_END.length);
        this.bodyLength = length;
      }
      if (this.buffer.length < this.bodyLength) return frames;
      const body = this.buffer.subarray(0, this.bodyLength).toString('utf8');
      const at = this.offset;
      this.consume(this.bodyLength);
      this.bodyLength = -1;
      try {
        frames.push({ kind: 'message', value: JSON.parse(body) });
      } catch (error) {
        frames.push({
          kind: 'error',
          code: ErrorCodes.ParseError,
          message: `the message body at byte ${at} is not JSON: ${(error as Error).message}`,
        });
      }
    }
  }

  /** Drops bytes up to the next `Content-Length` header at or after `from`. */
  private skipToNextHeader(from: number): void {
    const next = this.buffer
      .subarray(from)
      .toString('latin1')
      .search(/content-length\s*:/i);
    this.consume(next === -1 ? this.buffer.length : from + next);
  }
}

/** A bad header at stream offset `at` (bytes from the start of the input). */
function headerError(at: number, what: string): Frame {
  return {
    kind: 'error',
    code: ErrorCodes.ParseError,
    message: `bad message header at byte ${at}: ${what}`,
  };
}

/** The body length a header block gives, or what is wrong with it. */
function contentLength(header: string): number | string {
  let length: number | string = 'no Content-Length header';
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) return `'${line.slice(0, 80)}' is not a 'Name: value' header line`;
    if (!CONTENT_LENGTH.test(line.slice(0, colon).trim())) continue;
    const value = line.slice(colon + 1).trim();
    if (!/^[0-9]{1,10}$/.test(value))
      return `Content-Length '${value.slice(0, 80)}' is not a byte count`;
    length = Number(value);
    if (length > MAX_BODY_BYTES)
      return `Content-Length ${value} is over the limit of ${MAX_BODY_BYTES} bytes`;
  }
  return length;
}

/** The frame of a message: its header and its UTF-8 JSON body. */
export function encodeMessage(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** An error a request handler throws to answer with that code and message. */
export class ResponseError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
