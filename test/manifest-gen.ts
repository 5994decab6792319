/** Random valid manifests (typed objects), for round-trip properties. */
import { Random } from '../bench/random.js';
import {
  CAPABILITIES,
  LANDLOCK_PROFILES,
  MODES,
  SECCOMP_PROFILES,
  WRITABLE_LAYER_MODES,
  emptyManifest,
  type Manifest,
} from '../lib/index.js';

const WORDS = ['api', 'web', 'db', 'cache', 'edge', 'job', 'ml', 'log'];

/** Text with the characters that need care in TOML strings. */
function trickyText(random: Random): string {
  const pieces = [
    'plain',
    'quote "q"',
    'back\\slash',
    'tab\t',
    'newline\n',
    'é',
    '😀',
    "it's",
    '# not a comment',
    '[x]',
    '',
  ];
  return Array.from({ length: random.int(1, 3) }, () => random.pick(pieces)).join(' ');
}

export function randomManifest(random: Random): Manifest {
  const m = emptyManifest();
  m.workload.name = `${random.pick(WORDS)}-${random.int(0, 999)}`;
  m.workload.mode = random.pick(MODES);
  if (random.chance(0.8))
    m.workload.image = `registry.example.com/${random.pick(WORDS)}:${random.int(1, 9)}`;
  if (random.chance(0.5)) m.workload.description = trickyText(random);
  if (
    m.workload.mode === 'hybrid-native' ||
    m.workload.mode === 'hybrid-kvm' ||
    random.chance(0.3)
  ) {
    if (m.workload.mode !== 'container') {
      m.kernel.path = `/boot/vmlinuz-${random.int(1, 9)}`;
      if (random.chance(0.5)) m.kernel.version = `6.${random.int(0, 12)}.${random.int(0, 40)}`;
      if (random.chance(0.5))
        m.kernel.modules = ['virtio_net', 'overlay'].slice(0, random.int(1, 2));
      if (random.chance(0.5)) m.kernel.cmdline = 'console=ttyS0 quiet';
    }
  }
  if (random.chance(0.7)) m.security.landlockProfile = random.pick(LANDLOCK_PROFILES);
  if (random.chance(0.5)) m.security.seccompProfile = random.pick(SECCOMP_PROFILES);
  if (random.chance(0.5)) {
    m.security.capabilities = [
      ...new Set(Array.from({ length: random.int(1, 4) }, () => random.pick(CAPABILITIES))),
    ];
  }
  m.security.readOnlyRootfs = random.chance(0.5);
  if (random.chance(0.7)) m.resources.memoryLimit = `${random.int(1, 64)}G`;
  if (m.resources.memoryLimit !== '' && random.chance(0.5))
    m.resources.memorySoft = `${random.int(1, 1023)}M`;
  if (random.chance(0.7)) m.resources.cpuWeight = random.int(1, 10000);
  if (random.chance(0.4)) m.resources.cpuSet = `0-${random.int(0, 15)}`;
  if (random.chance(0.4)) m.resources.ioWeight = random.int(1, 10000);
  if (random.chance(0.6)) m.resources.pidsMax = random.int(1, 4194304);
  const netMode = random.pick(['', 'bridge', 'custom', 'host', 'none'] as const);
  m.network.mode = netMode;
  if (netMode === 'bridge' || netMode === 'custom' || netMode === '') {
    if (random.chance(0.5)) m.network.address = random.chance(0.5) ? '10.1.2.3/24' : 'fd00::5';
    if (random.chance(0.5))
      m.network.dns = ['1.1.1.1', '2001:4860:4860::8888'].slice(0, random.int(1, 2));
    if (random.chance(0.6)) {
      const base = random.int(1024, 60000);
      m.network.ports = [
        `${base}:80`,
        `127.0.0.1:${base + 1}:443/tcp`,
        `[::1]:${base}:53/udp`,
      ].slice(0, random.int(1, 3));
    }
  }
  if (m.workload.image === '' || random.chance(0.4)) {
    m.storage.rootfs = random.chance(0.5)
      ? `cas://sha256:${'0123456789abcdef'.repeat(4)}`
      : `/srv/rootfs/${m.workload.name}`;
  }
  if (random.chance(0.5)) {
    m.storage.writableLayer = random.pick(WRITABLE_LAYER_MODES);
    if (m.storage.writableLayer === 'overlay') m.security.readOnlyRootfs = false;
  }
  for (let i = random.int(0, 3); i > 0; i--) {
    m.storage.volumes.push({
      host: `/srv/data/${i}`,
      container: `/mnt/v${i}`,
      readOnly: random.chance(0.5),
    });
  }
  if (random.chance(0.2)) m.extends = `../base/${random.pick(WORDS)}.toml`;
  return m;
}
