import { SimHttpError } from './SimHttpError.js';

// The platform's documented limit for text fields.
export const MAX_TEXT_LENGTH = 256;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_OR_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** 422, the platform's status for a bad field. */
export function badField(message: string): SimHttpError {
  return new SimHttpError(422, message);
}

export function textLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

export function requiredText(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined) throw badField(`${name} is required.`);
  return checkText(name, value);
}

/** A module id: documented content ids of modules carry the `mref-` prefix. */
export function requiredModuleId(body: Record<string, unknown>, name: string): string {
  const value = requiredText(body, name);
  if (!value.startsWith('mref-') || value.length === 'mref-'.length) {
    throw badField(`${name} must be a module id (mref-...).`);
  }
  return value;
}

export function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return value === undefined ? undefined : checkText(name, value);
}

function checkText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || textLength(value) > MAX_TEXT_LENGTH) {
    throw badField(`${name} must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters.`);
  }
  return value;
}

export function requiredBoolean(body: Record<string, unknown>, name: string): boolean {
  const value = body[name];
  if (typeof value !== 'boolean') throw badField(`${name} is required and must be a boolean.`);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value !== undefined && typeof value !== 'boolean') {
    throw badField(`${name} must be a boolean.`);
  }
  return value;
}

export function requiredNonNegativeInteger(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  if (value === undefined) throw badField(`${name} is required.`);
  return checkNonNegativeInteger(name, value);
}

export function optionalNonNegativeInteger(
  body: Record<string, unknown>,
  name: string,
): number | undefined {
  const value = body[name];
  return value === undefined ? undefined : checkNonNegativeInteger(name, value);
}

function checkNonNegativeInteger(name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw badField(`${name} must be a non-negative integer.`);
  }
  return value as number;
}

/** ISO-8601 date-time with a time zone, e.g. `2026-11-26T15:30:00Z`. */
export function requiredDateTime(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw badField(`${name} is required and must be an ISO-8601 date-time with a time zone.`);
  }
  return value;
}

/** ISO-8601 date or date-time. */
export function optionalDate(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    !DATE_OR_DATE_TIME.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw badField(`${name} must be an ISO-8601 date or date-time.`);
  }
  return value;
}
