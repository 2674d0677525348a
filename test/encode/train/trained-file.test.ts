import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLayer } from '../../../src/learn/mlp.js';
import { Random } from '../../../src/learn/random.js';
import type { TrainedEncoderInfo } from '../../../src/encode/train/trained-encoder.js';
import {
  decodeTrainedEncoder,
  encodeTrainedEncoder,
  loadTrainedEncoder,
  readTrainedEncoderFile,
  saveTrainedEncoder,
} from '../../../src/encode/train/trained-file.js';
import { FileFormatError, UsageError } from '../../../src/errors.js';

const rng = new Random(1);
const layers = [
  createLayer({ inputs: 64, outputs: 12, activation: 'relu', bias: true }, rng),
  createLayer({ inputs: 12, outputs: 5, activation: 'none', bias: false }, rng),
];
const info: TrainedEncoderInfo = {
  kind: 'projection-head',
  name: 'trained:test',
  backbone: { name: 'raw-pixels', options: { size: 8 }, dimension: 64 },
  labels: ['a', 'b'],
  training: { loss: 'supcon' },
};

describe('.ekte trained-encoder files', () => {
  let tmp: string;
  let file: string;
  let bytes: Buffer;
  beforeAll(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'embedkit-ekte-'));
    file = path.join(tmp, 'model.ekte');
    await saveTrainedEncoder(file, info, layers);
    bytes = await fsp.readFile(file);
  });
  afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

  it('round-trips header and weights exactly', async () => {
    const back = await readTrainedEncoderFile(file);
    expect(back.info).toEqual(info);
    expect(back.layers.map((l) => [l.inputs, l.outputs, l.activation, l.bias !== undefined])).toEqual([
      [64, 12, 'relu', true],
      [12, 5, 'none', false],
    ]);
    expect(Array.from(back.layers[0].weights)).toEqual(Array.from(layers[0].weights));
    expect(Array.from(back.layers[1].weights)).toEqual(Array.from(layers[1].weights));
    expect(bytes.equals(encodeTrainedEncoder(info, layers))).toBe(true);
  });

  const cases: [string, (b: Buffer) => Buffer, RegExp][] = [
    ['zero bytes', () => Buffer.alloc(0), /empty file \(0 bytes\)/],
    [
      'another format (PNG)',
      () => Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
      /not an embedkit trained-encoder file \(bad magic/,
    ],
    ['truncated in the weights', (b) => b.subarray(0, b.length - 100), /truncated: \d+ bytes, expected \d+/],
    ['truncated in the header', (b) => b.subarray(0, 40), /truncated/],
    [
      'a flipped weight byte',
      (b) => {
        const c = Buffer.from(b);
        c[c.length - 60] ^= 0x40;
        return c;
      },
      /checksum mismatch/,
    ],
    ['trailing bytes', (b) => Buffer.concat([b, Buffer.from('xx')]), /unexpected bytes after the weights/],
    [
      'a newer version',
      (b) => {
        const c = Buffer.from(b);
        c.writeUInt32LE(9, 8);
        return c;
      },
      /unsupported version 9/,
    ],
    [
      'a damaged header',
      (b) => {
        const c = Buffer.from(b);
        c.write('#', 16);
        return c;
      },
      /header is not valid JSON/,
    ],
  ];
  for (const [what, damage, message] of cases) {
    it(`refuses ${what} with a FileFormatError naming the file`, async () => {
      const bad = path.join(tmp, `bad-${what.replace(/\W+/g, '-')}.ekte`);
      await fsp.writeFile(bad, damage(bytes));
      const error = await readTrainedEncoderFile(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileFormatError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message.startsWith(bad)).toBe(true);
    });
  }

  it('checks the layer chain against the backbone dimension', () => {
    const wrong = { ...info, backbone: { ...info.backbone, dimension: 63 } };
    expect(() => decodeTrainedEncoder(encodeTrainedEncoder(wrong, layers), 'x.ekte')).toThrow(
      /x\.ekte: invalid header: layer 0 takes 64 inputs but receives 63/,
    );
  });

  it('missing file and folder errors name the path', async () => {
    await expect(readTrainedEncoderFile(path.join(tmp, 'nope.ekte'))).rejects.toThrow(/nope\.ekte: file not found/);
    await expect(readTrainedEncoderFile(tmp)).rejects.toThrow(/is a folder/);
  });

  it('reload rebuilds the backbone; a backbone of another dimension or name is refused', async () => {
    const encoder = await loadTrainedEncoder(file);
    expect(encoder.backbone.name).toBe('raw-pixels');
    expect(encoder.backbone.dimension).toBe(64);
    const img = { data: new Uint8Array(10 * 10 * 3).fill(200), width: 10, height: 10, channels: 3 as const };
    img.data[5] = 0;
    const out = await encoder.embed([img]);
    expect(out.errors).toEqual([]);
    expect(Math.hypot(...out.data)).toBeCloseTo(1, 5);
    await expect(loadTrainedEncoder(file, { backboneOptions: { size: 4 } })).rejects.toThrow(
      /dimension mismatch: trained on 64-d features of 'raw-pixels', the backbone gives 16-d/,
    );
    await expect(
      loadTrainedEncoder(file, {
        backbone: encoder.backbone.name === 'x' ? encoder.backbone : { ...encoder.backbone, name: 'other', embed: encoder.backbone.embed },
      }),
    ).rejects.toThrow(UsageError);
    await encoder.dispose();
  });

  it('a backbone the file names but embedkit cannot build is a FileFormatError naming the file (fuzz finding)', async () => {
    for (const [name, backbone, problem] of [
      ['unknown.ekte', { ...info.backbone, name: 'x' }, /cannot rebuild its backbone: unknown backbone image encoder 'x'/],
      [
        'bad-options.ekte',
        { ...info.backbone, options: { size: 'big' } },
        /cannot rebuild its backbone: size must be an integer in 1 \.\. 512/,
      ],
    ] as const) {
      const bad = path.join(tmp, name);
      await saveTrainedEncoder(bad, { ...info, backbone }, layers);
      const error = await loadTrainedEncoder(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileFormatError); // was a UsageError naming no file
      expect((error as Error).message.startsWith(`${bad}: `)).toBe(true);
      expect((error as Error).message).toMatch(problem);
    }
    // the caller's own options stay a usage error (naming the file)
    await expect(loadTrainedEncoder(file, { backboneOptions: { size: 0 } })).rejects.toThrow(UsageError);
  });
});
