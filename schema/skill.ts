import type { Skill as SkillShape } from '../shared/domain/types.ts';
import { builder } from './builder.ts';
import { connectionArgs, defineConnection, toConnection, toPageArgs } from './connection.ts';

export const Skill = builder.objectRef<SkillShape>('Skill').implement({
  description:
    'Named instructions that agents (by id or tag) and workflows (by id) add to the system prompt of their runs.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    name: t.exposeString('name', {
      description: 'Name; the heading of the skill in the system prompt, and its sort key there.',
    }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'What the skill is for; shown under its name in the system prompt.',
    }),
    instructions: t.exposeString('instructions', {
      description: 'The text injected into the system prompt.',
    }),
    tags: t.exposeStringList('tags', { description: 'Tags agents select skills by.' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was created.',
      resolve: (s) => s.createdAt,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When it last changed.',
      resolve: (s) => s.updatedAt,
    }),
  }),
});

const SkillConnection = defineConnection('Skill', Skill);

const CreateSkillInput = builder.inputType('CreateSkillInput', {
  description: 'A new skill.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Name (1–200 characters).' }),
    description: t.string({ description: 'What the skill is for (up to 2,000 characters).' }),
    instructions: t.string({
      required: true,
      description: 'The text injected into the system prompt (1–50,000 characters).',
    }),
    tags: t.stringList({
      description: 'Tags agents select skills by (at most 20, each up to 100 characters).',
    }),
  }),
});

const UpdateSkillInput = builder.inputType('UpdateSkillInput', {
  description: 'Changes to a skill; absent fields stay as they are.',
  fields: (t) => ({
    name: t.string({ description: 'Name (1–200 characters).' }),
    description: t.string({ description: 'What the skill is for; null clears it.' }),
    instructions: t.string({ description: 'The text injected into the system prompt.' }),
    tags: t.stringList({ description: 'Replaces the tags.' }),
  }),
});

builder.queryFields((t) => ({
  skill: t.field({
    type: Skill,
    nullable: true,
    description: 'One skill, or null if there is none with this id.',
    args: { id: t.arg.id({ required: true, description: 'The skill id.' }) },
    resolve: async (_, { id }, ctx) =>
      (await ctx.services.skills.getMany(ctx.viewer, [id]))[0] ?? null,
  }),
  skills: t.field({
    type: SkillConnection,
    description: 'Skills, newest first.',
    args: connectionArgs,
    resolve: async (_, args, ctx) =>
      toConnection(await ctx.services.skills.list(ctx.viewer, toPageArgs(args)), (s) => s.id),
  }),
}));

builder.mutationFields((t) => ({
  createSkill: t.field({
    type: Skill,
    description: 'Creates a skill. Values beyond the limits are BAD_USER_INPUT.',
    args: { input: t.arg({ type: CreateSkillInput, required: true, description: 'The skill.' }) },
    resolve: (_, { input }, ctx) => ctx.services.skills.create(ctx.viewer, input),
  }),
  updateSkill: t.field({
    type: Skill,
    description: 'Changes a skill; runs that start afterwards use the new text.',
    args: {
      id: t.arg.id({ required: true, description: 'The skill id.' }),
      input: t.arg({ type: UpdateSkillInput, required: true, description: 'The changes.' }),
    },
    resolve: (_, { id, input }, ctx) => ctx.services.skills.update(ctx.viewer, id, input),
  }),
  deleteSkill: t.field({
    type: 'ID',
    description:
      'Deletes a skill and returns its id. It is removed from the `skillIds` of every agent and workflow naming it; runs that start afterwards go without it.',
    args: { id: t.arg.id({ required: true, description: 'The skill id.' }) },
    resolve: (_, { id }, ctx) => ctx.services.skills.delete(ctx.viewer, id),
  }),
}));
