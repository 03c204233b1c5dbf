import type { ObjectRef } from '@pothos/core';
import { BadUserInputError } from '../shared/errors.ts';
import type { Page, PageArgs } from '../shared/ports/pagination.ts';
import { builder, type Types } from './builder.ts';

/** Page size when `first` is absent, and the largest accepted. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const PageInfo = builder
  .objectRef<ConnectionShape<unknown>['pageInfo']>('PageInfo')
  .implement({
    description: 'Where a page of a connection ends and whether more follow.',
    fields: (t) => ({
      hasNextPage: t.exposeBoolean('hasNextPage', { description: 'True when more items follow.' }),
      endCursor: t.exposeString('endCursor', {
        nullable: true,
        description: 'Pass as `after` to fetch the next page; null for an empty page.',
      }),
    }),
  });

/** Defines `<Name>Connection` and `<Name>Edge` for a node type. */
export function defineConnection<T>(name: string, node: ObjectRef<Types, T>) {
  const edge = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    description: `One ${name} in a page.`,
    fields: (t) => ({
      cursor: t.exposeString('cursor', { description: 'Opaque position of this edge.' }),
      node: t.field({
        type: node as ObjectRef<Types, unknown>,
        description: `The ${name}.`,
        resolve: (e) => e.node,
      }),
    }),
  });
  return builder.objectRef<ConnectionShape<T>>(`${name}Connection`).implement({
    description: `A page of ${name} items.`,
    fields: (t) => ({
      edges: t.field({
        type: [edge],
        description: 'The items of this page.',
        resolve: (c) => c.edges,
      }),
      pageInfo: t.field({
        type: PageInfo,
        description: 'Paging state.',
        resolve: (c) => c.pageInfo,
      }),
    }),
  });
}

/** `first` and `after`, the paging arguments of every connection field. */
export const connectionArgs = builder.args((t) => ({
  first: t.int({
    description: `Items to return, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
  }),
  after: t.string({ description: 'Return the items after this cursor (an `endCursor`).' }),
}));

/** Decodes GraphQL paging arguments into a store page request. */
export function toPageArgs(args: { first?: number | null; after?: string | null }): PageArgs {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be from 1 to ${MAX_PAGE_SIZE}.`, { field: 'first' });
  }
  return { first, after: args.after ? decodeCursor(args.after) : null };
}

export function toConnection<T>(page: Page<T>, key: (item: T) => string): ConnectionShape<T> {
  const edges = page.items.map((node) => ({ cursor: encodeCursor(key(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

function encodeCursor(key: string): string {
  return Buffer.from(`k:${key}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  if (!decoded.startsWith('k:') || decoded.length < 3) {
    throw new BadUserInputError('after is not a cursor from this connection.', { field: 'after' });
  }
  return decoded.slice(2);
}
