import type { FuzzCase, Mutation } from './case.js';
import type { BaseFile, FuzzTarget } from './target.js';

function shortBytes(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.subarray(0, 24)).toString('latin1');
  const shown = /^[\x20-\x7e]*$/.test(text) ? JSON.stringify(text) : `0x${Buffer.from(bytes.subarray(0, 12)).toString('hex')}`;
  return bytes.length > 24 ? `${shown}…(${bytes.length} bytes)` : shown;
}

function describeStep(m: Mutation): string {
  switch (m.kind) {
    case 'flip':
      return `flip bit ${m.bit} @${m.at}`;
    case 'set':
      return `set @${m.at} = 0x${m.value.toString(16)}`;
    case 'truncate':
      return `truncate @${m.at}`;
    case 'cut':
      return `cut at boundary ${m.boundary}${m.delta >= 0 ? '+' : ''}${m.delta}`;
    case 'insert':
      return `insert @${m.at} ${shortBytes(m.bytes)}`;
    case 'delete':
      return `delete @${m.at} ×${m.length}`;
    case 'repeat':
      return `repeat @${m.at} ${m.length} bytes ×${m.times}`;
    case 'append':
      return `append ${shortBytes(m.bytes)}`;
    case 'splice':
      return `splice base ${m.other} from ${m.cutB} after ${m.cutA}`;
    case 'field':
      return `field ${m.field} = ${JSON.stringify(m.value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
    case 'token':
      return `token ${m.index} := ${shortBytes(m.bytes)}`;
    case 'edit':
      return `edit ${JSON.stringify(m.edit, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? shortBytes(v) : typeof v === 'string' && v.length > 40 ? `${v.slice(0, 40)}…(${v.length} chars)` : v))}`;
  }
}

/** A one-line description of a case, for reports and counterexamples. */
export function describeCase(target: FuzzTarget, bases: readonly BaseFile[], c: FuzzCase): string {
  const base = bases[c.base % bases.length];
  const start = c.random
    ? `random ${c.random.bytes.length} bytes${c.random.magic ? ' after the magic' : ''}`
    : `base ${c.base % bases.length} (${base.label})`;
  const parts = [start, ...c.steps.map(describeStep)];
  if (c.fix) parts.push('checksums fixed');
  if (c.gzip !== 'none') parts.push(`gzip ${c.gzip} mutating`);
  return `${parts.join('; ')} — read: ${target.variants[c.variant % target.variants.length]}`;
}
