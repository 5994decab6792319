/**
 * Appends `items` to `list` one by one: `list.push(...items)` passes them as arguments,
 * and past some tens of thousands (200,000 comment lines) that throws a RangeError.
 */
export function appendAll<T>(list: T[], items: readonly T[]): void {
  for (const item of items) list.push(item);
}
