import {
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';

/**
 * Resumable SSE for plain `EventSource` clients, on the two event subscriptions:
 *
 * - Every event is sent with an SSE `id:` line carrying its cursor (the event's `id` field as the
 *   operation selected it, under any alias or fragment), so a browser remembers where it is.
 * - A request with a `Last-Event-ID` header (what an `EventSource` sends when it reconnects)
 *   resumes after that id: the header's value becomes the field's `after` argument. When `after`
 *   is a variable (`after: $after`) that variable is set, overriding `variables`; when it is a
 *   literal or absent, the query's `after` is replaced or added. Any other operation, and a query
 *   that does not parse, is left alone.
 *
 * The SSE framing itself stays Yoga's (pings, `event: next`, `event: complete`).
 */

/** Subscription fields whose events carry a cursor `id` and that take `after` to resume. */
const RESUMABLE_FIELDS: ReadonlySet<string> = new Set(['runEvents', 'workflowEvents']);

/** Where an event's cursor is in a result: `data[fieldKey][idKey]` for the first idKey present. */
interface CursorLocation {
  fieldKey: string;
  idKeys: readonly string[];
}

interface SerializableResult {
  data?: Record<string, unknown> | null;
  stringify?: (result: SerializableResult) => string;
}

export function useSseResume(): Plugin {
  const locations = new WeakMap<Request, CursorLocation>();
  return {
    onParams({ request, params, setParams }) {
      const lastEventId = request.headers.get('last-event-id');
      if (!lastEventId || typeof params.query !== 'string') return;
      const resumed = resumeAfter(params, lastEventId);
      if (resumed) setParams(resumed);
    },
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const location = locateCursor(args.document, args.operationName ?? undefined);
      if (request && location) locations.set(request, location);
    },
    onResultProcess({ request, result, setResult }) {
      const location = locations.get(request);
      // Subscriptions that stream are always answered as SSE (Yoga has no other stream format
      // for them), so the `id:` line only ever lands in an event stream.
      if (!location || !isAsyncIterable(result)) return;
      setResult(
        mapAsyncIterator(result as AsyncIterable<SerializableResult>, (value) =>
          withSseId(value, location),
        ) as typeof result,
      );
    },
  };
}

/**
 * Adds the cursor as an `id:` line after the result's `data:` line: Yoga writes
 * `data: <stringify(result)>` and ends the event with a blank line, and SSE fields may come in any
 * order within an event.
 */
function withSseId(result: SerializableResult, location: CursorLocation): SerializableResult {
  const node = result.data?.[location.fieldKey] as Record<string, unknown> | null | undefined;
  const id = location.idKeys.map((key) => node?.[key]).find((v) => typeof v === 'string');
  // Why the check: a line break in an id would end the SSE field and inject another.
  if (typeof id !== 'string' || /[\r\n\0]/.test(id)) return result;
  const stringify = result.stringify ?? JSON.stringify;
  return { ...result, stringify: (sanitized) => `${stringify(sanitized)}\nid: ${id}` };
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

/** Where the subscription's event `id` lands in each result, or undefined if not selected. */
function locateCursor(
  document: DocumentNode,
  operationName: string | undefined,
): CursorLocation | undefined {
  const [field] = resumableFields(operationOf(document, operationName));
  if (!field?.selectionSet) return undefined;
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
  if (idKeys.length === 0) return undefined;
  return { fieldKey: field.alias?.value ?? field.name.value, idKeys };
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
    const after = field.arguments?.find((a) => a.name.value === 'after');
    if (after?.value.kind === Kind.VARIABLE) {
      variables[after.value.name.value] = lastEventId;
    } else if (after?.value.loc) {
      edits.push({ start: after.value.loc.start, end: after.value.loc.end, text: literal });
    } else {
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
