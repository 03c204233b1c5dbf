import {
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Resumable SSE for plain `EventSource` clients, on the two event subscriptions:
 *
 * - Every event is sent with an SSE `id:` line carrying its cursor (the event's `id` field as the
 *   operation selected it, under any alias or fragment), so a browser remembers where it is:
 *   `server/event-streams.ts` writes it, using {@link locateCursor}.
 * - A request with a `Last-Event-ID` header (what an `EventSource` sends when it reconnects)
 *   resumes after that id: the header's value becomes the field's cursor argument (`after`, or
 *   `afterId` when the query uses that one). When it is a variable (`after: $after`) that variable
 *   is set, overriding `variables`; when it is a literal it is replaced; when the query gives
 *   neither, `after` is added. Any other operation, and a query that does not parse, is left
 *   alone.
 */

/** Subscription fields whose events carry a cursor `id` and that take `after` to resume. */
const RESUMABLE_FIELDS: ReadonlySet<string> = new Set(['runEvents', 'workflowEvents']);
/** Their arguments that name the cursor to resume after: `after: String` and `afterId: ID`. */
const CURSOR_ARGUMENTS: ReadonlySet<string> = new Set(['after', 'afterId']);

/** Where an event's cursor is in a result: `data[fieldKey][idKey]` for the first idKey present. */
export interface CursorLocation {
  fieldKey: string;
  idKeys: readonly string[];
}

export function useSseResume(): Plugin {
  return {
    onParams({ request, params, setParams }) {
      const lastEventId = request.headers.get('last-event-id');
      if (!lastEventId || typeof params.query !== 'string') return;
      const resumed = resumeAfter(params, lastEventId);
      if (resumed) setParams(resumed);
    },
  };
}

function operationOf(
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((op) => op.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function resumableFields(operation: OperationDefinitionNode | undefined): FieldNode[] {
  if (operation?.operation !== 'subscription') return [];
  return operation.selectionSet.selections.filter(
    (s): s is FieldNode => s.kind === Kind.FIELD && RESUMABLE_FIELDS.has(s.name.value),
  );
}

/**
 * Where the event's cursor lands in each result of a subscription to one of the event fields:
 * `data[fieldKey][idKey]` for the first `idKey` present (none when `id` is not selected).
 * Undefined for any other operation.
 */
export function locateCursor(
  document: DocumentNode,
  operationName: string | undefined,
): CursorLocation | undefined {
  const [field] = resumableFields(operationOf(document, operationName));
  if (!field) return undefined;
  const fieldKey = field.alias?.value ?? field.name.value;
  if (!field.selectionSet) return { fieldKey, idKeys: [] };
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [],
    ),
  );
  const idKeys: string[] = [];
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === 'id') idKeys.push(selection.alias?.value ?? 'id');
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment);
      }
    }
  };
  visit(field.selectionSet);
  return { fieldKey, idKeys };
}

interface Params {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

/** The params with `after` set to `lastEventId` on every resumable field, or null if none. */
function resumeAfter(params: Params, lastEventId: string): Params | null {
  let document: DocumentNode;
  try {
    document = parse(params.query ?? '');
  } catch {
    return null; // Yoga reports the syntax error itself.
  }
  const fields = resumableFields(operationOf(document, params.operationName));
  if (fields.length === 0) return null;
  const variables = { ...params.variables };
  // Text edits to the query, applied from the end so earlier offsets stay valid.
  const edits: { start: number; end: number; text: string }[] = [];
  const literal = JSON.stringify(lastEventId); // A JSON string is a valid GraphQL string.
  for (const field of fields) {
    const given = field.arguments?.filter((a) => CURSOR_ARGUMENTS.has(a.name.value)) ?? [];
    for (const argument of given) {
      if (argument.value.kind === Kind.VARIABLE) {
        variables[argument.value.name.value] = lastEventId;
      } else if (argument.value.loc) {
        const { start, end } = argument.value.loc;
        edits.push({ start, end, text: literal });
      }
    }
    if (given.length === 0) {
      const last = field.arguments?.at(-1)?.loc;
      // Both fields have a required id argument, so a valid query has one to follow.
      if (last) edits.push({ start: last.end, end: last.end, text: `, after: ${literal}` });
    }
  }
  let query = params.query ?? '';
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    query = query.slice(0, edit.start) + edit.text + query.slice(edit.end);
  }
  return { ...params, query, variables };
}
