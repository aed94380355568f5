import type { MappingWarning, MappingWarningCode } from '../schemas/warning';

/**
 * What a mapper returns: the Connect path to post to, the JSON body, and the warnings about
 * anything sent as-is or left out.
 *
 * @example
 * ```ts
 * const { path, body, warnings }: MappedCall<'/v2/track', ConnectEvent> = mapTrack(message);
 * ```
 */
export interface MappedCall<Path extends string, Body> {
  path: Path;
  body: Body;
  warnings: MappingWarning[];
}

/** A warning whose message names the call and the field. */
export function warning(
  call: string,
  field: string,
  code: MappingWarningCode,
  problem: string,
): MappingWarning {
  return { field, code, message: `${call}: \`${field}\` ${problem}` };
}
