import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { encodeNpyHeader } from '../../../src/io/matrix/npy-header.js';
import { readNpy, readNpySync } from '../../../src/io/matrix/npy-read.js';
import { writeNpy, writeNpySync } from '../../../src/io/matrix/npy-write.js';
import { parsePyLiteral, PyTuple } from '../../../src/io/matrix/py-literal.js';
import { expectFileError, expectSameFloats, listDir, makeTempDir, runPython } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** Raw little-endian bytes written by numpy, as a fresh aligned buffer. */
function raw(name: string): ArrayBuffer {
  return new Uint8Array(fs.readFileSync(tmp.file(name))).buffer;
}

/** A .npy file with the given header text (padded as numpy does) and data bytes. */
function handNpy(name: string, header: string, data: Uint8Array, version = 1): string {
  const prefix = version === 1 ? 10 : 12;
  const pad = 64 - ((prefix + header.length + 1) % 64);
  const text = Buffer.from(`${header}${' '.repeat(pad)}\n`, 'latin1');
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(text.length, 8);
  else head.writeUInt32LE(text.length, 8);
  const file = tmp.file(name);
  fs.writeFileSync(file, Buffer.concat([head, text, data]));
  return file;
}

describe('.npy', () => {
  it('reads what numpy writes: dtypes, 1-D, Fortran order, format versions 1, 2 and 3', async () => {
    runPython(
      `
import numpy as np, sys, json
from numpy.lib import format as fmt
d = sys.argv[1] + '/'
rng = np.random.default_rng(1)
a = rng.standard_normal((6, 5)).astype('float32')
a[0, 0] = -0.0
np.save(d + 'f4.npy', a); a.tofile(d + 'f4.raw')
np.save(d + 'f8.npy', a.astype('float64') / 3); (a.astype('float64') / 3).astype('float32').tofile(d + 'f8.raw')
i = rng.integers(-2**31, 2**31, (4, 3)).astype('int32')
np.save(d + 'i4.npy', i); i.tofile(d + 'i4.raw')
np.save(d + 'i8.npy', i.astype('int64'))
np.save(d + 'u1.npy', rng.integers(0, 256, (3, 7)).astype('uint8')); np.load(d + 'u1.npy').tofile(d + 'u1.raw')
np.save(d + 'i1.npy', rng.integers(-128, 128, (2, 9)).astype('int8')); np.load(d + 'i1.npy').tofile(d + 'i1.raw')
np.save(d + 'one.npy', a[1]); a[1].tofile(d + 'one.raw')
np.save(d + 'fortran.npy', np.asfortranarray(a)); assert np.load(d + 'fortran.npy').flags.f_contiguous
for v in (2, 3):
    with open(d + 'v%d.npy' % v, 'wb') as f:
        fmt.write_array(f, a, version=(v, 0))
print(json.dumps(True))
`,
      [tmp.dir],
    );
    const f4 = await readNpy(tmp.file('f4.npy'));
    expect([f4.rows, f4.dim, f4.descr, f4.shape]).toEqual([6, 5, '<f4', [6, 5]]);
    expectSameFloats(f4.data as Float32Array, new Float32Array(raw('f4.raw')));
    const f8 = readNpySync(tmp.file('f8.npy'));
    expect(f8.descr).toBe('<f8');
    expectSameFloats(f8.data as Float32Array, new Float32Array(raw('f8.raw')));
    expect((await readNpy(tmp.file('i4.npy'))).data).toEqual(new Int32Array(raw('i4.raw')));
    const i8 = await readNpy(tmp.file('i8.npy'));
    expect([i8.descr, i8.data]).toEqual(['<i8', new Int32Array(raw('i4.raw'))]);
    expect((await readNpy(tmp.file('u1.npy'))).data).toEqual(new Uint8Array(raw('u1.raw')));
    const i1 = await readNpy(tmp.file('i1.npy'));
    expect([i1.rows, i1.dim, i1.data]).toEqual([2, 9, new Int8Array(raw('i1.raw'))]);
    const one = await readNpy(tmp.file('one.npy'));
    expect([one.rows, one.dim, one.shape]).toEqual([1, 5, [5]]);
    expectSameFloats(one.data as Float32Array, new Float32Array(raw('one.raw')));
    for (const name of ['fortran.npy', 'v2.npy', 'v3.npy']) {
      const m = await readNpy(tmp.file(name));
      expect([m.rows, m.dim], name).toEqual([6, 5]);
      expectSameFloats(m.data as Float32Array, new Float32Array(raw('f4.raw')));
    }
  });

  it('reads row slices (C and Fortran order)', async () => {
    const all = new Float32Array(raw('f4.raw'));
    for (const name of ['f4.npy', 'fortran.npy']) {
      const m = await readNpy(tmp.file(name), { offset: 2, limit: 3 });
      expect([m.rows, m.dim]).toEqual([3, 5]);
      expectSameFloats(m.data as Float32Array, all.subarray(10, 25));
      expect(readNpySync(tmp.file(name), { offset: 9 }).rows).toBe(0);
    }
    const f8 = await readNpy(tmp.file('f8.npy'), { offset: 5 });
    expectSameFloats(f8.data as Float32Array, new Float32Array(raw('f8.raw')).subarray(25));
  });

  it('writes files numpy reads, byte-identical to numpy.save', async () => {
    const f4 = Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5);
    await writeNpy(tmp.file('ek-f4.npy'), { data: f4, dim: 4 });
    writeNpySync(tmp.file('ek-i4.npy'), { data: Int32Array.of(-2147483648, 2147483647, 0, 5, -6, 7), dim: 2, rows: 3 });
    await writeNpy(tmp.file('ek-u1.npy'), { data: Uint8Array.of(0, 255, 128), dim: 3 });
    const wide = new Float32Array(3 * 1234);
    await writeNpy(tmp.file('ek-wide.npy'), { data: wide, dim: 1234 });
    const result = runPython(
      `
import numpy as np, sys, json, io
out = {}
for name in sys.argv[1:]:
    a = np.load(name)
    b = io.BytesIO(); np.save(b, a)
    out[name.split('/')[-1]] = [a.dtype.str, list(a.shape), b.getvalue() == open(name, 'rb').read(), a.ravel().tolist()[:6]]
print(json.dumps(out))
`,
      ['ek-f4.npy', 'ek-i4.npy', 'ek-u1.npy', 'ek-wide.npy'].map((n) => tmp.file(n)),
    );
    expect(result).toEqual({
      'ek-f4.npy': ['<f4', [3, 4], true, Array.from(f4.subarray(0, 6))],
      'ek-i4.npy': ['<i4', [3, 2], true, [-2147483648, 2147483647, 0, 5, -6, 7]],
      'ek-u1.npy': ['|u1', [1, 3], true, [0, 255, 128]],
      'ek-wide.npy': ['<f4', [3, 1234], true, [0, 0, 0, 0, 0, 0]],
    });
    expect(encodeNpyHeader('<f4', [3, 4]).length % 64).toBe(0);
    const back = await readNpy(tmp.file('ek-f4.npy'));
    expectSameFloats(back.data as Float32Array, f4);
  });

  it('parses Python literals as numpy headers contain them', () => {
    const dict = parsePyLiteral(
      `{"descr": '<f4', 'fortran_order': False, 'shape': (3L, 4), 'x': [1, (2,), ()], 'y': None, 'z': (5), }  \n`,
    );
    expect(dict).toBeInstanceOf(Map);
    const map = dict as Map<string, unknown>;
    expect(map.get('shape')).toEqual(new PyTuple([3, 4]));
    expect(map.get('x')).toEqual([1, new PyTuple([2]), new PyTuple([])]);
    expect([map.get('y'), map.get('z'), map.get('fortran_order')]).toEqual([null, 5, false]);
    expect(() => parsePyLiteral("{'a': 1 'b': 2}")).toThrow(/expected ',' or '}' at character 8/);
    expect(() => parsePyLiteral("{'a': 1.5}")).toThrow(/found a float/);
    expect(() => parsePyLiteral("{'a': 'x}")).toThrow(/unterminated string/);
    expect(() => parsePyLiteral("{'a': 1, 'a': 2}")).toThrow(/duplicate key 'a'/);
    expect(() => parsePyLiteral('{1: 2}')).toThrow(/dict keys must be strings/);
    expect(() => parsePyLiteral("{'a': os.system('x')}")).toThrow(/unexpected "os"/);
  });

  describe('errors name the file and the problem', () => {
    const f4 = (n: number): Uint8Array => new Uint8Array(new Float32Array(n).buffer);

    it('unsupported arrays: big-endian, other dtypes, structured, 0-D and 3-D', async () => {
      const cases: [string, string, Uint8Array, RegExp][] = [
        [
          'be.npy',
          "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }",
          f4(4),
          /big-endian dtype '>f4' is not supported; convert it in numpy with a\.astype\('<f4'\)/,
        ],
        [
          'f2.npy',
          "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }",
          f4(1),
          /unsupported dtype '<f2' \(supported: '<f4', '<f8', '<i4', '<i8', '\|u1', '\|i1'\)/,
        ],
        ['bool.npy', "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(2), /unsupported dtype '\|b1'/],
        [
          'struct.npy',
          "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
          f4(2),
          /structured dtype \[\('a', '<f4'\)\] is not supported/,
        ],
        [
          'scalar.npy',
          "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
          f4(1),
          /0-D array of shape \(\) of '<f4': only 1-D and 2-D arrays are supported/,
        ],
        ['cube.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2), }", f4(8), /3-D array of shape \(2, 2, 2\)/],
        ['nocols.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 0), }", f4(0), /has rows of 0 values/],
      ];
      for (const [name, header, data, problem] of cases) {
        const file = handNpy(name, header, data);
        await expectFileError(() => readNpy(file), file, problem);
      }
    });

    it('values that do not fit: int64 beyond int32, float64 beyond float32', async () => {
      const big = new BigInt64Array([1n, 2n, 3n, 1n << 40n]);
      const i8 = handNpy('i8.npy', "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", new Uint8Array(big.buffer));
      await expectFileError(() => readNpy(i8), i8, /int64 value 1099511627776 at row 1, column 1 does not fit in int32/);
      const negative = handNpy(
        'i8n.npy',
        "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
        new Uint8Array(new BigInt64Array([-(1n << 31n), -(1n << 31n) - 1n]).buffer),
      );
      await expectFileError(() => readNpy(negative), negative, /int64 value -2147483649 at row 0, column 1/);
      const f8 = handNpy(
        'f8.npy',
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }",
        new Uint8Array(Float64Array.of(1, -1e300, Infinity).buffer),
      );
      await expectFileError(() => readNpy(f8), f8, /float64 value -1e\+300 at row 0, column 1 is outside the float32 range/);
      const inf = handNpy(
        'f8inf.npy',
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
        new Uint8Array(Float64Array.of(Infinity, NaN, 3.4028234663852886e38).buffer),
      );
      expect(Array.from((await readNpy(inf)).data)).toEqual([Infinity, NaN, 3.4028234663852886e38]);
    });

    it('damaged files: magic, version, header, data size', async () => {
      const good = fs.readFileSync(tmp.file('f4.npy'));
      const variant = (name: string, bytes: Uint8Array): string => {
        fs.writeFileSync(tmp.file(name), bytes);
        return tmp.file(name);
      };
      const empty = variant('empty.npy', new Uint8Array(0));
      await expectFileError(() => readNpy(empty), empty, /empty file/);
      const text = variant('text.npy', Buffer.from('not numpy at all'));
      await expectFileError(() => readNpy(text), text, /not a \.npy file: expected the magic bytes \\x93NUMPY, found 6e 6f 74 20 6e 75/);
      const v4 = Buffer.from(good);
      v4[6] = 4;
      const v4File = variant('v4.npy', v4);
      await expectFileError(() => readNpy(v4File), v4File, /unsupported \.npy format version 4\.0/);
      for (const at of [3, 8, 11, 50, 127]) {
        const cut = variant(`cut-${at}.npy`, good.subarray(0, at));
        await expectFileError(() => readNpy(cut), cut, /truncated: /);
      }
      const shortData = variant('short.npy', good.subarray(0, good.length - 4));
      await expectFileError(
        () => readNpy(shortData),
        shortData,
        /truncated: shape \(6, 5\) of '<f4' needs 120 data bytes, the file has 116 after the 128-byte header/,
      );
      const longer = variant('long.npy', Buffer.concat([good, Buffer.alloc(3)]));
      await expectFileError(() => readNpy(longer), longer, /3 unexpected bytes after the data \(shape \(6, 5\) of '<f4' is 120 bytes\)/);
      const headers: [string, RegExp][] = [
        ["{'descr': '<f4', 'shape': (2,), }", /expected the keys 'descr', 'fortran_order' and 'shape', found 'descr', 'shape'/],
        ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", /found 'descr', 'fortran_order', 'shape', 'x'/],
        ["{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", /fortran_order 0 is not True or False/],
        ["{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", /shape \[2\] is not a tuple of non-negative integers/],
        ["{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", /shape \(-2,\) is not a tuple/],
        [
          "{'descr': '<f4', 'fortran_order': False 'shape': (2,)}",
          /invalid \.npy header: expected ',' or '}' at character \d+: "\{'descr'/,
        ],
        ["['descr']", /invalid \.npy header: not a dict/],
      ];
      for (const [i, [header, problem]] of headers.entries()) {
        const file = handNpy(`h${i}.npy`, header, f4(2), 2);
        await expectFileError(() => readNpy(file), file, problem);
      }
    });

    it('a header nested 20,000 levels deep fails with its message, not a stack overflow (fuzz finding)', async () => {
      const deep = handNpy(
        'deep.npy',
        `{'descr': '<f4', 'fortran_order': False, 'shape': ${'('.repeat(20000)}${')'.repeat(20000)}}`,
        f4(2),
        2,
      );
      await expectFileError(() => readNpy(deep), deep, /invalid \.npy header: nested deeper than 100 levels at character \d+/);
      expect(() => parsePyLiteral(`${'['.repeat(100)}${']'.repeat(100)}`)).not.toThrow();
      expect(() => parsePyLiteral(`${'['.repeat(101)}${']'.repeat(101)}`)).toThrow(/nested deeper than 100 levels/);
    });
  });

  it('writers refuse bad input with a UsageError and leave no file', async () => {
    const dir = tmp.file('w');
    fs.mkdirSync(dir);
    const file = `${dir}/x.npy`;
    await expect(writeNpy(file, { data: new Float64Array(2) as unknown as Float32Array, dim: 2 })).rejects.toThrow(
      /Float32Array, Int32Array or Uint8Array, got Float64Array/,
    );
    await expect(writeNpy(file, { data: new Float32Array(3), dim: 2 })).rejects.toThrow(/not a multiple of dim 2/);
    expect(() => writeNpySync(file, { data: new Float32Array(4), dim: 2, rows: 1 })).toThrow(UsageError);
    await expect(readNpy(file, { limit: -1 })).rejects.toBeInstanceOf(UsageError);
    expect(listDir(dir)).toEqual([]);
  });
});
