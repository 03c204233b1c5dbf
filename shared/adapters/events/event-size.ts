/**
 * About how many bytes an event takes as JSON, for the per-subscriber byte limits: the length of
 * every string (UTF-16 code units, which is the UTF-8 size of ASCII text) plus a few bytes per
 * key, number and bracket. Cheaper than serialising the event, and walked without recursion, so
 * any nesting is fine. Adapters that hold the event's JSON text use its real length instead.
 */
export function approximateJsonBytes(value: unknown): number {
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') bytes += item.length + 2;
    else if (item === null || typeof item !== 'object') bytes += 8;
    else if (Array.isArray(item)) {
      bytes += 2 + item.length;
      for (const element of item) stack.push(element);
    } else {
      bytes += 2;
      for (const [key, element] of Object.entries(item)) {
        bytes += key.length + 4;
        stack.push(element);
      }
    }
  }
  return bytes;
}
