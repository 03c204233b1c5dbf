import { MESSAGE_ROLES, type MessageRole } from '../shared/domain/types.ts';
import { builder } from './builder.ts';
import { defineConnection } from './connection.ts';

/** A stored message, or one carried by a MessageEvent (whose dates are ISO strings). */
export interface MessageShape {
  id: string;
  role: MessageRole;
  content: string;
  runId: string | null;
  createdAt: Date | string;
}

export const MessageRoleEnum = builder.enumType('MessageRole', {
  description: 'Who a message is from.',
  values: Object.fromEntries(MESSAGE_ROLES.map((r) => [r, { value: r }])) as Record<
    MessageRole,
    { value: MessageRole }
  >,
});

export const Message = builder.objectRef<MessageShape>('Message').implement({
  description: 'One message of a workflow’s conversation.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id; deltas name it before it is complete.' }),
    role: t.field({
      type: MessageRoleEnum,
      description: 'Who it is from.',
      resolve: (m) => m.role,
    }),
    content: t.exposeString('content', { description: 'The full text.' }),
    runId: t.exposeID('runId', { nullable: true, description: 'The run that produced it.' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was stored.',
      resolve: (m) => m.createdAt,
    }),
  }),
});

export const MessageConnection = defineConnection('Message', Message);
