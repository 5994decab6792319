/** The small parsers behind the manifest rules, checked against Node's own where it has one. */
import assert from 'node:assert/strict';
import { isIPv4 as nodeIsIPv4, isIPv6 as nodeIsIPv6 } from 'node:net';
import { describe, it } from 'node:test';
import { Random } from '../bench/random.js';
import {
  checkAbsolutePath,
  checkCpuset,
  checkKernelVersion,
  checkNoControlCharacters,
  isIPv4,
  isIPv6,
  normalizePath,
  ordinal,
  parsePortMapping,
  parseSize,
} from '../lib/manifest/checks.js';

function randomAddressText(random: Random): string {
  const hex = () => random.int(0, 0xffff).toString(16).slice(0, random.int(1, 4));
  const pieces = [
    '',
    ':',
    '::',
    '.',
    '1',
    '255',
    '256',
    '01',
    'g',
    'ffff',
    '0',
    '1.2.3.4',
    '10.0.0.1',
  ];
  if (random.chance(0.5)) {
    const groups = Array.from({ length: random.int(1, 9) }, hex);
    if (random.chance(0.5)) groups.splice(random.int(0, groups.length), 0, '');
    if (random.chance(0.2)) groups.push('1.2.3.4');
    return groups.join(':');
  }
  return Array.from({ length: random.int(1, 8) }, () => random.pick(pieces)).join(
    random.pick(['', ':', '.']),
  );
}

describe('address parsers', () => {
  it('agree with node:net on thousands of addresses', () => {
    const random = new Random(5);
    const samples = [
      '::',
      '::1',
      '1::',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:1.2.3.4',
      '::ffff:1.2.3.4',
      '1::2::3',
      ':1',
      '1:',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      'g::',
    ];
    for (let i = 0; i < 20_000; i++) samples.push(randomAddressText(random));
    for (const text of samples) {
      assert.equal(isIPv6(text), nodeIsIPv6(text), `IPv6 ${text}`);
      assert.equal(isIPv4(text), nodeIsIPv4(text), `IPv4 ${text}`);
    }
  });
});

describe('value parsers', () => {
  it('parse sizes to bytes', () => {
    assert.equal(parseSize('512M'), 512 * 1024 ** 2);
    assert.equal(parseSize('1.5G'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('2GiB'), 2 * 1024 ** 3);
    assert.equal(parseSize('3Ti'), 3 * 1024 ** 4);
    assert.equal(parseSize('100B'), 100);
    assert.equal(parseSize('7'), 7);
    assert.equal(parseSize('max'), Infinity);
    assert.equal(typeof parseSize('1.1K'), 'string');
  });

  it('check kernel versions and cpusets', () => {
    for (const good of ['6.1', '6.1.15', '5.15.0-91-generic', '10.0-rc1+x_y'])
      assert.equal(checkKernelVersion(good), null, good);
    for (const bad of ['6', '6.', '.1', '6..1', '6.1.2.3', 'a.b', '6.1-', '6.1-é'])
      assert.notEqual(checkKernelVersion(bad), null, bad);
    for (const good of ['0', '0-3', '0-3,8,10-11', '7-7'])
      assert.equal(checkCpuset(good), null, good);
    for (const bad of ['', ',', '1,', '-1', '1-', '3-1', '1-2-3', 'a'])
      assert.notEqual(checkCpuset(bad), null, bad);
  });

  it('reject every control character, C1 as C0 and DEL, naming the first one and its place', () => {
    // C1 (U+0080-U+009F) went through: U+009B is a one-byte CSI on some terminals.
    for (const c of [0x00, 0x09, 0x1f, 0x7f, 0x80, 0x85, 0x9b, 0x9f]) {
      const hex = c.toString(16).toUpperCase().padStart(4, '0');
      const char = String.fromCharCode(c);
      assert.equal(
        checkNoControlCharacters(`quiet${char}debug${char}`),
        `has the control character U+${hex} as its 6th character`,
      );
      assert.equal(checkAbsolutePath(`/boot/${char}`), 'contains a control character', hex);
    }
    for (const text of ['console=ttyS0 quiet', '\u00a0\u00ff é \u{1F600}', '~']) {
      assert.equal(checkNoControlCharacters(text), null, text);
      assert.equal(checkAbsolutePath(`/${text}`), null, text);
    }
  });

  it('count from 1 in messages with English ordinals', () => {
    const cases: [number, string][] = [
      [1, '1st'],
      [2, '2nd'],
      [3, '3rd'],
      [4, '4th'],
      [10, '10th'],
      [11, '11th'],
      [12, '12th'],
      [13, '13th'],
      [21, '21st'],
      [22, '22nd'],
      [23, '23rd'],
      [101, '101st'],
      [111, '111th'],
      [112, '112th'],
      [1002, '1002nd'],
    ];
    for (const [n, text] of cases) assert.equal(ordinal(n), text);
    // A surrogate pair is one character, as columns count it.
    assert.equal(
      checkNoControlCharacters('\u{1F600}\u{1F600}\t'),
      'has the control character U+0009 as its 3rd character',
    );
  });

  it('normalise paths by dropping empty and . segments, keeping ..', () => {
    for (const [path, normal] of [
      ['/', '/'],
      ['/.', '/'],
      ['/./', '/'],
      ['/.//.', '/'],
      ['///', '/'],
      ['/data', '/data'],
      ['/data/', '/data'],
      ['/data/.', '/data'],
      ['/./data//x/./', '/data/x'],
      ['/data/.hidden/..x/...', '/data/.hidden/..x/...'],
      ['/data/..', '/data/..'],
      ['/a/../b/./', '/a/../b'],
      ['./data/', 'data'],
      ['data//x', 'data/x'],
      ['.', ''],
      ['', ''],
    ] as const) {
      assert.equal(normalizePath(path), normal, path);
    }
  });

  it('parse port mappings', () => {
    assert.deepEqual(parsePortMapping('8080:80'), {
      hostIp: '',
      hostPort: 8080,
      containerPort: 80,
      protocol: 'tcp',
    });
    assert.deepEqual(parsePortMapping('127.0.0.1:53:5353/udp'), {
      hostIp: '127.0.0.1',
      hostPort: 53,
      containerPort: 5353,
      protocol: 'udp',
    });
    assert.deepEqual(parsePortMapping('[fd00::1]:443:8443/tcp'), {
      hostIp: 'fd00::1',
      hostPort: 443,
      containerPort: 8443,
      protocol: 'tcp',
    });
    for (const bad of [
      '',
      ':',
      '80:',
      ':80',
      '0:80',
      '80:65536',
      '[::1]:80',
      '[::1]:1:2:3',
      'a:b',
      '1:2/',
      '1:2/TCP',
      '1.2.3.4:5:6:7',
    ]) {
      assert.equal(typeof parsePortMapping(bad), 'string', bad);
    }
  });
});
