import { UsageError } from '../../errors.js';
import { loadEncoder } from '../../encode/registry.js';
import type { Encoder } from '../../encode/types.js';
import { badRequest, notFound } from '../http-errors.js';
import type { ClassifierResource, EncoderResource, IndexResource, Resource, VectorsResource } from './types.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** An encoder given as it is. */
function fixedEncoder(encoder: Encoder, name = encoder.name): EncoderResource {
  return { name, modality: encoder.modality, dims: encoder.dimension, get: () => Promise.resolve(encoder) };
}

/** The mean of a vectors model's word vectors, as a text encoder (built on first use). */
function meanEncoder(r: VectorsResource): EncoderResource {
  let loading: Promise<Encoder> | undefined;
  return {
    name: r.name,
    modality: 'text',
    dims: r.vectors.dim,
    get: () => (loading ??= loadEncoder('word-vectors', { vectors: r.vectors, pooling: 'mean', vectorsId: `serve:${r.name}` })),
  };
}

/**
 * What the server has loaded, by name: word vectors and search indexes (the "models" of the API),
 * classifiers, and the encoders `/v1/embed` may use — each vectors model under its own name (mean
 * of word vectors), each index's encoder under the index's name and the encoder's registry name,
 * and encoders given explicitly.
 */
export class ModelSet {
  private readonly byName = new Map<string, Resource>();
  private readonly encoderByName = new Map<string, EncoderResource>();

  constructor(resources: readonly Resource[], encoders: readonly Encoder[] = []) {
    for (const r of resources) {
      if (!NAME.test(r.name)) throw new UsageError(`model name "${r.name}" must be letters, digits, '.', '_' or '-'`);
      if (this.byName.has(r.name)) throw new UsageError(`two models are named "${r.name}": name them with NAME=PATH`);
      this.byName.set(r.name, r);
    }
    const add = (e: EncoderResource) => {
      if (!this.encoderByName.has(e.name)) this.encoderByName.set(e.name, e);
    };
    for (const e of encoders) add(fixedEncoder(e));
    for (const r of resources) {
      if (r.kind === 'vectors') add(meanEncoder(r));
      if (r.kind === 'index') {
        add(fixedEncoder(r.search.encoder, r.name));
        add(fixedEncoder(r.search.encoder, r.search.settings.encoderName));
      }
    }
  }

  /** Every resource, in the order given. */
  all(): Resource[] {
    return [...this.byName.values()];
  }

  /** The vectors models and indexes (what `/v1/models` lists). */
  models(): (VectorsResource | IndexResource)[] {
    return this.all().filter((r): r is VectorsResource | IndexResource => r.kind !== 'classifier');
  }

  classifiers(): ClassifierResource[] {
    return this.all().filter((r): r is ClassifierResource => r.kind === 'classifier');
  }

  encoders(): EncoderResource[] {
    return [...this.encoderByName.values()];
  }

  private named(name: string | undefined, what: string, pool: readonly Resource[]): Resource {
    if (name === undefined) {
      if (pool.length === 0) throw notFound(`the server has no ${what} loaded`);
      return pool[0];
    }
    const r = this.byName.get(name);
    if (!r)
      throw notFound(
        `no model named "${name}" (loaded: ${
          this.all()
            .map((x) => x.name)
            .join(', ') || 'none'
        })`,
      );
    return r;
  }

  /** A vectors model or an index (default: the first loaded). */
  model(name?: string): VectorsResource | IndexResource {
    const r = this.named(name, 'model', this.models());
    if (r.kind === 'classifier') throw badRequest(`"${r.name}" is a classifier; use /v1/classify`);
    return r;
  }

  /** A vectors model (default: the first loaded). */
  vectors(name?: string): VectorsResource {
    const r = this.named(
      name,
      'word-vectors model',
      this.all().filter((x) => x.kind === 'vectors'),
    );
    if (r.kind !== 'vectors')
      throw badRequest(`"${r.name}" is ${r.kind === 'index' ? 'a search index' : 'a classifier'}, not word vectors`);
    return r;
  }

  /** A search index (default: the first loaded). */
  index(name?: string): IndexResource {
    const r = this.named(
      name,
      'search index',
      this.all().filter((x) => x.kind === 'index'),
    );
    if (r.kind !== 'index')
      throw badRequest(`"${r.name}" is ${r.kind === 'vectors' ? 'a word-vectors model' : 'a classifier'}, not a search index`);
    return r;
  }

  /** A classifier (default: the first loaded). */
  classifier(name?: string): ClassifierResource {
    const r = this.named(name, 'classifier', this.classifiers());
    if (r.kind !== 'classifier') throw badRequest(`"${r.name}" is not a classifier`);
    return r;
  }

  /** An encoder by name. */
  encoder(name: string): EncoderResource {
    const e = this.encoderByName.get(name);
    if (!e) throw notFound(`no encoder named "${name}" (available: ${[...this.encoderByName.keys()].join(', ') || 'none'})`);
    return e;
  }
}
