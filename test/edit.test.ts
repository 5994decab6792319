/**
 * The editing rules of `EditableDocument` and `patch`, each with the exact text it gives.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  EditableDocument,
  LocalDate,
  parse,
  patch,
  type ParseOptions,
  TomlError,
} from '../lib/toml/index.js';

function edited(
  text: string,
  edit: (doc: EditableDocument) => unknown,
  options?: ParseOptions,
): string {
  const doc = new EditableDocument(text, options);
  edit(doc);
  return doc.toString();
}

describe('set on an existing key', () => {
  test('replaces only the value: key, spacing and trailing comment stay', () => {
    assert.equal(
      edited('port  =  80 # the port\nname = "x"\n', (d) => d.set(['port'], 8080)),
      'port  =  8080 # the port\nname = "x"\n',
    );
  });

  test('a string keeps the quotes of the one it replaces when they can hold it', () => {
    const text = "a = 'lit'\nb = 'lit'\nc = '''\nml\n'''\nd = \"\"\"x\"\"\"\n";
    assert.equal(
      edited(text, (d) =>
        d
          .set(['a'], 'C:\\dir')
          .set(['b'], "it's")
          .set(['c'], 'one\ntwo')
          .set(['d'], 'tab\t"q"\nline'),
      ),
      'a = \'C:\\dir\'\nb = "it\'s"\nc = \'\'\'\none\ntwo\'\'\'\nd = """tab\\t\\"q\\"\nline"""\n',
    );
  });

  test('a literal string holds astral characters; DEL and lone surrogates it cannot', () => {
    assert.equal(
      edited("a = 'x'\nb = '''\nx'''\nc = 'x'\n", (d) =>
        d.set(['a'], 'é😀').set(['b'], 'l1\nl2😀').set(['c'], 'x\x7f'),
      ),
      "a = 'é😀'\nb = '''\nl1\nl2😀'''\nc = \"x\\u007F\"\n",
    );
    for (const lone of ['\udc00', '\ud800x', '\ud800']) {
      const doc = new EditableDocument("a = 'x'\n");
      assert.throws(() => doc.set(['a'], lone), {
        name: 'TomlError',
        code: 'unencodable-value',
        message: /lone surrogate .* at a$/,
      });
      assert.equal(doc.toString(), "a = 'x'\n");
    }
  });

  test('other values are written as stringify writes them', () => {
    assert.equal(
      edited('a = 1\nb = 2\nc = 3\n', (d) =>
        d
          .set(['a'], new LocalDate(2024, 2, 29))
          .set(['b'], { x: [1.5, 'y'] })
          .set(['c'], -0),
      ),
      'a = 2024-02-29\nb = { x = [1.5, "y"] }\nc = -0.0\n',
    );
  });

  test('a table set to a value moves the key to its parent, an array of tables turns inline', () => {
    assert.equal(
      edited('a = 1\n\n[t]\nx = 1\n', (d) => d.set(['t'], 5)),
      'a = 1\nt = 5\n',
    );
    assert.equal(
      edited('x = 1\n[[p]]\nn = 1\n[[p]]\nn = 2\n', (d) => d.set(['p', 1], 'flat')),
      'x = 1\np = [{ n = 1 }, "flat"]\n',
    );
  });

  test('the same set twice changes nothing the second time', () => {
    const doc = new EditableDocument('a = 1 # c\n');
    doc.set(['a'], 2);
    const once = doc.toString();
    doc.set(['a'], 2);
    assert.equal(doc.toString(), once);
    assert.equal(once, 'a = 2 # c\n');
  });
  test('a value replaced in place is not read again: the values it did not touch stay the same objects', () => {
    const doc = new EditableDocument('a = 1\n[t]\nx = [1, 2]\n[u]\nport = 80\n');
    const before = doc.value;
    doc.set(['a'], 'a longer value');
    assert.equal(doc.value['t'], before['t']);
    assert.equal(doc.value['u'], before['u']);
    assert.equal(before['a'], 1);
    // The spans after it moved with it: the next edits and an error's place are right.
    doc.set(['t', 'x', 1], 20).set(['u', 'port'], 8080);
    assert.equal(doc.toString(), 'a = "a longer value"\n[t]\nx = [1, 20]\n[u]\nport = 8080\n');
    assert.throws(() => doc.set(['u', 'port', 'x'], 1), { line: 5, column: 8 });
    assert.deepEqual(parse(doc.toString()), doc.value);
  });

  test('an edit that fails after values were replaced in place leaves the document as it was', () => {
    const doc = new EditableDocument('a = 1\nb = "x"\n');
    assert.throws(() => doc.set([], { a: 22, b: '\ud800' }), { code: 'unencodable-value' });
    assert.equal(doc.toString(), 'a = 1\nb = "x"\n');
    assert.deepEqual(doc.value, { a: 1, b: 'x' });
    assert.equal(doc.set(['b'], 'yy').toString(), 'a = 1\nb = "yy"\n');
  });
});

describe('set on a new key', () => {
  test('goes after the last key/value of its table, before its trailing comments and blank lines', () => {
    assert.equal(
      edited('[a]\nx = 1\n# about b\n\n[b]\n', (d) => d.set(['a', 'y'], 2)),
      '[a]\nx = 1\ny = 2\n# about b\n\n[b]\n',
    );
  });

  test('matches the indentation, the spacing around = and the quoting of the keys there', () => {
    assert.equal(
      edited('[a]\n  x=1\n  "q" = 2\n', (d) => d.set(['a', 'y'], 3)),
      '[a]\n  x=1\n  "q" = 2\n  "y" = 3\n',
    );
  });

  test('a table defined by dotted keys gets a dotted key in its group', () => {
    assert.equal(
      edited('[s]\ntls.on = true\nport = 1\n', (d) => d.set(['s', 'tls', 'key'], 'k')),
      '[s]\ntls.on = true\ntls.key = "k"\nport = 1\n',
    );
  });

  test('an inline table grows inside its braces, on its line', () => {
    assert.equal(
      edited('t = { a = 1 }\ne = {}\n', (d) => d.set(['t', 'b'], 2).set(['e', 'x'], [1])),
      't = { a = 1, b = 2 }\ne = { x = [1] }\n',
    );
  });

  test('a missing table is a [header] section after its parent, else at the end', () => {
    assert.equal(
      edited('[server]\nport = 1\n\n[server.tls]\non = true\n\n[other]\nx = 1\n', (d) =>
        d.set(['server', 'limits', 'cpu'], 2),
      ),
      '[server]\nport = 1\n\n[server.tls]\non = true\n\n[server.limits]\ncpu = 2\n\n[other]\nx = 1\n',
    );
    assert.equal(
      edited('a = 1\n\n[s]\nx = 1\n', (d) => d.set(['new', 'x'], 'y')),
      'a = 1\n\n[s]\nx = 1\n\n[new]\nx = "y"\n',
    );
  });

  test('a table only sub-sections define gets its own header before them', () => {
    assert.equal(
      edited('# about\n[a.b]\nx = 1\n', (d) => d.set(['a', 'y'], 1)),
      '[a]\ny = 1\n\n# about\n[a.b]\nx = 1\n',
    );
  });

  test('an empty document, and CRLF line ends kept', () => {
    assert.equal(
      edited('', (d) => d.set(['a'], 1).set(['t', 'x'], 2)),
      'a = 1\n\n[t]\nx = 2\n',
    );
    assert.equal(
      edited('a = 1\r\n[t]\r\nx = 1\r\n', (d) => d.set(['b'], 2).set(['t', 'y'], 3)),
      'a = 1\r\nb = 2\r\n[t]\r\nx = 1\r\ny = 3\r\n',
    );
  });
});

describe('append', () => {
  test('to arrays on one line, over lines (indented, comma kept), empty, and missing', () => {
    assert.equal(
      edited('one = [1, 2]\ntwo = [\n  1,\n  2, # two\n]\nthree = []\n', (d) =>
        d.append(['one'], 3).append(['two'], 3).append(['three'], 'x').append(['four'], true),
      ),
      'one = [1, 2, 3]\ntwo = [\n  1,\n  2, # two\n  3,\n]\nthree = ["x"]\nfour = [true]\n',
    );
  });

  test('over lines with no comma after the last item: the comma goes after it, before the new line', () => {
    assert.equal(
      edited('title = [\n  "a",\n  "b"\n]\nx = [\n  1 # one\n]\n', (d) =>
        d.append(['title'], 'c').append(['x'], 2),
      ),
      'title = [\n  "a",\n  "b",\n  "c"\n]\nx = [\n  1, # one\n  2\n]\n',
    );
  });

  test('to an array of tables: a [[section]] after the last element and its sub-sections', () => {
    assert.equal(
      edited('[[p]]\nn = 1\n[p.meta]\nm = 1\n\n[[p]]\nn = 2\n\n[q]\n', (d) =>
        d.append(['p'], { n: 3 }),
      ),
      '[[p]]\nn = 1\n[p.meta]\nm = 1\n\n[[p]]\nn = 2\n\n[[p]]\nn = 3\n\n[q]\n',
    );
  });
});

describe('in place', () => {
  test('a new key and an item appended on one line are not read again with the document', () => {
    const doc = new EditableDocument('[t]\nx = [1, 2] # xs\nz = [\n  1,\n]\n\n[u]\nport = 80\n');
    const before = doc.value;
    doc.append(['t', 'x'], 3).append(['t', 'z'], 2).set(['t', 'y'], 'new');
    assert.equal(doc.value['u'], before['u']);
    assert.deepEqual(before['t'], { x: [1, 2], z: [1] });
    doc.set(['u', 'port'], 8080).append(['t', 'x'], 4);
    assert.equal(
      doc.toString(),
      '[t]\nx = [1, 2, 3, 4] # xs\nz = [\n  1,\n  2,\n]\ny = "new"\n\n[u]\nport = 8080\n',
    );
    assert.throws(() => doc.set(['u', 'port', 'x'], 1), { line: 10, column: 8 });
    assert.deepEqual(parse(doc.toString()), doc.value);
  });

  test('a key/value deleted from a section is not read again with the document', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `k${i} = ${i}\n`).join('');
    const doc = new EditableDocument(`[t]\n# about a\na = 1 # a\n${keys}\n[u]\nport = 80\n`);
    const before = doc.value;
    assert.equal(doc.delete(['t', 'a']), true);
    assert.equal(doc.delete(['t', 'k19']), true);
    assert.equal(doc.value['u'], before['u']);
    // A table of more than 16 keys is looked up by a map: the deleted keys are gone from it.
    assert.equal(doc.get(['t', 'a']), undefined);
    assert.equal(doc.delete(['t', 'k19']), false);
    doc.set(['t', 'a'], 2).set(['u', 'port'], 8080);
    const rest = Array.from({ length: 19 }, (_, i) => `k${i} = ${i}\n`).join('');
    assert.equal(doc.toString(), `[t]\n${rest}a = 2\n\n[u]\nport = 8080\n`);
    assert.deepEqual(parse(doc.toString()), doc.value);
  });
});

describe('delete', () => {
  test('removes the line with its trailing comment and the comment block directly above', () => {
    assert.equal(
      edited('keep = 1\n# about name\n# more\nname = "x" # trailing\nafter = 2\n', (d) =>
        d.delete(['name']),
      ),
      'keep = 1\nafter = 2\n',
    );
  });

  test('inline tables and arrays stay valid down to the last member', () => {
    assert.equal(
      edited('t = { a = 1, b = 2, c = 3 }\nu = { a = 1 }\nv = [1, 2, 3]\nw = [1]\n', (d) => {
        d.delete(['t', 'b']);
        d.delete(['t', 'c']);
        d.delete(['u', 'a']);
        d.delete(['v', 0]);
        d.delete(['v', 1]);
        d.delete(['w', 0]);
      }),
      't = { a = 1 }\nu = {}\nv = [2]\nw = []\n',
    );
  });

  test('an array-of-tables element goes with its sub-sections; a table with its sections', () => {
    assert.equal(
      edited('[[p]]\nn = 1\n[p.meta]\nm = 1\n\n[[p]]\nn = 2\n', (d) => d.delete(['p', 0])),
      '[[p]]\nn = 2\n',
    );
    assert.equal(
      edited('a = 1\n\n[s]\nx = 1\n\n[s.t]\ny = 1\n\n[z]\n', (d) => d.delete(['s'])),
      'a = 1\n\n[z]\n',
    );
  });

  test('a table emptied by the delete stays, empty', () => {
    const doc = new EditableDocument('[s]\ntls.on = true\n');
    doc.delete(['s', 'tls', 'on']);
    assert.deepEqual(parse(doc.toString()), { s: { tls: {} } });
  });

  test('a missing path is false and changes nothing; a second delete changes nothing', () => {
    const doc = new EditableDocument('a = 1\nb = 2\n');
    assert.equal(doc.delete(['a']), true);
    assert.equal(doc.delete(['a']), false);
    assert.equal(doc.delete(['nope', 'x']), false);
    assert.equal(doc.toString(), 'b = 2\n');
  });
});

describe('move', () => {
  test('a key/value takes the comment block above it and its trailing comment', () => {
    const text = '[a]\nx = 1\n# about y\n  # more\ny = 2 # two\nz = 3\n\n[b]\n  k = 0\n';
    assert.equal(
      edited(text, (d) => d.move(['a', 'y'], ['b', 'y'])),
      '[a]\nx = 1\nz = 3\n\n[b]\n  k = 0\n  # about y\n  # more\n  y = 2 # two\n',
    );
    // Into a table that does not exist yet, in CRLF line ends.
    assert.equal(
      edited('# c\r\nv = [1,\r\n  2] # v\r\n', (d) => d.move(['v'], ['t', 'w'])),
      '[t]\r\n# c\r\nw = [1, 2] # v\r\n',
    );
  });

  test('an array item, a member of an inline table or a dotted key: comments where they go', () => {
    assert.equal(
      edited('a = [1, 2] # a\nt = { x = 1 } # t\n[d]\ns.y = 2 # y', (d) =>
        d.move(['a', 1], ['b']).move(['t', 'x'], ['d', 'x']).move(['d', 's', 'y'], ['t', 'y']),
      ),
      // The dotted table emptied stays, as a section (see delete).
      'a = [1] # a\nt = { y = 2 } # t\nb = 2\n[d]\nx = 1\n\n[d.s]\n',
    );
    // A trailing comment at the end of a text with no line end after it.
    assert.equal(
      edited('[d]\ny = 2 # y', (d) => d.move(['d', 'y'], ['z'])),
      'z = 2 # y\n\n[d]\n',
    );
    assert.throws(() => new EditableDocument('a = 1').move([], ['b']), TypeError);
  });

  test('onto a path that has a value, or from one that has none: a TomlError, nothing changed', () => {
    const doc = new EditableDocument('a = 1\n[t]\na = 2\n');
    assert.throws(() => doc.move(['a'], ['t', 'a']), {
      code: 'duplicate-key',
      message: 'cannot move a to t.a: t.a has a value',
      line: 3,
    });
    assert.throws(() => doc.move(['b'], ['t', 'b']), { code: 'invalid-value' });
    assert.equal(doc.toString(), 'a = 1\n[t]\na = 2\n');
  });
});

describe('rename', () => {
  test('keeps the value, its place and comments; the key in the style of the old one', () => {
    const text =
      '# a\nName = "web" # n\n[t]\n"Port" = 80\n\'x\' = 1\nu = { Mode = "a" }\nd.E = 1\n';
    assert.equal(
      edited(text, (d) =>
        d
          .rename(['Name'], 'name')
          .rename(['t', 'Port'], 'port')
          .rename(['t', 'x'], 'a b')
          .rename(['t', 'port'], "it's")
          .rename(['t', 'u', 'Mode'], 'mode')
          .rename(['t', 'd', 'E'], 'e')
          .rename(['t', 'd'], 'd.f'),
      ),
      '# a\nname = "web" # n\n[t]\n"it\'s" = 80\n\'a b\' = 1\nu = { mode = "a" }\n"d.f".e = 1\n',
    );
    assert.equal(
      edited('a = 1\n', (d) => d.rename(['a'], 'a')),
      'a = 1\n',
    );
  });

  test('onto a key the table has, or a key written in more than one place: a TomlError naming the path', () => {
    const doc = new EditableDocument('a = 1\nB = 2\n[t]\nx = 1\n[t.u]\ny = 2\n');
    assert.throws(() => doc.rename(['B'], 'a'), {
      code: 'duplicate-key',
      message: 'cannot rename B to a: a has a value',
      line: 1,
      column: 5,
    });
    assert.throws(() => doc.rename(['t'], 'T'), {
      code: 'invalid-value',
      message: 'cannot rename t to T: t is written in more than one place',
    });
    assert.throws(() => doc.rename(['nope'], 'x'), { code: 'invalid-value' });
    assert.throws(() => doc.rename(['t', 0], 'x'), TypeError);
    assert.throws(() => doc.rename(['a'], 1 as unknown as string), TypeError);
    assert.throws(() => doc.rename(['a'], '\ud800'), { code: 'unencodable-value' });
    assert.equal(doc.toString(), 'a = 1\nB = 2\n[t]\nx = 1\n[t.u]\ny = 2\n');
  });
});

describe('patch', () => {
  test('the text read as its own value is the text, byte for byte', () => {
    const text = '# c\na = 1   # x\n[t]\n  b = "y"\n[[p]]\nq = [1, 2,]\n';
    assert.equal(patch(text, parse(text)), text);
  });

  test('the fewest edits: changed, added and removed keys only', () => {
    const text =
      '# config\n[workload]\nname = "web"   # name\nimage = "nginx:1.27"\n\n[resources]\ncpu = 100\n';
    const value = parse(text) as Record<string, Record<string, unknown>>;
    value['workload']!['image'] = 'nginx:1.28';
    value['resources']!['memory'] = '1G';
    delete value['workload']!['name'];
    value['network'] = { ports: ['80:80'] };
    assert.equal(
      patch(text, value),
      '# config\n[workload]\nimage = "nginx:1.28"\n\n[resources]\ncpu = 100\nmemory = "1G"\n\n[network]\nports = ["80:80"]\n',
    );
  });
});

describe('errors', () => {
  test('a key inside a value that is not a table names the path and where the value is', () => {
    const doc = new EditableDocument('a = 1\nport = 80\n');
    assert.throws(
      () => doc.set(['port', 'x'], 1),
      (error: unknown) =>
        error instanceof TomlError &&
        error.code === 'key-is-value' &&
        error.message === 'cannot edit port.x: port is a number, not a table' &&
        error.line === 2 &&
        error.column === 8,
    );
    assert.equal(doc.toString(), 'a = 1\nport = 80\n');
  });

  test('an index past the end, and a value stringify cannot write, throw and change nothing', () => {
    const doc = new EditableDocument('a = [1]\n');
    assert.throws(() => doc.set(['a', 3], 1), { code: 'invalid-value', name: 'TomlError' });
    assert.throws(() => doc.set(['a', 0], '\ud800'), {
      code: 'unencodable-value',
      message: 'cannot encode a string with a lone surrogate U+D800 at a[0]',
    });
    assert.equal(doc.toString(), 'a = [1]\n');
  });

  test('a document parsed as TOML 1.0 gets no TOML 1.1 syntax', () => {
    assert.equal(
      edited('t = {}\n', (d) => d.set(['t', 'a'], '\u001b\u00e9'), { version: '1.0' }),
      't = { a = "\\u001Bé" }\n',
    );
  });
});
