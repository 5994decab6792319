/**
 * Deterministic benchmark data: a set of realistic Volt manifests and a large mixed
 * document that uses every TOML value kind and syntax form.
 */
import { Random } from './random.js';

const MODES = ['container', 'hybrid-native', 'hybrid-kvm', 'hybrid-emulated'] as const;
const WORDS = [
  'api',
  'web',
  'worker',
  'cache',
  'queue',
  'auth',
  'billing',
  'search',
  'media',
  'edge',
  'ingest',
  'report',
  'mail',
  'sync',
  'proxy',
  'db',
  'metrics',
  'log',
  'cron',
  'gateway',
];
const CAPS = [
  'CAP_NET_BIND_SERVICE',
  'CAP_CHOWN',
  'CAP_SETUID',
  'CAP_SETGID',
  'CAP_NET_RAW',
  'CAP_SYS_TIME',
];
const MODULES = ['virtio_net', 'virtio_blk', 'overlay', 'br_netfilter', 'nf_conntrack'];

function hex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdef'[random.int(0, 15)];
  return out;
}

/** One realistic manifest (valid against the manifest model). */
export function manifest(random: Random, index: number): string {
  const mode = random.pick(MODES);
  const name = `${random.pick(WORDS)}-${random.pick(WORDS)}-${index}`;
  const lines: string[] = [];
  if (random.chance(0.2)) lines.push(`extends = "../base/${random.pick(WORDS)}.toml"`, '');
  lines.push('[workload]', `name = "${name}"`, `mode = "${mode}"`);
  const cas = random.chance(0.3);
  if (!cas || random.chance(0.5)) {
    lines.push(
      `image = "registry.example.com/${random.pick(WORDS)}/${name}:${random.int(1, 9)}.${random.int(0, 20)}.${random.int(0, 99)}"`,
    );
  }
  if (random.chance(0.6))
    lines.push(
      `description = "The ${random.pick(WORDS)} service for team ${random.pick(WORDS)} (#${index})"`,
    );
  if (mode !== 'container' || random.chance(0.05)) {
    lines.push('', '[kernel]', `version = "6.${random.int(1, 12)}.${random.int(0, 40)}"`);
    if (mode === 'hybrid-native' || mode === 'hybrid-kvm')
      lines.push(`path = "/var/lib/volt/kernels/vmlinuz-6.${random.int(1, 12)}"`);
    if (random.chance(0.5)) {
      lines.push(
        `modules = [${Array.from({ length: random.int(1, 3) }, (_, i) => `"${MODULES[(index + i) % MODULES.length]}"`).join(', ')}]`,
      );
    }
    if (random.chance(0.4))
      lines.push(`cmdline = "console=ttyS0 quiet loglevel=${random.int(0, 7)}"`);
  }
  lines.push(
    '',
    '[security]',
    `landlock_profile = "${random.pick(['strict', 'default', 'permissive'])}"`,
  );
  lines.push(`seccomp_profile = "${random.pick(['default', 'strict'])}"`);
  if (random.chance(0.6)) {
    const caps = new Set<string>();
    for (let i = random.int(1, 3); i > 0; i--) caps.add(random.pick(CAPS));
    lines.push(`capabilities = [${[...caps].map((c) => `"${c}"`).join(', ')}]`);
  }
  lines.push(`read_only_rootfs = ${random.chance(0.5)}`);
  lines.push('', '[resources]');
  const limit = random.int(1, 16);
  lines.push(`memory_limit = "${limit}G"`);
  if (random.chance(0.5)) lines.push(`memory_soft = "${random.int(256, limit * 1024 - 1)}M"`);
  lines.push(`cpu_weight = ${random.int(1, 10000)}`);
  if (random.chance(0.5)) lines.push(`cpu_set = "0-${random.int(1, 7)}"`);
  if (random.chance(0.5)) lines.push(`io_weight = ${random.int(1, 10000)}`);
  lines.push(`pids_max = ${random.int(64, 65536)}`);
  const netMode = random.pick(['bridge', 'bridge', 'custom', 'host', 'none'] as const);
  lines.push('', '[network]', `mode = "${netMode}"`);
  if (netMode === 'bridge' || netMode === 'custom') {
    lines.push(
      `address = "10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(2, 254)}/24"`,
    );
    lines.push(`dns = ["10.0.0.2", "2001:db8::53"]`);
    const base = random.int(1024, 60000);
    lines.push(`ports = ["${base}:80/tcp", "${base + 1}:443", "127.0.0.1:${base + 2}:9090/udp"]`);
  }
  lines.push('', '[storage]');
  if (cas) lines.push(`rootfs = "cas://sha256:${hex(random, 64)}"`);
  else if (random.chance(0.3)) lines.push(`rootfs = "/var/lib/volt/rootfs/${name}"`);
  lines.push(`writable_layer = "${random.pick(['overlay', 'tmpfs', 'none'])}"`);
  for (let v = random.int(0, 3); v > 0; v--) {
    lines.push(
      '',
      '[[storage.volumes]]',
      `host = "/srv/${name}/data${v}"`,
      `container = "/data/${v}"`,
    );
    if (random.chance(0.5)) lines.push('readonly = true');
  }
  return `${lines.join('\n')}\n`;
}

/** `count` manifests from `seed`. */
export function manifestSet(count: number, seed = 1): string[] {
  const random = new Random(seed);
  return Array.from({ length: count }, (_, i) => manifest(random, i));
}

/**
 * A mixed document of roughly `bytes` characters: tables, arrays of tables, dotted
 * keys, inline tables, every string kind (with escapes), every integer and float form,
 * every date/time kind, nested arrays and comments.
 */
export function mixedDocument(bytes: number, seed = 2): string {
  const random = new Random(seed);
  const parts: string[] = ['# Mixed benchmark document\ntitle = "Benchmark"\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    let block = '';
    switch (i % 6) {
      case 0:
        block = `\n[server_${i}]\nhost = "srv-${i}.example.com"\nport = ${random.int(1, 65535)}\nenabled = ${random.chance(0.5)}\nweight = ${(random.next() * 100).toFixed(3)}\nratio = ${random.int(1, 9)}e-${random.int(1, 9)}\nhex = 0x${hex(random, 6)}\noct = 0o${random.int(0, 511).toString(8)}\nbin = 0b${random.int(0, 255).toString(2)}\nbig = ${random.int(1, 9)}_${String(random.int(100, 999))}_${String(random.int(100, 999))}\n`;
        break;
      case 1:
        block = `\n[[products]]\nname = "Product ${i} \\"quoted\\" \\u00e9\\t"\nsku = '${hex(random, 12)}'\nprice = ${random.int(1, 999)}.${random.int(10, 99)}\ntags = ["a${i}", "b", 'c', """d"""]\ndims = { w = ${random.int(1, 99)}, h = ${random.int(1, 99)}, unit = "cm" }\n`;
        break;
      case 2:
        block = `\n[events.e${i}]\nat = 1979-05-27T07:32:${String(random.int(10, 59))}.${random.int(100, 999999)}-08:00\nlocal = 2024-02-29T12:00:00\nday = 2024-02-29\ntime = 07:32:00.250\nmeta.source = "sensor-${i}"\nmeta.level.value = ${random.int(-100, 100)}\n`;
        break;
      case 3:
        block = `\n[text_${i}]\nbody = """\nLorem ipsum dolor sit amet, consectetur ${i}\nadipiscing elit, \\\n    sed do eiusmod tempor.\n"""\nraw = '''\nC:\\Users\\${random.pick(WORDS)}\\file.txt\n'''\npath = 'C:\\Windows\\System32'\n`;
        break;
      case 4:
        block = `\n[matrix_${i}]\nrows = [\n  [${random.int(0, 9)}, ${random.int(0, 9)}, ${random.int(0, 9)}],\n  [${random.next().toFixed(2)}, ${random.next().toFixed(2)}], # comment\n  ["x", "y"],\n]\nflags = [true, false, true]\nspecial = [inf, -inf, nan, +1.5, -0.0]\n`;
        break;
      default:
        block = `\n[nested_${i}.a.b]\nc = { d = { e = [ { f = ${random.int(0, 99)} }, { g = "h" } ] } }\n"quoted key ${i}" = 'value'\n"${random.pick(WORDS)}.dotted"."x-y_z" = ${random.int(0, 9)}\n`;
    }
    parts.push(block);
    size += block.length;
  }
  return parts.join('');
}

/** Words for key names that differ from table to table (`alpha_gamma`, `blue-river`, ...). */
const KEY_WORDS = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'omega',
  'sigma',
  'red',
  'blue',
  'green',
  'amber',
  'river',
  'stone',
  'cloud',
  'forest',
  'ember',
  'frost',
  'lumen',
  'pixel',
  'vector',
  'matrix',
  'serde',
  'tokio',
  'hyper',
  'rayon',
  'clap',
  'regex',
  'log',
  'rand',
  'bytes',
  'mio',
  'title',
  'label',
  'button',
  'error',
  'welcome',
  'confirm',
  'cancel',
  'search',
  'profile',
  'login',
  'dark',
  'beta_ui',
  'fast',
  'legacy',
  'async',
  'cache',
  'debug',
  'metrics',
  'trace',
  'sync',
];
const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'ja', 'pt', 'nl', 'sv', 'pl'];

/** `count` key names, all different, from random word pairs (no two tables share a layout). */
function distinctKeyNames(random: Random, count: number, separator: string): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    names.add(`${random.pick(KEY_WORDS)}${separator}${random.pick(KEY_WORDS)}`);
  }
  return [...names];
}

/** A small value: a version string, a word, an integer or a boolean. */
function distinctValue(random: Random, i: number): string {
  switch (random.int(0, 3)) {
    case 0:
      return `"${random.int(0, 4)}.${random.int(0, 30)}.${random.int(0, 99)}"`;
    case 1:
      return `"${random.pick(WORDS)} ${random.pick(KEY_WORDS)} ${i}"`;
    case 2:
      return String(random.int(0, 100_000));
    default:
      return String(random.chance(0.5));
  }
}

/** An inline table of 2 to 6 members with key names of its own. */
function distinctInline(random: Random, i: number): string {
  const keys = distinctKeyNames(random, random.int(2, 6), '_');
  return `{ ${keys.map((key) => `${key} = ${distinctValue(random, i)}`).join(', ')} }`;
}

/**
 * A document of roughly `bytes` characters whose tables each have their own key names,
 * as in dependency maps, translation catalogues and feature flags: header tables
 * (`[section_N]`, `[i18n.LANG_N]`) of 4 to 12 keys, tables made by dotted keys
 * (`features_N.NAME.enabled = true`), and inline tables (`{ k1 = …, k2 = … }`) with
 * distinct member names. Key names are word pairs drawn at random, so a name recurs
 * across tables (as in real files) but a table's set of names almost never does.
 * With `inlineOnly`, every line is `entry_N = { … }` (an inline table of its own names).
 */
export function distinctKeysDocument(bytes: number, inlineOnly = false, seed = 3): string {
  const random = new Random(seed);
  const parts: string[] = ['# Tables whose key names differ from table to table\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    let block = '';
    if (inlineOnly) {
      block = `entry_${i} = ${distinctInline(random, i)}\n`;
    } else {
      switch (i % 4) {
        case 0: {
          // A dependency map: crate names as keys, versions or inline tables as values.
          const names = distinctKeyNames(random, random.int(4, 12), '-');
          const lines = names.map((name) =>
            random.chance(0.25)
              ? `${name} = { version = "${random.int(0, 4)}.${random.int(0, 30)}", features = ["${random.pick(KEY_WORDS)}"] }`
              : `${name} = "${random.int(0, 4)}.${random.int(0, 30)}.${random.int(0, 99)}"`,
          );
          block = `\n[section_${i}]\n${lines.join('\n')}\n`;
          break;
        }
        case 1: {
          // A translation catalogue: message ids as keys, text as values.
          const names = distinctKeyNames(random, random.int(4, 12), '_');
          const lines = names.map(
            (name) => `${name} = "${random.pick(WORDS)} ${random.pick(KEY_WORDS)} ${i}"`,
          );
          block = `\n[i18n.${random.pick(LANGUAGES)}_${i}]\n${lines.join('\n')}\n`;
          break;
        }
        case 2: {
          // Feature flags as dotted-key tables: features_N.NAME.{enabled, rollout}.
          const names = distinctKeyNames(random, random.int(3, 8), '_');
          const lines = names.map((name) =>
            random.chance(0.5)
              ? `features_${i}.${name}.enabled = ${random.chance(0.5)}`
              : `features_${i}.${name}.rollout = ${random.int(0, 100)}`,
          );
          block = `\n${lines.join('\n')}\n`;
          break;
        }
        default: {
          // Inline tables with member names of their own.
          const names = distinctKeyNames(random, random.int(2, 5), '_');
          const lines = names.map((name) => `${name} = ${distinctInline(random, i)}`);
          block = `\n[records_${i}]\n${lines.join('\n')}\n`;
        }
      }
    }
    parts.push(block);
    size += block.length;
  }
  return parts.join('');
}
