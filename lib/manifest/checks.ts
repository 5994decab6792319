/**
 * Small parsers for the value formats of the manifest: sizes, cpusets, IP addresses and
 * prefixes, port mappings, paths, capability names, DNS labels, kernel versions and
 * content-addressed references. Each returns a result or an explanation, never throws.
 */
import { isDigit } from '../../lexer/scanner.js';
import { codePointCount } from '../toml/errors.js';
import { didYouMean } from './suggest.js';

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/**
 * A control character (Unicode Cc): C0, DEL, and C1 (U+0080–U+009F), which some
 * terminals and consoles act on as C0 (U+009B is a one-byte CSI).
 */
function isControlCharacter(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/** The index of the first control character in `text`, or -1. */
export function controlCharacterIndex(text: string): number {
  for (let i = 0; i < text.length; i++) if (isControlCharacter(text.charCodeAt(i))) return i;
  return -1;
}

/** `[a-z0-9]([a-z0-9-]*[a-z0-9])?`, 1–63 characters: a DNS label. */
export function checkDnsLabel(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > 63) return `is ${name.length} characters long (at most 63)`;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const lowerAlnum = isDigit(c) || (c >= 0x61 && c <= 0x7a);
    if (lowerAlnum) continue;
    if (c === 0x2d && i > 0 && i < name.length - 1) continue;
    if (c === 0x2d) return `cannot ${i === 0 ? 'start' : 'end'} with '-'`;
    if (c >= 0x41 && c <= 0x5a) return `has an uppercase letter '${name[i]}' (use lowercase)`;
    return `has '${String.fromCodePoint(name.codePointAt(i)!)}', which a DNS label cannot contain (a-z, 0-9 and '-' only)`;
  }
  return null;
}

/** An absolute path with no control characters. */
export function checkAbsolutePath(path: string): string | null {
  if (path.length === 0) return 'is empty';
  if (path.charCodeAt(0) !== 0x2f) return 'is not an absolute path (it must start with /)';
  if (controlCharacterIndex(path) !== -1) return 'contains a control character';
  return null;
}

/** True when a `/`-separated path has a `..` segment. */
export function hasParentSegment(path: string): boolean {
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 0x2f) {
      if (
        i - start === 2 &&
        path.charCodeAt(start) === 0x2e &&
        path.charCodeAt(start + 1) === 0x2e
      ) {
        return true;
      }
      start = i + 1;
    }
  }
  return false;
}

/**
 * The path with its empty and `.` segments dropped, so that one directory has one
 * spelling: `/data/./x//` is `/data/x` and `/.` is `/`. A `..` segment stays as written:
 * such paths are rejected (hasParentSegment), and resolving `..` without the filesystem
 * is wrong once a symlink is involved.
 */
export function normalizePath(path: string): string {
  if (isNormalPath(path)) return path;
  const absolute = path.charCodeAt(0) === 0x2f;
  let out = '';
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 0x2f) {
      if (!isDroppedSegment(path, start, i)) {
        out += out === '' && !absolute ? path.slice(start, i) : `/${path.slice(start, i)}`;
      }
      start = i + 1;
    }
  }
  return out === '' && absolute ? '/' : out;
}

/** An empty or `.` segment `path[start, end)`. */
function isDroppedSegment(path: string, start: number, end: number): boolean {
  return end === start || (end - start === 1 && path.charCodeAt(start) === 0x2e);
}

/** True when normalizePath has nothing to drop, as for nearly every path written. */
function isNormalPath(path: string): boolean {
  if (path === '/') return true;
  // An absolute path's leading / opens its first segment, it does not end an empty one.
  let start = path.charCodeAt(0) === 0x2f ? 1 : 0;
  for (let i = start; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 0x2f) {
      if (isDroppedSegment(path, start, i)) return false;
      start = i + 1;
    }
  }
  return true;
}

const CAS_PREFIX = 'cas://sha256:';

/** `cas://sha256:<64 lowercase hex>`; returns the digest `sha256:<hex>` or null. */
export function parseCasReference(text: string): string | null {
  if (!text.startsWith(CAS_PREFIX) || text.length !== CAS_PREFIX.length + 64) return null;
  for (let i = CAS_PREFIX.length; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(isDigit(c) || (c >= 0x61 && c <= 0x66))) return null;
  }
  return text.slice('cas://'.length);
}

/** Why a `cas://` reference is malformed (for messages). */
export function explainCasReference(text: string): string {
  if (!text.startsWith(CAS_PREFIX))
    return "a content-addressed reference must start with 'cas://sha256:'";
  const hex = text.slice(CAS_PREFIX.length);
  if (hex.length !== 64) return `the digest has ${hex.length} hex digits (a SHA-256 digest has 64)`;
  return 'the digest must be lowercase hexadecimal';
}

/** `MAJOR.MINOR[.PATCH][-suffix]`. */
export function checkKernelVersion(version: string): string | null {
  const dash = version.indexOf('-');
  const numbersEnd = dash === -1 ? version.length : dash;
  let parts = 0;
  let digits = 0;
  for (let i = 0; i <= numbersEnd; i++) {
    if (i === numbersEnd || version.charCodeAt(i) === 0x2e) {
      if (digits === 0) parts = 99;
      parts++;
      digits = 0;
    } else if (isDigit(version.charCodeAt(i))) digits++;
    else parts = 99;
  }
  if (parts < 2 || parts > 3) {
    return 'must be MAJOR.MINOR[.PATCH][-suffix] with decimal numbers, e.g. 6.1.15';
  }
  if (dash !== -1) {
    if (dash === version.length - 1) return 'has an empty suffix after -';
    for (let i = dash + 1; i < version.length; i++) {
      const c = version.charCodeAt(i);
      const ok =
        isDigit(c) ||
        (c >= 0x41 && c <= 0x5a) ||
        (c >= 0x61 && c <= 0x7a) ||
        c === 0x2e ||
        c === 0x2d ||
        c === 0x5f ||
        c === 0x2b;
      if (!ok) return `has '${version[i]}' in its suffix (letters, digits, '.', '_', '+', '-')`;
    }
  }
  return null;
}

/** A kernel module name: `[A-Za-z0-9_-]+`. */
export function checkModuleName(name: string): string | null {
  if (name.length === 0) return 'is empty';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok =
      isDigit(c) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x5f ||
      c === 0x2d;
    if (!ok) return `has '${name[i]}' (module names use A-Z, a-z, 0-9, '_' and '-')`;
  }
  return null;
}

/** `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`: how messages count items, from 1. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/**
 * Free text without control characters. The first one is named by its place in the text,
 * counted from 1 in characters (code points, as columns are), not by a 0-based index.
 */
export function checkNoControlCharacters(text: string): string | null {
  const i = controlCharacterIndex(text);
  if (i === -1) return null;
  const hex = text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `has the control character U+${hex} as its ${ordinal(codePointCount(text, 0, i) + 1)} character`;
}

/** The 41 Linux capabilities of capabilities(7), in kernel order. */
export const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

const CAPABILITY_SET: ReadonlySet<string> = new Set(CAPABILITIES);

export function isCapability(name: string): boolean {
  return CAPABILITY_SET.has(name);
}

const UNITS = 'KMGT';

/**
 * A size: a decimal number (fraction allowed) with an optional unit `K`, `M`, `G` or `T`
 * (binary multiples) and an optional `i`, `iB` or `B` after it, or `max`. Returns bytes
 * (`Infinity` for `max`) or an explanation.
 */
export function parseSize(text: string): number | string {
  if (text === 'max') return Infinity;
  let end = 0;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  if (end === 0) {
    return `must start with a number (e.g. 512M, 1.5G, 2GiB) or be 'max'${didYouMean(text, ['max'])}`;
  }
  if (text.charCodeAt(end) === 0x2e) {
    const fraction = end + 1;
    end = fraction;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    if (end === fraction) return 'needs digits after the decimal point';
  }
  const amount = Number(text.slice(0, end));
  let unit = text.slice(end);
  let multiplier = 1;
  const power = UNITS.indexOf(unit.charAt(0));
  if (unit.length > 0 && power !== -1) {
    multiplier = 1024 ** (power + 1);
    unit = unit.slice(1);
    if (unit !== '' && unit !== 'i' && unit !== 'iB' && unit !== 'B') {
      return `has an unknown suffix '${unit}' after ${text[end]} (use ${text[end]}, ${text[end]}i, ${text[end]}iB or ${text[end]}B)`;
    }
  } else if (unit !== '' && unit !== 'B') {
    const lower = UNITS.toLowerCase().indexOf(unit.charAt(0));
    return lower !== -1
      ? `unit '${unit}' must be uppercase: ${unit.charAt(0).toUpperCase()}${unit.slice(1)}`
      : `has an unknown unit '${unit}' (K, M, G or T, binary multiples)`;
  }
  const bytes = amount * multiplier;
  if (!Number.isInteger(bytes)) return `is ${bytes} bytes, not a whole number of bytes`;
  if (bytes > Number.MAX_SAFE_INTEGER) return 'is too large (at most 8 PiB)';
  return bytes;
}

/** A cpuset list `0-3,8,10-11`; returns null or an explanation. */
export function checkCpuset(text: string): string | null {
  if (text.length === 0) return 'is empty';
  let itemStart = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && text.charCodeAt(i) !== 0x2c) continue;
    if (i === itemStart) return 'has an empty entry (check the commas)';
    const dash = text.indexOf('-', itemStart);
    const split = dash === -1 || dash > i ? i : dash;
    const first = numberAt(text, itemStart, split);
    const last = split === i ? first : numberAt(text, split + 1, i);
    const item = text.slice(itemStart, i);
    if (first < 0 || last < 0)
      return `has '${item}', which is not a CPU number or a range like 0-3`;
    if (first > last) return `has the range ${item}, whose start is after its end`;
    itemStart = i + 1;
  }
  return null;
}

/** The decimal number `text[start, end)`, or -1 when it is empty or not all digits. */
function numberAt(text: string, start: number, end: number): number {
  if (end <= start) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    value = value * 10 + c - 0x30;
  }
  return value;
}

/** Dotted-quad IPv4 without leading zeros, in `text[start, end)`. */
export function isIPv4(text: string, start = 0, end = text.length): boolean {
  let parts = 0;
  let i = start;
  for (;;) {
    const first = i;
    let value = 0;
    while (i < end && isDigit(text.charCodeAt(i))) value = value * 10 + text.charCodeAt(i++) - 0x30;
    const digits = i - first;
    if (
      digits === 0 ||
      digits > 3 ||
      value > 255 ||
      (digits > 1 && text.charCodeAt(first) === 0x30)
    ) {
      return false;
    }
    parts++;
    if (i === end) return parts === 4;
    if (text.charCodeAt(i) !== 0x2e || parts === 4) return false;
    i++;
  }
}

/**
 * IPv6 text form (RFC 4291) in `text[start, end)`: up to eight groups of 1–4 hex digits,
 * one `::` for a run of zero groups, an optional IPv4 tail (two groups); no zone.
 */
export function isIPv6(text: string, start = 0, end = text.length): boolean {
  if (end - start < 2) return false;
  let groups = 0;
  let compressed = false;
  let i = start;
  if (text.charCodeAt(i) === 0x3a) {
    if (text.charCodeAt(i + 1) !== 0x3a) return false;
    compressed = true;
    i += 2;
    if (i === end) return true;
  }
  for (;;) {
    const first = i;
    while (i < end && i - first < 5 && isHexDigit(text.charCodeAt(i))) i++;
    if (i < end && text.charCodeAt(i) === 0x2e) {
      // An IPv4 tail ends the address and counts as two groups.
      if (!isIPv4(text, first, end)) return false;
      groups += 2;
      break;
    }
    const digits = i - first;
    if (digits === 0 || digits > 4) return false;
    groups++;
    if (i === end) break;
    if (text.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (text.charCodeAt(i) === 0x3a) {
      if (compressed) return false;
      compressed = true;
      i++;
      if (i === end) break;
    } else if (i === end) return false;
  }
  return compressed ? groups < 8 : groups === 8;
}

/**
 * A valid IPv4 or IPv6 address (as `isIPv4`/`isIPv6` accept them) in one spelling per
 * address: IPv4 numbers without leading zeros, IPv6 as eight hexadecimal groups without
 * leading zeros (an IPv4 tail as its two groups), an IPv4-mapped one (`::ffff:1.2.3.4`)
 * as its IPv4 address. An unspecified address (`''`, `0.0.0.0`, `::`, `::ffff:0.0.0.0`) is
 * `''`: it stands for every address of the host.
 */
export function canonicalHostAddress(address: string): string {
  if (address === '') return '';
  if (!address.includes(':')) {
    const numbers = address.split('.').map(Number);
    return numbers.every((n) => n === 0) ? '' : numbers.join('.');
  }
  const groupsOf = (part: string): number[] => {
    const groups: number[] = [];
    for (const group of part.split(':')) {
      if (group === '') continue;
      if (group.includes('.')) {
        const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
        groups.push(a * 256 + b, c * 256 + d);
      } else groups.push(parseInt(group, 16));
    }
    return groups;
  };
  const gap = address.indexOf('::');
  const head = groupsOf(gap === -1 ? address : address.slice(0, gap));
  const tail = gap === -1 ? [] : groupsOf(address.slice(gap + 2));
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  // An IPv4-mapped address (::ffff:a.b.c.d) binds the IPv4 address itself.
  if (groups[5] === 0xffff && groups.slice(0, 5).every((n) => n === 0)) {
    const [high, low] = [groups[6]!, groups[7]!];
    return canonicalHostAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return groups.every((n) => n === 0) ? '' : groups.map((n) => n.toString(16)).join(':');
}

/** An IPv4 or IPv6 address with an optional `/prefix`. */
export function checkAddress(text: string, allowPrefix: boolean): string | null {
  const slash = text.indexOf('/');
  const end = slash === -1 ? text.length : slash;
  const v4 = isIPv4(text, 0, end);
  if (!v4 && !isIPv6(text, 0, end)) {
    return `'${text.slice(0, end)}' is not an IPv4 or IPv6 address`;
  }
  if (slash === -1) return null;
  if (!allowPrefix) return 'cannot have a /prefix';
  const max = v4 ? 32 : 128;
  const prefix = numberAt(text, slash + 1, text.length);
  if (
    prefix < 0 ||
    prefix > max ||
    (text.length - slash > 2 && text.charCodeAt(slash + 1) === 0x30)
  ) {
    return `has the prefix '${text.slice(slash)}' (0 to ${max} for ${v4 ? 'IPv4' : 'IPv6'})`;
  }
  return null;
}

export interface PortMapping {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

/** A port 1–65535 in `text[start, end)`, without leading zeros; or an explanation. */
function portAt(text: string, start: number, end: number, which: string): number | string {
  const leadingZero = end - start > 1 && text.charCodeAt(start) === 0x30;
  const port = end - start > 5 || leadingZero ? -1 : numberAt(text, start, end);
  if (port < 0) return `${which} port '${text.slice(start, end)}' is not a number from 1 to 65535`;
  return port >= 1 && port <= 65535 ? port : `${which} port ${port} is not from 1 to 65535`;
}

/** `[hostIP:]hostPort:containerPort[/tcp|/udp]`; IPv6 host addresses go in brackets. */
export function parsePortMapping(text: string): PortMapping | string {
  let end = text.length;
  let protocol: 'tcp' | 'udp' = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash !== -1) {
    if (text.startsWith('udp', slash + 1) && slash + 4 === end) protocol = 'udp';
    else if (!(text.startsWith('tcp', slash + 1) && slash + 4 === end)) {
      const protocolText = text.slice(slash + 1);
      return `protocol '${protocolText}' must be tcp or udp${didYouMean(protocolText, ['tcp', 'udp'])}`;
    }
    end = slash;
  }
  let hostIp = '';
  let from = 0;
  if (text.charCodeAt(0) === 0x5b) {
    const close = text.indexOf(']');
    if (close === -1 || close > end || text.charCodeAt(close + 1) !== 0x3a) {
      return 'an IPv6 host address must be written as [address]:hostPort:containerPort';
    }
    if (!isIPv6(text, 1, close)) return `'${text.slice(1, close)}' is not an IPv6 address`;
    hostIp = text.slice(1, close);
    from = close + 2;
  }
  const last = text.lastIndexOf(':', end - 1);
  const middle = last <= from ? -1 : text.lastIndexOf(':', last - 1);
  if (last < from) return 'must be [hostIP:]hostPort:containerPort[/tcp|/udp]';
  if (middle >= from) {
    if (hostIp !== '') return 'must be [hostIP:]hostPort:containerPort[/tcp|/udp]';
    if (!isIPv4(text, from, middle)) {
      const host = text.slice(from, middle);
      return isIPv6(host)
        ? `write the IPv6 host address in brackets: [${host}]`
        : `'${host}' is not an IPv4 address`;
    }
    hostIp = text.slice(from, middle);
    from = middle + 1;
  }
  const hostPort = portAt(text, from, last, 'host');
  if (typeof hostPort === 'string') return hostPort;
  const containerPort = portAt(text, last + 1, end, 'container');
  if (typeof containerPort === 'string') return containerPort;
  return { hostIp, hostPort, containerPort, protocol };
}
