/**
 * The one trim of the state's small recently-used maps (the derived cache's entries and families, the inspector's
 * pages by allocation): a `Map` keeps its keys in the order they were set, so the oldest is the first.
 */

/** Sets `key` to `value` as `map`'s newest entry and drops the oldest entries past `max` (≥ 1); returns `value`. */
export function setRecent<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
  return value;
}
