import { UsageError } from '../../errors.js';
import type { ImageInput } from '../image/types.js';
import type { Encoder } from '../types.js';

/** How to rebuild a backbone: a registry name and JSON-serialisable load options. */
export interface BackboneSpec {
  name: string;
  options: Record<string, unknown>;
}

function checkJson(options: Record<string, unknown>, name: string): Record<string, unknown> {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(options));
  } catch {
    throw new UsageError(`the options of backbone '${name}' must be JSON-serialisable (they are saved with the trained encoder)`);
  }
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy))
    throw new UsageError(`the options of backbone '${name}' must be an object`);
  return copy as Record<string, unknown>;
}

/** Validated copy of a spec (options round-tripped through JSON, as they will be saved). */
export function backboneSpec(name: string, options: Record<string, unknown> = {}): BackboneSpec {
  if (typeof name !== 'string' || name.length === 0) throw new UsageError('the backbone name must be a non-empty string');
  return { name, options: checkJson(options, name) };
}

/**
 * Loads an image encoder of the registry (`mobilenet-v2`, `inception-v3`, `raw-pixels`,
 * `onnx-image`, …) by name, for use as a frozen backbone.
 */
export async function loadBackbone(spec: BackboneSpec): Promise<Encoder<ImageInput>> {
  const { imageEncoderEntries } = await import('../image/registry-entries.js');
  const entry = imageEncoderEntries.find((e) => e.name === spec.name);
  if (!entry) {
    throw new UsageError(`unknown backbone image encoder '${spec.name}' (known: ${imageEncoderEntries.map((e) => e.name).join(', ')})`);
  }
  const encoder = (await entry.load(spec.options)) as Encoder<ImageInput>;
  if (encoder.modality !== 'image')
    throw new UsageError(`backbone '${spec.name}' is a ${encoder.modality} encoder, expected an image encoder`);
  return encoder;
}
