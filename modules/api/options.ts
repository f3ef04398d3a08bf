import type { ClientOptions } from "../client/client";
import { optionsObject } from "../core/options";

/**
 * An entry's default client options under the app's own; an option the app leaves undefined keeps
 * the default. `perMessageDeflate: true` keeps the entry's own offer when it has one (a device's
 * manifest tunes it), as "offer compression" means there. `name` is how an options value that is not
 * an object is named in the error.
 */
export function withEntryDefaults<T extends object>(
  defaults: ClientOptions | undefined,
  options: T | undefined,
  name = "options",
): T & ClientOptions {
  const merged: Record<string, unknown> = { ...defaults };
  const own = optionsObject(name, options);
  for (const key of Object.keys(own)) {
    const value = own[key];
    if (value === undefined || (key === "perMessageDeflate" && value === true && typeof merged[key] === "object"))
      continue;
    merged[key] = value;
  }
  return merged as T & ClientOptions;
}
