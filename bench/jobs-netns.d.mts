/** Types of jobs-netns.mjs (used by test/jobs). */
export interface NetnsHost {
  name: string;
  veth: string;
  hostAddr: string;
  nsAddr: string;
  wrapper: string[];
}
export function netnsSupport(): { ok: true } | { ok: false; reason: string };
export function createHosts(count: number): { hosts: NetnsHost[]; remove(): void };
