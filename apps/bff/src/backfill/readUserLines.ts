import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The input of `pnpm backfill`: its lines, and how many there are when that can be known up front. */
export interface UserLines {
  lines: AsyncIterable<string> | string[];
  /** `undefined` never: a file is counted in a first pass, standard input is read whole (for the ETA). */
  total: number;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }))
    lines.push(line);
  return lines;
}

/**
 * Lines of a file (streamed twice: once to count them for the progress bar's total, once to work) or of
 * standard input for `-` (kept in memory, since it can be read only once: ~50 MB for a million ids).
 * node:readline splits them; a last line without a newline counts, a trailing newline adds no line.
 */
export async function readUserLines(source: string): Promise<UserLines> {
  if (source === '-') {
    const lines = await readAll(process.stdin);
    return { lines, total: lines.length };
  }
  let total = 0;
  for await (const _ of createInterface({
    input: createReadStream(source, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  }))
    total++;
  // Opened only when iterated: a readline interface starts reading at once and drops the lines emitted
  // before its async iterator is attached (start-up of the store and platform takes seconds).
  async function* streamed(): AsyncGenerator<string> {
    yield* createInterface({
      input: createReadStream(source, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
  }
  return { lines: streamed(), total };
}
