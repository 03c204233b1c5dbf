import { BadUserInputError } from '../errors.ts';

/** A required text field: trimmed, non-empty, at most `max` characters. */
export function requiredText(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new BadUserInputError(`${field} must not be empty.`, { field });
  return limitedText(field, trimmed, max);
}

/** A text field that may be empty, at most `max` characters. */
export function limitedText(field: string, value: string, max: number): string {
  if (value.length > max) {
    throw new BadUserInputError(
      `${field} is ${value.length} characters long; the limit is ${max}.`,
      {
        field,
        limit: max,
      },
    );
  }
  return value;
}

/** An optional text field: null/undefined stay null, otherwise trimmed and limited. */
export function optionalText(field: string, value: string | null | undefined, max: number) {
  if (value === null || value === undefined) return null;
  return limitedText(field, value.trim(), max);
}

export function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(`${field} must be an integer from ${min} to ${max}.`, { field });
  }
  return value;
}
