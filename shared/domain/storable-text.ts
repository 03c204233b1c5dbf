/**
 * Text every store keeps as it was given: PostgreSQL's `text` refuses the NUL character and
 * `jsonb` refuses `\u0000`, and a lone UTF-16 surrogate (half of a pair) has no UTF-8 form, so a
 * driver would store U+FFFD in its place while events carry the original — the stored message
 * and its concatenated deltas would differ. Model output, tool arguments and tool results pass
 * through here before they are published or stored.
 */

/** What replaces every character that cannot be stored: U+FFFD REPLACEMENT CHARACTER. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

// ES2024 string methods (Node 20 has them; the project's lib is ES2023).
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** `text` with NUL characters and lone surrogates replaced by U+FFFD; the same string when clean. */
export function storableText(text: string): string {
  const withoutNul = text.includes('\0') ? text.replaceAll('\0', REPLACEMENT_CHARACTER) : text;
  const checked = withoutNul as unknown as WellFormedString;
  return checked.isWellFormed() ? withoutNul : checked.toWellFormed();
}

/** Deepest nesting of arrays and objects {@link storableValue} walks. */
export const MAX_VALUE_DEPTH = 256;

/**
 * A JSON-like value with every string in it (keys included) made storable by
 * {@link storableText}. Values without such characters come back as they are (the same object).
 *
 * @throws RangeError for a value nested deeper than {@link MAX_VALUE_DEPTH} levels, which no tool
 *   argument or result needs (and which would otherwise overflow the stack somewhere later).
 */
export function storableValue<T>(value: T): T {
  return clean(value, 0) as T;
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_VALUE_DEPTH) {
    throw new RangeError(`The value is nested deeper than ${MAX_VALUE_DEPTH} levels.`);
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = clean(value[i], depth + 1);
      if (item !== value[i]) {
        copy ??= value.slice();
        copy[i] = item;
      }
    }
    return copy ?? value;
  }
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const entry: [string, unknown] = [storableText(key), clean(item, depth + 1)];
    if (entry[0] !== key || entry[1] !== item) changed = true;
    return entry;
  });
  return changed ? Object.fromEntries(entries) : value;
}
