// CPU used by the app, PostgreSQL, the load generator and the whole machine, read from Linux's /proc: the
// benchmarks print it per request, so a figure can be explained and compared between runs on a busy machine.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every mainstream Linux build

/** utime + stime of a process in ms, or 0 when it cannot be read. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU ms of each process named `postgres` (the server and its backends) that this user can see, by pid. */
function postgresCpuMs(): Map<number, number> {
  const byPid = new Map<number, number>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') byPid.set(Number(entry), processCpuMs(Number(entry)));
      } catch {
        // ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return byPid;
}

function machine(): { busy: number; iowait: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, , iowait, irq, softirq, steal] = cpu as [number, number, number, number, number, number, number, number];
    return { busy: ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SECOND, iowait: (iowait * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return { busy: 0, iowait: 0 };
  }
}

export interface CpuSnapshot {
  apps: number;
  postgres: Map<number, number>;
  loadGenerator: number;
  machine: { busy: number; iowait: number };
  at: number;
}

export function cpuSnapshot(appPids: readonly number[]): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    apps: appPids.reduce((sum, pid) => sum + processCpuMs(pid), 0),
    postgres: postgresCpuMs(),
    loadGenerator: (own.user + own.system) / 1000,
    machine: machine(),
    at: performance.now(),
  };
}

export interface CpuUse {
  /** CPU ms per request. */
  apps: number;
  postgres: number;
  loadGenerator: number;
  /** Cores busy on average over the interval. */
  appsCores: number;
  postgresCores: number;
  loadCores: number;
  machineCores: number;
  iowaitCores: number;
}

export function cpuUsed(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuUse {
  const n = Math.max(1, requests);
  const wall = after.at - before.at;
  let postgres = 0;
  for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
  const apps = after.apps - before.apps;
  const load = after.loadGenerator - before.loadGenerator;
  return {
    apps: apps / n,
    postgres: postgres / n,
    loadGenerator: load / n,
    appsCores: apps / wall,
    postgresCores: postgres / wall,
    loadCores: load / wall,
    machineCores: (after.machine.busy - before.machine.busy) / wall,
    iowaitCores: (after.machine.iowait - before.machine.iowait) / wall,
  };
}
