import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's utime/stime: 100 on every Linux Node runs on in practice. */
const CLK_TCK = 100;

export interface ProcessSample {
  /** utime + stime, seconds. */
  cpuSeconds: number;
  rssBytes: number;
}

/** CPU time and resident memory of a process from /proc; undefined when it is gone or /proc is absent. */
export async function readProcess(pid: number): Promise<ProcessSample | undefined> {
  try {
    const [stat, status] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
    ]);
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(rssKb)) return undefined;
    return { cpuSeconds: (utime + stime) / CLK_TCK, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** The same two figures from a server's own Prometheus endpoint (standard process collector names). */
export async function scrapeProcess(url: string, timeoutMs: number): Promise<ProcessSample | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const text = await res.text();
    const value = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)`, 'm').exec(text)?.[1]);
    const cpuSeconds = value('process_cpu_seconds_total');
    const rssBytes = value('process_resident_memory_bytes');
    return Number.isFinite(cpuSeconds) && Number.isFinite(rssBytes) ? { cpuSeconds, rssBytes } : undefined;
  } catch {
    return undefined;
  }
}
