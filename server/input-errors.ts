import type { GraphQLError } from 'graphql';

/**
 * graphql-js quotes input back in its coercion and validation messages: `Variable "$input" got
 * invalid value { …the whole object… }; …`, `String cannot represent a non string value: …`,
 * `Value "…" does not exist in "IfBusy" enum.` An input object may hold an API key or a prompt;
 * an error message lands in client logs, proxies and error trackers. These messages are rewritten
 * here, keeping the variable, the path into it and the reason, never the value. Names the schema
 * defines (types, fields, enum values) are kept.
 */

/** A type reference as graphql-js prints it: `String!`, `[ID!]!`, `CreateAgentInput`. */
const TYPE = String.raw`\[*\w+!?\]*!?\]*!?`;
/** Suggestions graphql-js adds (` Did you mean "x"?`); they hold schema names only. */
const SUGGESTION = /^(?: Did you mean [\w\s",]*\?)?$/;
/** Field names of input objects echoed in messages: GraphQL names, of a sane length. */
const ECHOABLE_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Rewrites `error`'s message in place when it quotes input, and returns it. Works on the errors
 * of variable coercion (their `originalError` is the inner reason) and of validation (literals in
 * the query); other errors are returned untouched.
 */
export function withoutInputValues<T extends GraphQLError>(error: T): T {
  const message = redactedMessage(error.message, error.originalError?.message);
  if (message !== error.message) error.message = message;
  return error;
}

/**
 * The message without input values. `reason`: for a variable's coercion error, the inner error's
 * message, which graphql-js appends after `; ` (it is how the variable's part is told apart from
 * the reason, since the quoted value may contain anything).
 */
export function redactedMessage(message: string, reason?: string): string {
  const variable = /^Variable "\$(\w+)" got invalid value /.exec(message);
  if (variable) return variableMessage(message, variable[1]!, reason);
  return redactedReason(message, false) ?? message;
}

function variableMessage(message: string, name: string, reason: string | undefined): string {
  if (reason === undefined || !message.endsWith(`; ${reason}`)) {
    return `Variable "$${name}" got an invalid value.`;
  }
  const head = message.slice(0, -(reason.length + 2));
  // The path graphql-js prints after the value: ` at "input.items[2].name"`. Quoted strings in
  // the value are JSON-escaped, so only the real path can end the head this way.
  const path = new RegExp(String.raw` at "(${name}(?:\.\w+|\[\d+\])*)"$`).exec(head);
  const where = path ? ` at "${path[1]}"` : '';
  return `Variable "$${name}" got an invalid value${where}; ${redactedReason(reason, true) ?? reason}`;
}

/**
 * A coercion or literal reason without the value: null when `text` quotes none. `strict`: the
 * text is a coercion reason, where anything unrecognised (a custom scalar's own message) may
 * quote the value and becomes a generic reason.
 */
function redactedReason(text: string, strict: boolean): string | null {
  const scalar = /^(Int|Float|String|Boolean|ID) cannot represent (.*?)value: /s.exec(text);
  if (scalar) return `${scalar[1]} cannot represent ${scalar[2]}value.`;

  const enumKind = /^Enum "(\w+)" cannot represent non-(string|enum) value: /.exec(text);
  if (enumKind) return `Enum "${enumKind[1]}" cannot represent non-${enumKind[2]} value.`;

  // Greedy: the real type name is the last one, after the (unescaped) value.
  const enumValue = /^Value "(.*)" does not exist in "(\w+)" enum\.(.*)$/s.exec(text);
  if (enumValue) {
    const hint = SUGGESTION.test(enumValue[3]!) ? enumValue[3]! : '';
    return `The value does not exist in "${enumValue[2]}" enum.${hint}`;
  }

  const unknownField = /^Field "(.*)" is not defined by type "(\w+)"\.(.*)$/s.exec(text);
  if (unknownField) {
    const field = ECHOABLE_NAME.test(unknownField[1]!) ? `Field "${unknownField[1]}"` : 'A field';
    const hint = SUGGESTION.test(unknownField[3]!) ? unknownField[3]! : '';
    return `${field} is not defined by type "${unknownField[2]}".${hint}`;
  }

  const literal = new RegExp(`^Expected value of type "(${TYPE})", found `).exec(text);
  if (literal) return `Expected value of type "${literal[1]}".`;

  const expected = /^Expected type "(\w+)"\. /.exec(text);
  if (expected) return `Expected type "${expected[1]}".`;

  if (!strict || SAFE_REASONS.some((safe) => safe.test(text))) return null;
  return 'The value is not valid here.';
}

/** Coercion reasons that quote no value (graphql-js 16 and the schema's own scalars). */
const SAFE_REASONS = [
  new RegExp(`^Field "[\\w.]+" of required type "${TYPE}" was not provided\\.$`),
  /^Expected type "\w+" to be an object\.$/,
  /^Expected type "\w+"\.$/,
  /^Exactly one key must be specified for OneOf type "\w+"\.$/,
  /^Field "\w+" must be non-null\.$/,
  /^DateTime must be an ISO-8601 string\.$/,
];
