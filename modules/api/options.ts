import type { ClientOptions } from "../client/client";

/** An entry's default client options under the app's own; an option the app leaves undefined keeps the default. */
export function withEntryDefaults<T extends object>(defaults: ClientOptions | undefined, options: T | undefined): T & ClientOptions {
  const merged: Record<string, unknown> = { ...defaults };
  if (options) {
    for (const name of Object.keys(options)) {
      const value = (options as Record<string, unknown>)[name];
      if (value !== undefined) merged[name] = value;
    }
  }
  return merged as T & ClientOptions;
}
