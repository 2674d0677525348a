import { UsageError } from '../../errors.js';

/** A condition on one metadata field: a value (equality) or operators. */
export type FieldCondition =
  | string
  | number
  | boolean
  | null
  | {
      $eq?: unknown;
      $ne?: unknown;
      $in?: readonly unknown[];
      $nin?: readonly unknown[];
      $gt?: number;
      $gte?: number;
      $lt?: number;
      $lte?: number;
    };

/**
 * Which documents a query may return: every listed field must satisfy its condition (MongoDB-style
 * operators `$eq $ne $in $nin $gt $gte $lt $lte`; a plain value means equality; an array-valued
 * field matches when any element does), or a predicate on (id, metadata).
 */
export type MetadataFilter =
  Readonly<Record<string, FieldCondition>> | ((id: string | number, metadata: Record<string, unknown>) => boolean);

const OPERATORS = new Set(['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte']);

function matchesOne(v: unknown, c: FieldCondition): boolean {
  if (c === null || typeof c !== 'object') return v === c;
  for (const [op, arg] of Object.entries(c)) {
    const ok =
      op === '$eq'
        ? v === arg
        : op === '$ne'
          ? v !== arg
          : op === '$in'
            ? (arg as unknown[]).includes(v)
            : op === '$nin'
              ? !(arg as unknown[]).includes(v)
              : typeof v === 'number' &&
                (op === '$gt'
                  ? v > (arg as number)
                  : op === '$gte'
                    ? v >= (arg as number)
                    : op === '$lt'
                      ? v < (arg as number)
                      : v <= (arg as number));
    if (!ok) return false;
  }
  return true;
}

/** Checks a filter's shape once, and returns its predicate. */
export function compileFilter(filter: MetadataFilter): (id: string | number, metadata: Record<string, unknown>) => boolean {
  if (typeof filter === 'function') return filter;
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter))
    throw new UsageError('filter must be an object of field conditions or a function');
  const entries = Object.entries(filter);
  for (const [field, c] of entries) {
    if (c === null || typeof c !== 'object') continue;
    for (const [op, arg] of Object.entries(c)) {
      if (!OPERATORS.has(op)) throw new UsageError(`filter on '${field}': unknown operator '${op}'`);
      if ((op === '$in' || op === '$nin') && !Array.isArray(arg)) throw new UsageError(`filter on '${field}': ${op} needs an array`);
      if (['$gt', '$gte', '$lt', '$lte'].includes(op) && typeof arg !== 'number')
        throw new UsageError(`filter on '${field}': ${op} needs a number`);
    }
  }
  return (_id, metadata) =>
    entries.every(([field, c]) => {
      const v = metadata[field];
      return Array.isArray(v) && (c === null || typeof c !== 'object' || '$eq' in c || '$in' in c)
        ? v.some((x) => matchesOne(x, c))
        : matchesOne(v, c);
    });
}
