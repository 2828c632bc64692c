/**
 * One line saying why a store operation failed: the cause's message with its errno code, syscall and path
 * where Node gives them (`ENOENT: no such file or directory, mkdir '/srv/.data'`). Store errors put it in
 * their own message so a log line or a start-up failure says what went wrong without unwrapping `cause`.
 */
export function describeCause(cause: unknown, depth = 0): string {
  if (isWasmErrnoError(cause)) {
    const code = wasmErrnoCodes[cause.errno];
    return `${cause.name} ${code === undefined ? `errno ${cause.errno}` : `${code} (errno ${cause.errno})`} in PGlite's file system`;
  }
  if (!(cause instanceof Error)) return String(cause);
  const { code, syscall, path } = cause as NodeJS.ErrnoException;
  let text = `${cause.name === 'Error' ? '' : `${cause.name}: `}${cause.message}`;
  if (typeof code === 'string' && !cause.message.includes(code)) text = `${code}: ${text}`;
  if (typeof syscall === 'string' && !cause.message.includes(syscall)) text += ` (${syscall})`;
  if (typeof path === 'string' && !cause.message.includes(path)) text += ` '${path}'`;
  // An error that wraps another (AggregateError, a driver's wrapper) often says the useful part below.
  if (cause.cause !== undefined && depth < 3)
    text += `; caused by ${describeCause(cause.cause, depth + 1)}`;
  return text;
}

/**
 * PGlite's WASM file system throws Emscripten's `ErrnoError` objects: no message, not an `Error`, and
 * numbered by Emscripten rather than by the host. The usual ones by name, so `[object Object]` never
 * stands for a cause.
 */
const wasmErrnoCodes: Readonly<Record<number, string>> = {
  2: 'EACCES',
  10: 'EBUSY',
  20: 'EEXIST',
  28: 'EINVAL',
  29: 'EIO',
  31: 'EISDIR',
  33: 'EMFILE',
  44: 'ENOENT',
  51: 'ENOSPC',
  54: 'ENOTDIR',
  55: 'ENOTEMPTY',
  63: 'EPERM',
  69: 'EROFS',
};

function isWasmErrnoError(cause: unknown): cause is { name: string; errno: number } {
  const candidate = cause as { name?: unknown; errno?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.name === 'ErrnoError' &&
    typeof candidate.errno === 'number'
  );
}
