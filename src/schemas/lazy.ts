/**
 * A value made the first time it is asked for, then kept. Building zod schemas takes a few
 * milliseconds, and the client only parses with zod off its hand-written fast paths (or to word
 * an error): so the main entry builds none at import; `zendesk-connect/schemas` builds them all.
 *
 * @example
 * ```ts
 * const idSchema = lazy(() => z.union([z.string(), z.number()]));
 * idSchema() === idSchema(); // true: built once, on the first call
 * ```
 */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
