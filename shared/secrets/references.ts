/**
 * `{{secret:NAME}}` references: where MCP server env values, headers and provider headers name a
 * secret. They are stored as written and replaced by the secret's value only where the value is
 * used (the worker, and the gateway's `testMcpServer` probe).
 */

/** A secret name: a letter or `_`, then letters, digits and `_`; at most 128 characters. */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Every `{{secret:...}}`, well formed or not (whitespace inside the braces allowed). */
const REFERENCE = /\{\{\s*secret:([^}]*?)\s*\}\}/g;

/** Shortest value redaction replaces: shorter ones would mangle ordinary text. */
export const MIN_REDACTED_LENGTH = 4;

/** Characters of a value `maskedValue` may reveal (its end), and the length needed to reveal any. */
export const MASK_VISIBLE_CHARS = 4;
export const MASK_MIN_LENGTH_TO_REVEAL = 12;

/** The names referenced in `values`, each once, in order of appearance. Malformed names included. */
export function referencedSecretNames(values: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const value of values) {
    for (const match of value.matchAll(REFERENCE)) names.add(match[1] ?? '');
  }
  return [...names];
}

/** True when `value` holds at least one reference. */
export function hasSecretReference(value: string): boolean {
  return referencedSecretNames([value]).length > 0;
}

/**
 * `value` with every reference replaced by the named secret's value.
 * @throws Error naming the first name `values` lacks (callers resolve every name first).
 */
export function substituteSecrets(value: string, values: ReadonlyMap<string, string>): string {
  return value.replace(REFERENCE, (_, name: string) => {
    const resolved = values.get(name);
    if (resolved === undefined) throw new Error(`Secret "${name}" was not resolved.`);
    return resolved;
  });
}

/** The same map of strings with every reference substituted. */
export function substituteAll(
  map: Readonly<Record<string, string>>,
  values: ReadonlyMap<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([key, value]) => [key, substituteSecrets(value, values)]),
  );
}

/** The suffix `maskedValue` may show for a value: its last 4 characters, only for long values. */
export function maskSuffix(value: string): string | null {
  const chars = [...value];
  return chars.length >= MASK_MIN_LENGTH_TO_REVEAL
    ? chars.slice(-MASK_VISIBLE_CHARS).join('')
    : null;
}

/** What the API shows of a secret's value: a fixed mask and, for long values, the last 4 characters. */
export function maskedValue(suffix: string | null): string {
  return `********${suffix ?? ''}`;
}

/** Replaces resolved secret values in text and JSON-like values with `[secret:NAME]`. */
export interface Redactor {
  text(value: string): string;
  /** Strings anywhere in arrays and plain objects (keys included); other values as they are. */
  value<T>(value: T): T;
  /** A redactor that also covers `values`. */
  with(values: ReadonlyMap<string, string>): Redactor;
}

/** A redactor of the given name → value pairs (values shorter than 4 characters are left alone). */
export function createRedactor(values: ReadonlyMap<string, string> = new Map()): Redactor {
  // Longest first, so a value that contains another is replaced whole.
  const pairs = [...values]
    .filter(([, value]) => value.length >= MIN_REDACTED_LENGTH)
    .sort(([, a], [, b]) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    for (const [name, secret] of pairs) {
      if (out.includes(secret)) out = out.split(secret).join(`[secret:${name}]`);
    }
    return out;
  };
  const walk = (input: unknown): unknown => {
    if (pairs.length === 0) return input;
    if (typeof input === 'string') return text(input);
    if (Array.isArray(input)) return input.map(walk);
    if (input !== null && typeof input === 'object' && !(input instanceof Date)) {
      return Object.fromEntries(Object.entries(input).map(([k, v]) => [text(k), walk(v)]));
    }
    return input;
  };
  return {
    text,
    value: <T>(input: T) => walk(input) as T,
    with: (more) => createRedactor(new Map([...values, ...more])),
  };
}
