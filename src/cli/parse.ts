import { InvalidArgumentError } from 'commander';

/** commander argument parsers that reject bad values with a clear message (exit code 2). */
export function int(min = -Infinity, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`'${value}' is not an integer.`);
    if (n < min || n > max) throw new InvalidArgumentError(`${n} is out of range (${min} .. ${max}).`);
    return n;
  };
}

export function float(min = -Infinity, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`'${value}' is not a number.`);
    if (n < min || n > max) throw new InvalidArgumentError(`${n} is out of range (${min} .. ${max}).`);
    return n;
  };
}

export function oneOf<T extends string>(values: readonly T[], aliases: Record<string, T> = {}) {
  return (value: string): T => {
    const v = (aliases[value] ?? value) as T;
    if (!values.includes(v)) throw new InvalidArgumentError(`'${value}' is not one of ${values.join(', ')}.`);
    return v;
  };
}
