import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { redactedMessage, withoutInputValues } from './input-errors.ts';

describe('redactedMessage', () => {
  it('replaces a reason it does not know, which may quote the value, with a generic one', () => {
    const reason = 'Expected a colour, got "sk-SECRET"';
    expect(
      redactedMessage(`Variable "$c" got invalid value "sk-SECRET" at "c.hue"; ${reason}`, reason),
    ).toBe('Variable "$c" got an invalid value at "c.hue"; The value is not valid here.');
  });

  it('keeps only the type of an "Expected type" reason with a scalar’s own message', () => {
    const reason = 'Expected type "Colour". Not a colour: sk-SECRET';
    expect(redactedMessage(`Variable "$c" got invalid value "sk-SECRET"; ${reason}`, reason)).toBe(
      'Variable "$c" got an invalid value; Expected type "Colour".',
    );
  });

  it('says only which variable failed when the reason cannot be told apart from the value', () => {
    expect(redactedMessage('Variable "$input" got invalid value { secret: "sk-SECRET" }; x')).toBe(
      'Variable "$input" got an invalid value.',
    );
  });

  it('keeps suggestions, which are schema names, and drops anything posing as one', () => {
    expect(
      redactedMessage(
        'Value "ENQUE" does not exist in "IfBusy" enum. Did you mean the enum value "ENQUEUE"?',
      ),
    ).toBe('The value does not exist in "IfBusy" enum. Did you mean the enum value "ENQUEUE"?');
    expect(
      redactedMessage(
        'Value "x" does not exist in "IfBusy" enum." does not exist in "IfBusy" enum. sk-SECRET',
      ),
    ).toBe('The value does not exist in "IfBusy" enum.');
    expect(redactedMessage('Expected value of type "[ID!]!", found "sk-SECRET".')).toBe(
      'Expected value of type "[ID!]!".',
    );
  });

  it('leaves messages that quote no value alone', () => {
    for (const message of [
      'Cannot query field "nope" on type "Query".',
      'Variable "$id" of required type "ID!" was not provided.',
      'Syntax Error: Unexpected "}".',
    ]) {
      expect(redactedMessage(message)).toBe(message);
    }
  });
});

describe('withoutInputValues', () => {
  it('rewrites a coercion error in place from its inner reason', () => {
    const inner = new GraphQLError('Int cannot represent non-integer value: "sk-SECRET"');
    const error = new GraphQLError(
      `Variable "$input" got invalid value "sk-SECRET" at "input.maxTurns"; ${inner.message}`,
      { originalError: inner },
    );
    expect(withoutInputValues(error)).toBe(error);
    expect(error.message).toBe(
      'Variable "$input" got an invalid value at "input.maxTurns"; Int cannot represent non-integer value.',
    );
    expect(JSON.stringify(error)).not.toContain('SECRET');
  });
});
