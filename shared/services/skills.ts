import type { Skill } from '../domain/types.ts';
import { BadUserInputError, NotFoundError } from '../errors.ts';
import type { Page, PageArgs } from '../ports/pagination.ts';
import type { NewSkill, SkillPatch, Store } from '../ports/store.ts';
import type { ServiceDeps, Viewer } from './types.ts';
import { limitedText, optionalText, requiredText } from './validation.ts';

export const SKILL_LIMITS = {
  /** Characters of a name. */
  name: 200,
  /** Characters of a description. */
  description: 2_000,
  /** Characters of the instructions. */
  instructions: 50_000,
  /** Tags of one skill. */
  tags: 20,
  /** Characters of one tag. */
  tag: 100,
  /** Skill ids, and skill tags, one agent or workflow may name. */
  references: 50,
} as const;

export interface CreateSkillInput {
  name: string;
  description?: string | null;
  instructions: string;
  tags?: readonly string[] | null;
}

export interface UpdateSkillInput {
  name?: string | null;
  description?: string | null;
  instructions?: string | null;
  tags?: readonly string[] | null;
}

/** Which skills a run uses: named by id, and every skill carrying one of the tags. */
export interface SkillSelection {
  ids: readonly string[];
  tags: readonly string[];
}

/**
 * The order skills appear in a system prompt: by name (UTF-16 code units, not the locale, so
 * every process agrees), then by id. Creation order or the order of `skillIds` does not matter,
 * so the same set always yields the same text.
 */
export function compareSkills(a: Skill, b: Skill): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/**
 * The skills a selection names: those named by id (ids of deleted skills are skipped) and those
 * carrying any of the tags, each skill once, in {@link compareSkills} order.
 */
export async function resolveSkills(
  store: Store,
  tenantId: string,
  selection: SkillSelection,
): Promise<Skill[]> {
  const [byId, byTag] = await Promise.all([
    store.skills.getMany(tenantId, [...new Set(selection.ids)]),
    store.skills.listByTags(tenantId, selection.tags),
  ]);
  const skills = new Map<string, Skill>();
  for (const skill of [...byId, ...byTag]) {
    if (skill && !skills.has(skill.id)) skills.set(skill.id, skill);
  }
  return [...skills.values()].sort(compareSkills);
}

/** Distinct ids, each naming one of the tenant's skills: else NOT_FOUND, like any unseen id. */
export async function checkSkillIds(
  store: Store,
  viewer: Viewer,
  ids: readonly string[],
  field = 'skillIds',
): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length > SKILL_LIMITS.references) {
    throw new BadUserInputError(`${field} names at most ${SKILL_LIMITS.references} skills.`, {
      field,
    });
  }
  const found = await store.skills.getMany(viewer.tenantId, unique);
  const missing = unique.find((_, index) => !found[index]);
  if (missing !== undefined) throw new NotFoundError('Skill', missing);
  return unique;
}

/** Distinct, trimmed, non-empty tags within the limits. */
export function skillTags(field: string, tags: readonly string[], max: number): string[] {
  const unique = [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag.length > 0))];
  if (unique.length > max || unique.some((tag) => tag.length > SKILL_LIMITS.tag)) {
    throw new BadUserInputError(
      `${field} holds at most ${max} tags of up to ${SKILL_LIMITS.tag} characters.`,
      { field },
    );
  }
  return unique;
}

function instructionsOf(value: string): string {
  const text = limitedText('instructions', value, SKILL_LIMITS.instructions);
  if (text.trim().length === 0) {
    throw new BadUserInputError('instructions must not be empty.', { field: 'instructions' });
  }
  return text;
}

export type SkillService = ReturnType<typeof createSkillService>;

/** Skills: validation and authorisation around the skill store. */
export function createSkillService({ store }: Pick<ServiceDeps, 'store'>) {
  return {
    create(viewer: Viewer, input: CreateSkillInput): Promise<Skill> {
      const skill: NewSkill = {
        tenantId: viewer.tenantId,
        name: requiredText('name', input.name, SKILL_LIMITS.name),
        description: optionalText('description', input.description, SKILL_LIMITS.description),
        instructions: instructionsOf(input.instructions),
        tags: skillTags('tags', input.tags ?? [], SKILL_LIMITS.tags),
      };
      return store.skills.create(skill);
    },

    async update(viewer: Viewer, id: string, input: UpdateSkillInput): Promise<Skill> {
      const patch: SkillPatch = {};
      if (input.name != null) patch.name = requiredText('name', input.name, SKILL_LIMITS.name);
      if (input.description !== undefined) {
        patch.description = optionalText(
          'description',
          input.description,
          SKILL_LIMITS.description,
        );
      }
      if (input.instructions != null) patch.instructions = instructionsOf(input.instructions);
      if (input.tags != null) patch.tags = skillTags('tags', input.tags, SKILL_LIMITS.tags);
      const updated = await store.skills.update(viewer.tenantId, id, patch);
      if (!updated) throw new NotFoundError('Skill', id);
      return updated;
    },

    /** Deletes the skill; agents and workflows that named it no longer do (see SkillStore). */
    async delete(viewer: Viewer, id: string): Promise<string> {
      if (!(await store.skills.delete(viewer.tenantId, id))) throw new NotFoundError('Skill', id);
      return id;
    },

    list(viewer: Viewer, page: PageArgs): Promise<Page<Skill>> {
      return store.skills.list(viewer.tenantId, page);
    },

    getMany(viewer: Viewer, ids: readonly string[]): Promise<(Skill | null)[]> {
      return store.skills.getMany(viewer.tenantId, ids);
    },

    /** The skills a selection resolves to, as a run would use them. */
    resolve(viewer: Viewer, selection: SkillSelection): Promise<Skill[]> {
      return resolveSkills(store, viewer.tenantId, selection);
    },
  };
}
