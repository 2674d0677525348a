import { describe, expect, it } from 'vitest';
import { InOrderDelivery } from '../../src/jobs/in-order-delivery.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('InOrderDelivery', () => {
  it('delivers each batch once, in input order, as soon as it and those before it are done', async () => {
    const tasks = ['a', 'b', 'a', 'c', 'd'];
    const got: string[] = [];
    const d = new InOrderDelivery<string>(
      tasks,
      async (i) => {
        await tick();
        return `${tasks[i]}@${i}`;
      },
      (_, r) => void got.push(r),
    );
    d.markDone(['b']);
    await d.settle();
    expect(got).toEqual([]); // 'a' (batch 0) is not done yet
    d.markDone(['a']);
    await d.settle();
    expect(got).toEqual(['a@0', 'b@1', 'a@2']);
    expect(d.verified('a') && d.verified('b') && !d.verified('c')).toBe(true);
    d.markDone(['d']);
    d.markDone(['c']);
    expect(await d.settle()).toBe(5);
    expect(got).toEqual(['a@0', 'b@1', 'a@2', 'c@3', 'd@4']);
  });

  it('waits at a missing result until the task is marked done again', async () => {
    const tasks = ['a', 'b', 'c'];
    let bAvailable = false;
    const got: number[] = [];
    const d = new InOrderDelivery<number>(
      tasks,
      async (i) => {
        await tick();
        if (tasks[i] === 'b' && !bAvailable) return undefined;
        return i;
      },
      (i) => void got.push(i),
    );
    d.markDone(tasks);
    expect(await d.settle()).toBe(1);
    expect(d.verified('b')).toBe(false);
    bAvailable = true;
    d.markDone(['b']);
    expect(await d.settle()).toBe(3);
    expect(got).toEqual([0, 1, 2]);
  });

  it('stops at the first error of the consumer, reports it once, and rethrows it', async () => {
    const errors: unknown[] = [];
    const d = new InOrderDelivery<number>(
      ['a', 'b', 'c'],
      (i) => Promise.resolve(i),
      (i) => {
        if (i === 1) throw new Error('disk full');
      },
      (e) => errors.push(e),
    );
    d.markDone(['a', 'b', 'c']);
    await expect(d.settle()).rejects.toThrow('disk full');
    expect(d.delivered).toBe(1);
    expect(errors).toHaveLength(1);
    d.markDone(['c']); // nothing more after an error
    await expect(d.settle()).rejects.toThrow('disk full');
    expect(d.delivered).toBe(1);
  });
});
