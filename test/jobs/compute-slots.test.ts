// The compute slots of a worker: never more sections at once than slots, waiters served in order,
// and a failing section frees its slot.
import { describe, expect, it } from 'vitest';
import { ComputeSlots } from '../../src/jobs/compute-slots.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ComputeSlots', () => {
  it('runs at most `size` sections at once, the others in arrival order', async () => {
    const slots = new ComputeSlots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates = Array.from({ length: 5 }, () => {
      let open = () => undefined as void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    });
    const all = gates.map((g, i) =>
      slots.run(async () => {
        order.push(i);
        running++;
        most = Math.max(most, running);
        await g.opened;
        running--;
        return i * 10;
      }),
    );
    await tick();
    expect(order).toEqual([0, 1]);
    gates[1].open();
    await tick();
    expect(order).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(all)).toEqual([0, 10, 20, 30, 40]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('frees the slot of a section that throws', async () => {
    const slots = new ComputeSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(() => Promise.resolve('next'))).toBe('next');
  });
});
