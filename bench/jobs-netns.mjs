// Worker "hosts" for the jobs tests and bench: one Linux network namespace per host, joined to the
// root namespace by its own veth pair (10.N.k.1 on the root side, 10.N.k.2 inside). A process run
// through `host.exec` sees only its namespace's interfaces, so its traffic to Redis at 10.N.k.1
// crosses its own link and arrives from its own address. Needs root (CAP_NET_ADMIN) and `ip`.
import { spawnSync } from 'node:child_process';

function ip(args, { allowFail = false } = {}) {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0 && !allowFail) throw new Error(`ip ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.status === 0;
}

/**
 * Whether namespaces can be made here: `{ ok: true }`, or `{ ok: false, reason }` (no `ip`, not root,
 * or the kernel refuses), checked by creating and deleting a probe namespace with a veth pair.
 */
export function netnsSupport() {
  if (spawnSync('ip', ['-V']).status !== 0) return { ok: false, reason: 'the `ip` command (iproute2) is not installed' };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'network namespaces need root' };
  const name = `ekjp${process.pid % 100000}`;
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', `${name}h`, 'type', 'veth', 'peer', 'name', `${name}n`]);
    ip(['link', 'set', `${name}n`, 'netns', name]);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `cannot create a network namespace with a veth pair: ${error.message}` };
  } finally {
    ip(['link', 'del', `${name}h`], { allowFail: true });
    ip(['netns', 'del', name], { allowFail: true });
  }
}

/**
 * Creates `count` hosts. Returns `{ hosts, remove }`; each host is `{ name, hostAddr, nsAddr, wrapper }`
 * where `wrapper` prefixes a command to run it inside the namespace. `remove()` deletes them all.
 */
export function createHosts(count) {
  const tag = process.pid % 100000;
  const net = 100 + (process.pid % 150); // second octet: runs of different processes do not collide
  const hosts = [];
  const remove = () => {
    for (const h of hosts) {
      ip(['link', 'del', h.veth], { allowFail: true });
      ip(['netns', 'del', h.name], { allowFail: true });
    }
  };
  try {
    for (let k = 1; k <= count; k++) {
      const name = `ekj${tag}n${k}`;
      const veth = `ekj${tag}h${k}`;
      const peer = `ekj${tag}p${k}`;
      const hostAddr = `10.${net}.${k}.1`;
      const nsAddr = `10.${net}.${k}.2`;
      ip(['netns', 'add', name]);
      hosts.push({ name, veth, hostAddr, nsAddr, wrapper: ['ip', 'netns', 'exec', name] });
      ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', peer]);
      ip(['link', 'set', peer, 'netns', name]);
      ip(['addr', 'add', `${hostAddr}/24`, 'dev', veth]);
      ip(['link', 'set', veth, 'up']);
      ip(['netns', 'exec', name, 'ip', 'addr', 'add', `${nsAddr}/24`, 'dev', peer]);
      ip(['netns', 'exec', name, 'ip', 'link', 'set', peer, 'up']);
      ip(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
    }
  } catch (error) {
    remove();
    throw error;
  }
  return { hosts, remove };
}
