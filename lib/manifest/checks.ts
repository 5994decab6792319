/**
 * Small parsers for the value formats of the manifest: sizes, cpusets, IP addresses and
 * prefixes, port mappings, paths, capability names, DNS labels, kernel versions and
 * content-addressed references. Each returns a result or an explanation, never throws.
 */

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function allDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isDigitCode(text.charCodeAt(i))) return false;
  return true;
}

function isHexDigit(c: number): boolean {
  return isDigitCode(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** `[a-z0-9]([a-z0-9-]*[a-z0-9])?`, 1–63 characters: a DNS label. */
export function checkDnsLabel(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > 63) return `is ${name.length} characters long (at most 63)`;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const lowerAlnum = isDigitCode(c) || (c >= 0x61 && c <= 0x7a);
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
  if (hasControlCharacter(path)) return 'contains a control character';
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

const CAS_PREFIX = 'cas://sha256:';

/** `cas://sha256:<64 lowercase hex>`; returns the digest `sha256:<hex>` or null. */
export function parseCasReference(text: string): string | null {
  if (!text.startsWith(CAS_PREFIX) || text.length !== CAS_PREFIX.length + 64) return null;
  for (let i = CAS_PREFIX.length; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(isDigitCode(c) || (c >= 0x61 && c <= 0x66))) return null;
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
  const numbers = dash === -1 ? version : version.slice(0, dash);
  const parts = numbers.split('.');
  if (parts.length < 2 || parts.length > 3 || !parts.every(allDigits)) {
    return 'must be MAJOR.MINOR[.PATCH][-suffix] with decimal numbers, e.g. 6.1.15';
  }
  if (dash !== -1) {
    const suffix = version.slice(dash + 1);
    if (suffix.length === 0) return 'has an empty suffix after -';
    for (let i = 0; i < suffix.length; i++) {
      const c = suffix.charCodeAt(i);
      const ok =
        isDigitCode(c) ||
        (c >= 0x41 && c <= 0x5a) ||
        (c >= 0x61 && c <= 0x7a) ||
        c === 0x2e ||
        c === 0x2d ||
        c === 0x5f ||
        c === 0x2b;
      if (!ok) return `has '${suffix[i]}' in its suffix (letters, digits, '.', '_', '+', '-')`;
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
      isDigitCode(c) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x5f ||
      c === 0x2d;
    if (!ok) return `has '${name[i]}' (module names use A-Z, a-z, 0-9, '_' and '-')`;
  }
  return null;
}

/** Free text without control characters. */
export function checkNoControlCharacters(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      return `has the control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at index ${i}`;
    }
  }
  return null;
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
  while (end < text.length && isDigitCode(text.charCodeAt(end))) end++;
  if (end === 0) return "must start with a number (e.g. 512M, 1.5G, 2GiB) or be 'max'";
  if (text.charCodeAt(end) === 0x2e) {
    const fraction = end + 1;
    end = fraction;
    while (end < text.length && isDigitCode(text.charCodeAt(end))) end++;
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
  for (const item of text.split(',')) {
    if (item.length === 0) return 'has an empty entry (check the commas)';
    const dash = item.indexOf('-');
    const first = dash === -1 ? item : item.slice(0, dash);
    const last = dash === -1 ? item : item.slice(dash + 1);
    if (!allDigits(first) || !allDigits(last)) {
      return `has '${item}', which is not a CPU number or a range like 0-3`;
    }
    if (Number(first) > Number(last)) return `has the range ${item}, whose start is after its end`;
  }
  return null;
}

/** Dotted-quad IPv4 without leading zeros. */
export function isIPv4(text: string): boolean {
  let parts = 0;
  let i = 0;
  while (i <= text.length) {
    const start = i;
    let value = 0;
    while (i < text.length && isDigitCode(text.charCodeAt(i)))
      value = value * 10 + text.charCodeAt(i++) - 0x30;
    const digits = i - start;
    if (
      digits === 0 ||
      digits > 3 ||
      value > 255 ||
      (digits > 1 && text.charCodeAt(start) === 0x30)
    )
      return false;
    parts++;
    if (i === text.length) return parts === 4;
    if (text.charCodeAt(i) !== 0x2e || parts === 4) return false;
    i++;
  }
  return false;
}

/** IPv6 text form (RFC 4291), with `::` compression and an optional IPv4 tail; no zone. */
export function isIPv6(text: string): boolean {
  if (text.length < 2) return false;
  const doubleColon = text.indexOf('::');
  if (doubleColon !== -1 && text.indexOf('::', doubleColon + 1) !== -1) return false;
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groups(doubleColon === -1 ? text : text.slice(0, doubleColon));
  const tail = doubleColon === -1 ? [] : groups(text.slice(doubleColon + 2));
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const group = all[i]!;
    if (i === all.length - 1 && group.includes('.')) {
      if (!isIPv4(group)) return false;
      count += 2;
      continue;
    }
    if (group.length === 0 || group.length > 4) return false;
    for (let j = 0; j < group.length; j++) if (!isHexDigit(group.charCodeAt(j))) return false;
    count++;
  }
  return doubleColon === -1 ? count === 8 : count < 8;
}

/** An IPv4 or IPv6 address with an optional `/prefix`. */
export function checkAddress(text: string, allowPrefix: boolean): string | null {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) {
    return `'${address}' is not an IPv4 or IPv6 address`;
  }
  if (slash === -1) return null;
  if (!allowPrefix) return 'cannot have a /prefix';
  const prefix = text.slice(slash + 1);
  const max = v4 ? 32 : 128;
  if (
    !allDigits(prefix) ||
    Number(prefix) > max ||
    (prefix.length > 1 && prefix.charCodeAt(0) === 0x30)
  ) {
    return `has the prefix '/${prefix}' (0 to ${max} for ${v4 ? 'IPv4' : 'IPv6'})`;
  }
  return null;
}

export interface PortMapping {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

function parsePort(text: string, which: string): number | string {
  if (!allDigits(text) || text.length > 5 || (text.length > 1 && text.charCodeAt(0) === 0x30)) {
    return `${which} port '${text}' is not a number from 1 to 65535`;
  }
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : `${which} port ${port} is not from 1 to 65535`;
}

/** `[hostIP:]hostPort:containerPort[/tcp|/udp]`; IPv6 host addresses go in brackets. */
export function parsePortMapping(text: string): PortMapping | string {
  let rest = text;
  let protocol: 'tcp' | 'udp' = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    const name = rest.slice(slash + 1);
    if (name !== 'tcp' && name !== 'udp') return `protocol '${name}' must be tcp or udp`;
    protocol = name;
    rest = rest.slice(0, slash);
  }
  let hostIp = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1 || rest.charCodeAt(close + 1) !== 0x3a) {
      return 'an IPv6 host address must be written as [address]:hostPort:containerPort';
    }
    hostIp = rest.slice(1, close);
    if (!isIPv6(hostIp)) return `'${hostIp}' is not an IPv6 address`;
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (hostIp === '' && parts.length === 3) {
    hostIp = parts.shift()!;
    if (!isIPv4(hostIp)) {
      return isIPv6(hostIp)
        ? `write the IPv6 host address in brackets: [${hostIp}]`
        : `'${hostIp}' is not an IPv4 address`;
    }
  }
  if (parts.length !== 2) return 'must be [hostIP:]hostPort:containerPort[/tcp|/udp]';
  const hostPort = parsePort(parts[0]!, 'host');
  if (typeof hostPort === 'string') return hostPort;
  const containerPort = parsePort(parts[1]!, 'container');
  if (typeof containerPort === 'string') return containerPort;
  return { hostIp, hostPort, containerPort, protocol };
}
