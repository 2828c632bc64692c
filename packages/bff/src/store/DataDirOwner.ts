import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a PGlite folder: written into the lock so a refused second open can name its owner. */
export interface DataDirOwner {
  pid: number;
  host: string;
  /** When the owner took the folder (ISO 8601). */
  since: string;
  /** Random per open, so two opens by one pid (or a reused pid) are told apart. */
  token: string;
  /**
   * The owner's start time in clock ticks since boot (`/proc/<pid>/stat` field 22), where Linux offers it.
   * A live pid with another start time is a different process that reused the number.
   */
  startTicks?: string;
}

/** The start time of a process as Linux records it, or `undefined` off Linux or when it is gone. */
export function readStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function describeOwner(owner: DataDirOwner): string {
  return `pid ${owner.pid} on host ${owner.host} since ${owner.since}`;
}

export type OwnerLiveness = 'alive' | 'dead' | 'unknown';

/**
 * Whether the process that wrote `owner` still runs. Only answerable on this host: `kill(pid, 0)` says
 * whether the pid exists (EPERM: it does, as another user), and the Linux start time rules out a reused
 * pid (a container restarted with the same pid, say). Another host's owner is `unknown`, and an unknown
 * owner is never taken over. Our own pid counts like any other: a second open in this process (another
 * copy of this module, a worker thread) finds its owner alive and is refused.
 */
export function ownerLiveness(owner: DataDirOwner): OwnerLiveness {
  if (owner.host !== hostname()) return 'unknown';
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
  }
  if (owner.startTicks !== undefined) {
    const now = readStartTicks(owner.pid);
    if (now !== undefined && now !== owner.startTicks) return 'dead';
  }
  return 'alive';
}
