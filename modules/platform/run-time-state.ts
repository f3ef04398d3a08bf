/**
 * State the library keeps for the whole app (caches shared by connections,
 * the tick clock's wrap count), made at run time.
 *
 * A device preloads these modules into flash at build time. Module-level
 * state there is either frozen, so it cannot change, or aliasable: the XS
 * linker warns about it ("no const", "not frozen") and copies it to RAM on
 * the first write. State made at run time is plain RAM from the start, so
 * it lives on the app's global object, under a symbol no one else has, and
 * each module keeps its own named slot in it.
 */

const KEY = Symbol("websocket-client run-time state");

type Slots = Record<string, object>;

/**
 * The slot called `name`, made by `make` on first use. Where the global
 * object cannot take the state (frozen by the app), nothing is kept: each
 * call makes a fresh slot, and caches simply do not cache.
 */
export function runTimeSlot<T extends object>(name: string, make: () => T): T {
  const holder = globalThis as unknown as { [KEY]?: Slots };
  let slots = holder[KEY];
  if (slots === undefined) {
    slots = {};
    try {
      Object.defineProperty(holder, KEY, { value: slots });
    } catch {
      return make();
    }
  }
  let slot = slots[name] as T | undefined;
  if (slot === undefined) {
    slot = make();
    slots[name] = slot;
  }
  return slot;
}
