/**
 * An answer other than success, thrown from deep inside a route and turned into the simulator's one
 * error shape (`{"message": "..."}`) by `handleRequest`.
 */
export class SimHttpError extends Error {
  override name = 'SimHttpError' as const;
  readonly status: number;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, message: string, headers?: Record<string, string>) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}
