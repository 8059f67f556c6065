/**
 * Client JSON may nest at most this deep. JSON.parse takes far deeper input, but re-serialising
 * it (gateway batches, the node's log) recursed until the stack overflowed: a 500, not a 400.
 * Gateway and node use the same bound, so what one takes the other takes too.
 */
export const jsonDepthMax = 64;

/** True when `value` nests deeper than `max` (arrays and objects), found without recursion. */
export function nestsDeeperThan(value: unknown, max = jsonDepthMax): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
