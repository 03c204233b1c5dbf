import type { Skill } from '../shared/domain/types.ts';
import { compareSkills } from '../shared/services/skills.ts';

/** The heading under which skills follow the agent's own system prompt. */
export const SKILLS_HEADING = '# Skills';

/** The line under the heading, telling the model what the sections below are. */
export const SKILLS_PREAMBLE =
  'The following skills are available to you. Apply a skill whenever the request calls for it.';

/**
 * The system prompt of a run: the agent's own system prompt, then — when there are skills — a
 * `# Skills` section with one `## <name>` section per skill (its description, if any, then its
 * instructions), sorted by name, then id ({@link compareSkills}).
 *
 * A pure function of its input: the same agent prompt and the same set of skills always give
 * byte-identical text, whatever order the skills arrive in, so providers can cache the prompt
 * prefix across runs. Without skills it is the agent's system prompt unchanged.
 */
export function buildSystemPrompt(agentPrompt: string, skills: readonly Skill[]): string {
  if (skills.length === 0) return agentPrompt;
  const sections = [...skills].sort(compareSkills).map((skill) => {
    // A heading is one line: line breaks in a name would start text outside it.
    const name = skill.name.replace(/\s+/g, ' ').trim();
    const description = skill.description?.trim();
    const parts = [`## ${name}`];
    if (description) parts.push(description);
    parts.push(skill.instructions.trim());
    return parts.join('\n\n');
  });
  const head = agentPrompt.trimEnd();
  return [...(head ? [head] : []), `${SKILLS_HEADING}\n\n${SKILLS_PREAMBLE}`, ...sections].join(
    '\n\n',
  );
}
