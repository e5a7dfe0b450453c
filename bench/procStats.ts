import { readdirSync, readFileSync } from 'node:fs';

/**
 * Reads a process's memory and CPU use from /proc (Linux only), summed over the process and its
 * descendants (a clustered server's workers count). Returns undefined where /proc is missing.
 */

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every common Linux. */
const CLOCK_TICKS = 100;

/** The process and all its descendants, found through the parent pids in /proc/<pid>/stat. */
export function processTree(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [pid];
  }
  const children = new Map<number, number[]>();
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat === undefined) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(Number(name));
    children.set(stat.ppid, siblings);
  }
  const tree: number[] = [];
  const stack = [pid];
  while (stack.length > 0 && tree.length < 10_000) {
    const next = stack.pop() as number;
    tree.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** Resident memory (VmRSS) in KiB of the process tree, or undefined if unreadable. Usage: `readRssKiB(server.pid)`. */
export function readRssKiB(pid: number): number | undefined {
  let total: number | undefined;
  for (const member of processTree(pid)) {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${member}/status`, 'utf8'));
      if (match !== null) total = (total ?? 0) + Number(match[1]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

/** User + system CPU seconds used so far by the process tree, or undefined if unreadable. Usage: `readCpuSeconds(pid)`. */
export function readCpuSeconds(pid: number): number | undefined {
  let total: number | undefined;
  for (const member of processTree(pid)) {
    const stat = readStat(member);
    if (stat !== undefined) total = (total ?? 0) + stat.ticks / CLOCK_TICKS;
  }
  return total;
}

/** User + system CPU seconds used so far by exactly these processes (no descendants), or undefined if none is readable. */
export function readCpuSecondsOf(pids: readonly number[]): number | undefined {
  let total: number | undefined;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat !== undefined) total = (total ?? 0) + stat.ticks / CLOCK_TICKS;
  }
  return total;
}

/**
 * Seconds the main threads of these processes (`self`: this one) have spent runnable but waiting
 * for a CPU (`/proc/<pid>/schedstat`, second field), summed; undefined where none is readable. A
 * load generator whose CPU use plus this wait is near 100% of the time wanted more CPU than it
 * got: it was saturated. A server that waits was sharing its core.
 *
 * Example: `readRunQueueWaitSeconds(['self'])`
 */
export function readRunQueueWaitSeconds(pids: readonly (number | 'self')[]): number | undefined {
  let total: number | undefined;
  for (const pid of pids) {
    try {
      const waitNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/)[1]);
      if (Number.isFinite(waitNs)) total = (total ?? 0) + waitNs / 1e9;
    } catch {
      // Not Linux, or the process ended meanwhile.
    }
  }
  return total;
}

function readStat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * The kernel's count of UDP datagrams dropped because a socket's receive buffer was full
 * (`RcvbufErrors` in /proc/net/snmp, for the whole machine), or undefined where unreadable.
 * Usage: compare it before and after a run to tell kernel drops from a server that did not answer.
 */
export function readUdpReceiveDrops(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
    const names = (lines[0] ?? '').split(/\s+/);
    const values = (lines[1] ?? '').split(/\s+/);
    const at = names.indexOf('RcvbufErrors');
    return at > 0 && values[at] !== undefined ? Number(values[at]) : undefined;
  } catch {
    return undefined;
  }
}
