import { describe, expect, it } from 'vitest';
import type { Skill } from '../shared/domain/types.ts';
import { buildSystemPrompt } from './system-prompt.ts';

function skill(id: string, name: string, extra: Partial<Skill> = {}): Skill {
  return {
    id,
    tenantId: 't',
    name,
    description: null,
    instructions: `Instructions of ${name}.`,
    tags: [],
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...extra,
  };
}

describe('the system prompt with skills', () => {
  it('is the agent’s system prompt unchanged without skills', () => {
    expect(buildSystemPrompt('You help.\n', [])).toBe('You help.\n');
  });

  it('adds a Skills section after the agent’s prompt, one subsection per skill, by name then id', () => {
    const skills = [
      skill('02', 'Tone', { description: 'How to sound.', instructions: '  Be kind.\n' }),
      skill('09', 'Citations'),
      skill('01', 'Tone', { instructions: 'Be brief.' }),
    ];
    expect(buildSystemPrompt('You help.\n\n', skills)).toBe(
      [
        'You help.',
        '',
        '# Skills',
        '',
        'The following skills are available to you. Apply a skill whenever the request calls for it.',
        '',
        '## Citations',
        '',
        'Instructions of Citations.',
        '',
        '## Tone',
        '',
        'Be brief.',
        '',
        '## Tone',
        '',
        'How to sound.',
        '',
        'Be kind.',
      ].join('\n'),
    );
  });

  it('gives byte-identical text for the same skills in any order', () => {
    const skills = [skill('a', 'Zeta'), skill('b', 'alpha'), skill('c', 'Beta')];
    const text = buildSystemPrompt('S', skills);
    expect(buildSystemPrompt('S', [...skills].reverse())).toBe(text);
    expect(buildSystemPrompt('S', [skills[1]!, skills[2]!, skills[0]!])).toBe(text);
    // Code-unit order, not the locale's: capitals first.
    expect(text.indexOf('## Beta')).toBeLessThan(text.indexOf('## Zeta'));
    expect(text.indexOf('## Zeta')).toBeLessThan(text.indexOf('## alpha'));
  });

  it('keeps a heading on one line and starts with the section when the agent has no prompt', () => {
    const text = buildSystemPrompt('', [skill('a', 'Two\nlines')]);
    expect(text.startsWith('# Skills\n\n')).toBe(true);
    expect(text).toContain('## Two lines\n\n');
  });
});
